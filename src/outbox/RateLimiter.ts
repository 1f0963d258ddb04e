/** One limit an item is subject to: `cost` tokens from the bucket `key`, refilled at `perSecond`. */
export interface RateBucket {
  key: string;
  perSecond: number;
  /** Tokens this item takes: 1, or the segment count of an SMS. */
  cost: number;
  /** Tokens that may go at once after a quiet period. Default: one second's worth, at least 1. */
  burst?: number;
}

/**
 * In-process rate limits, one virtual schedule per key (the GCRA form of a token bucket): each key
 * remembers when it is next free; an item of cost `c` moves that point `c / perSecond` seconds on.
 * Reservations are synchronous, so items handled concurrently get distinct, evenly spaced slots,
 * and an item dearer than the burst (a 3-segment SMS at 1/s) simply waits longer.
 *
 * Limits hold per process: with several instances, each sends at the full rate, so divide the
 * configured rates by the number of instances (or run the worker in one of them).
 *
 * @example
 * const limiter = new RateLimiter();
 * const wait = limiter.reserve([{ key: "sms:+15005550006", perSecond: 1, cost: 2 }], performance.now(), 2000);
 * if (wait.reserved) await sleep(wait.waitMs);
 */
export class RateLimiter {
  /** Key → the time (ms, monotonic clock) at which the key is free again for a full burst. */
  readonly #freeAt = new Map<string, number>();

  /** How long an item must wait before it may go, without reserving anything. */
  waitMs(buckets: readonly RateBucket[], nowMs: number): number {
    let wait = 0;
    for (const bucket of buckets) {
      if (!Number.isFinite(bucket.perSecond)) continue;
      const freeAt = this.#freeAt.get(bucket.key) ?? nowMs;
      wait = Math.max(wait, freeAt - tolerance(bucket) - nowMs);
    }
    return Math.max(0, wait);
  }

  /**
   * Reserves a slot if the item may go within `horizonMs`: then it owns the slot `waitMs` from now.
   * Otherwise nothing is reserved and `waitMs` tells when to come back.
   */
  reserve(
    buckets: readonly RateBucket[],
    nowMs: number,
    horizonMs: number,
  ): { reserved: true; waitMs: number } | { reserved: false; waitMs: number } {
    const waitMs = this.waitMs(buckets, nowMs);
    if (waitMs > horizonMs) return { reserved: false, waitMs };
    const at = nowMs + waitMs;
    for (const bucket of buckets) {
      if (!Number.isFinite(bucket.perSecond)) continue;
      const freeAt = Math.max(this.#freeAt.get(bucket.key) ?? at, at);
      this.#freeAt.set(bucket.key, freeAt + (bucket.cost * 1000) / bucket.perSecond);
    }
    return { reserved: true, waitMs };
  }

  /** After the provider said "too many requests": nothing more on these keys before `untilMs`. */
  holdUntil(buckets: readonly RateBucket[], untilMs: number): void {
    for (const bucket of buckets) {
      if (!Number.isFinite(bucket.perSecond)) continue;
      const freeAt = this.#freeAt.get(bucket.key) ?? 0;
      this.#freeAt.set(bucket.key, Math.max(freeAt, untilMs + tolerance(bucket)));
    }
  }
}

function tolerance(bucket: RateBucket): number {
  const burst = bucket.burst ?? Math.max(1, bucket.perSecond);
  return ((burst - 1) * 1000) / bucket.perSecond;
}
