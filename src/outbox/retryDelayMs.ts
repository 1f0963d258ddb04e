/** Back-off settings: the first retry waits up to `baseMs`, doubling each attempt, never beyond `capMs`. */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

/** 2 s, doubling, capped at 10 minutes. */
export const defaultBackoff: BackoffOptions = { baseMs: 2_000, capMs: 600_000 };

/**
 * Exponential back-off with full jitter: a uniformly random delay between 0 and
 * `min(capMs, baseMs * 2^(attempt-1))`, so items that failed together do not retry together.
 *
 * @example
 * retryDelayMs(3, defaultBackoff, Math.random); // somewhere in [0, 8000)
 */
export function retryDelayMs(attempt: number, options: BackoffOptions, random: () => number): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}
