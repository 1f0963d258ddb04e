import { describe, expect, it } from "vitest";
import { chooseWhatsAppRoute } from "../../src/outbox/chooseWhatsAppRoute.js";
import { parseRetryAfter } from "../../src/outbox/parseRetryAfter.js";
import { RateLimiter } from "../../src/outbox/RateLimiter.js";
import { defaultOutboxRates, rateBucketsFor } from "../../src/outbox/rateBuckets.js";
import { retryDelayMs } from "../../src/outbox/retryDelayMs.js";
import { senderKey } from "../../src/outbox/senderKey.js";

const now = new Date("2026-03-01T12:00:00Z");
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);

describe("chooseWhatsAppRoute", () => {
  const base = { now, templateSid: undefined, smsAddress: null };
  it("sends free-form inside the 24-hour window (less a safety margin)", () => {
    expect(chooseWhatsAppRoute({ ...base, lastInboundAt: hoursAgo(23.5) })).toEqual({ route: "freeform" });
    expect(chooseWhatsAppRoute({ ...base, lastInboundAt: hoursAgo(23.95), templateSid: "HX1" })).toEqual({
      route: "template",
      contentSid: "HX1",
    });
  });
  it("prefers the template, then SMS, then free-form outside the window", () => {
    const outside = { ...base, lastInboundAt: hoursAgo(48) };
    expect(chooseWhatsAppRoute({ ...outside, templateSid: "HX1", smsAddress: "+2431" }).route).toBe("template");
    expect(chooseWhatsAppRoute({ ...outside, smsAddress: "+2431" })).toEqual({
      route: "sms_fallback",
      smsAddress: "+2431",
    });
    expect(chooseWhatsAppRoute(outside)).toEqual({ route: "freeform" });
    expect(chooseWhatsAppRoute({ ...base, lastInboundAt: null, smsAddress: "+2431" }).route).toBe("sms_fallback");
  });
});

describe("retryDelayMs", () => {
  it("doubles the ceiling from 2 s and caps it at 10 minutes, with full jitter", () => {
    const top = () => 0.999_999;
    const opts = { baseMs: 2_000, capMs: 600_000 };
    expect([1, 2, 3, 4].map((a) => Math.round(retryDelayMs(a, opts, top) / 1000))).toEqual([2, 4, 8, 16]);
    expect(retryDelayMs(20, opts, top)).toBeLessThanOrEqual(600_000);
    expect(retryDelayMs(20, opts, top)).toBeGreaterThan(599_000);
    expect(retryDelayMs(5, opts, () => 0)).toBe(0);
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("2", now)).toBe(2_000);
    expect(parseRetryAfter("Sun, 01 Mar 2026 12:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe("RateLimiter", () => {
  it("spaces one key evenly and lets other keys go at once", () => {
    const limiter = new RateLimiter();
    const sms = [{ key: "sms:+1", perSecond: 2, cost: 1, burst: 1 }];
    const waits = [0, 1, 2, 3].map(() => limiter.reserve(sms, 0, 10_000).waitMs);
    expect(waits).toEqual([0, 500, 1000, 1500]);
    expect(limiter.reserve([{ key: "sms:+2", perSecond: 2, cost: 1, burst: 1 }], 0, 10_000).waitMs).toBe(0);
  });
  it("charges the cost (SMS segments) and refuses slots beyond the horizon", () => {
    const limiter = new RateLimiter();
    const three = [{ key: "k", perSecond: 1, cost: 3, burst: 1 }];
    expect(limiter.reserve(three, 0, 2_000)).toEqual({ reserved: true, waitMs: 0 });
    expect(limiter.reserve(three, 0, 2_000)).toEqual({ reserved: false, waitMs: 3_000 });
    expect(limiter.reserve(three, 3_000, 2_000)).toEqual({ reserved: true, waitMs: 0 });
  });
  it("allows a burst of one second's worth by default", () => {
    const limiter = new RateLimiter();
    const tg = [{ key: "telegram", perSecond: 30, cost: 1 }];
    const waits = Array.from({ length: 31 }, () => limiter.reserve(tg, 0, 10_000).waitMs);
    expect(waits.slice(0, 30).every((w) => w === 0)).toBe(true);
    expect(waits[30]).toBeCloseTo(1000 / 30);
  });
  it("keeps spacing between actual starts when a send starts late", () => {
    const limiter = new RateLimiter();
    const k = [{ key: "k", perSecond: 2, cost: 1, burst: 1 }];
    limiter.reserve(k, 0, 10_000);
    limiter.reserve(k, 0, 10_000); // slot at 500
    expect(limiter.admit(k, 300)).toBe(0); // the first started late, at 300
    expect(limiter.admit(k, 500)).toBe(300); // so the second waits until 800
    expect(limiter.admit(k, 800)).toBe(0);
  });
  it("lines deferred items up at the rate behind those deferred before, across batches", () => {
    const limiter = new RateLimiter();
    const k = [{ key: "k", perSecond: 1, cost: 1, burst: 1 }];
    // First batch at t=0: two slots within the 2 s horizon, the rest deferred to 2 s, 3 s, 4 s.
    expect([0, 1, 2].map(() => limiter.reserve(k, 0, 2_000).reserved)).toEqual([true, true, true]);
    expect(limiter.reserve(k, 0, 2_000).reserved).toBe(false);
    expect([0, 1, 2].map(() => limiter.defer(k, 0))).toEqual([3_000, 4_000, 5_000]);
    // A second batch 100 ms later comes back after them, not at the same times.
    expect([0, 1].map(() => limiter.defer(k, 100))).toEqual([5_900, 6_900]);
    // Once the queue has passed, deferral starts again from the planned slots.
    expect(limiter.defer(k, 60_000)).toBe(0);
  });
  it("holds every key of an item after a 429", () => {
    const limiter = new RateLimiter();
    const buckets = rateBucketsFor(
      { channel: "telegram", sender: "telegram:9", body: { text: "x" } },
      defaultOutboxRates,
    );
    limiter.holdUntil(buckets, 5_000);
    expect(limiter.reserve(buckets, 0, 10_000).waitMs).toBe(5_000);
  });
});

describe("sender keys and buckets", () => {
  const config = { twilio: { smsFrom: "+15005550006", whatsappFrom: "whatsapp:+14155238886" } };
  it("names one key per sending number, per Telegram chat, and one for the simulator", () => {
    expect(senderKey("sms", "+2431", config)).toBe("sms:+15005550006");
    expect(senderKey("whatsapp", "+2431", config)).toBe("whatsapp:+14155238886");
    expect(senderKey("telegram", "42", config)).toBe("telegram:42");
    expect(senderKey("telegram", "sim:1", config)).toBe("sim");
  });
  it("charges SMS per segment and Telegram on two buckets", () => {
    const long = rateBucketsFor(
      { channel: "sms", sender: "sms:+1", body: { text: "ê".repeat(100) } },
      defaultOutboxRates,
    );
    expect(long).toEqual([{ key: "sms:+1", perSecond: 1, cost: 2, burst: 1 }]);
    expect(rateBucketsFor({ channel: "sms", sender: "sim", body: { text: "x" } }, defaultOutboxRates)).toEqual([]);
    expect(
      rateBucketsFor({ channel: "telegram", sender: "telegram:42", body: { text: "x" } }, defaultOutboxRates),
    ).toEqual([
      { key: "telegram", perSecond: 30, cost: 1 },
      { key: "telegram:42", perSecond: 1, cost: 1, burst: 1 },
    ]);
  });
});
