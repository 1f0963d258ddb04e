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
 * const buckets = [{ key: "sms:+15005550006", perSecond: 1, cost: 2 }];
 * const slot = limiter.reserve(buckets, performance.now(), 2000);
 * if (slot.reserved) {
 *   await sleep(slot.waitMs);
 *   for (let w = limiter.admit(buckets, performance.now()); w > 0; w = limiter.admit(buckets, performance.now())) await sleep(w);
 *   await send();
 * }
 */
export class RateLimiter {
  /** Key → when the key is free again, by the slots handed out (plans ahead, for a whole batch). */
  readonly #planned = new Map<string, number>();
  /** Key → when the key is free again, by the sends that actually started (a late timer shifts it). */
  readonly #started = new Map<string, number>();
  /** Key → the end of the queue of items sent back to wait (beyond the horizon), in slot order. */
  readonly #deferred = new Map<string, number>();

  /** How long an item must wait before it may go, by the slots already handed out. */
  waitMs(buckets: readonly RateBucket[], nowMs: number): number {
    return waitIn(this.#planned, buckets, nowMs);
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
    const waitMs = waitIn(this.#planned, buckets, nowMs);
    if (waitMs > horizonMs) return { reserved: false, waitMs };
    advance(this.#planned, buckets, nowMs + waitMs);
    return { reserved: true, waitMs };
  }

  /**
   * For an item that may not go within the horizon: when to come back, behind the items deferred
   * before it, and that time is taken. Items deferred by successive batches thereby line up at the
   * rate instead of all coming back together and being deferred again and again (a backlog of
   * thousands at 1 SMS/s would otherwise be rewritten over and over).
   */
  defer(buckets: readonly RateBucket[], nowMs: number): number {
    const waitMs = Math.max(waitIn(this.#planned, buckets, nowMs), waitIn(this.#deferred, buckets, nowMs));
    advance(this.#deferred, buckets, nowMs + waitMs);
    return waitMs;
  }

  /**
   * At the moment of sending, after waiting for the reserved slot: 0 if the item may go now (its
   * start is recorded), else how much longer to wait. Spacing is thereby kept between actual
   * sends, even when a timer fires late (PGlite can hold the event loop) and the next one on time.
   */
  admit(buckets: readonly RateBucket[], nowMs: number): number {
    const waitMs = waitIn(this.#started, buckets, nowMs);
    if (waitMs > 0) return waitMs;
    advance(this.#started, buckets, nowMs);
    return 0;
  }

  /** After the provider said "too many requests": nothing more on these keys before `untilMs`. */
  holdUntil(buckets: readonly RateBucket[], untilMs: number): void {
    for (const schedule of [this.#planned, this.#started]) {
      for (const bucket of buckets) {
        if (!Number.isFinite(bucket.perSecond)) continue;
        const freeAt = schedule.get(bucket.key) ?? 0;
        schedule.set(bucket.key, Math.max(freeAt, untilMs + tolerance(bucket)));
      }
    }
  }
}

function waitIn(schedule: Map<string, number>, buckets: readonly RateBucket[], nowMs: number): number {
  let wait = 0;
  for (const bucket of buckets) {
    if (!Number.isFinite(bucket.perSecond)) continue;
    const freeAt = schedule.get(bucket.key) ?? nowMs;
    wait = Math.max(wait, freeAt - tolerance(bucket) - nowMs);
  }
  // Below a microsecond is floating-point dust (30 × 1000/30 is not exactly 1000).
  return wait < 1e-3 ? 0 : wait;
}

function advance(schedule: Map<string, number>, buckets: readonly RateBucket[], atMs: number): void {
  for (const bucket of buckets) {
    if (!Number.isFinite(bucket.perSecond)) continue;
    const freeAt = Math.max(schedule.get(bucket.key) ?? atMs, atMs);
    schedule.set(bucket.key, freeAt + (bucket.cost * 1000) / bucket.perSecond);
  }
}

function tolerance(bucket: RateBucket): number {
  const burst = bucket.burst ?? Math.max(1, bucket.perSecond);
  return ((burst - 1) * 1000) / bucket.perSecond;
}
