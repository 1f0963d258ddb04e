import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log/createLogger.js";
import type { ChannelSender } from "../../src/outbox/OutboundBody.js";
import { startOutboxWorker } from "../../src/outbox/OutboxWorker.js";
import type { OutboxRates } from "../../src/outbox/rateBuckets.js";
import { createTestDatabase, type TestDatabase } from "../support/createTestDatabase.js";
import { type FakeTelegramApi, startFakeTelegramApi } from "../support/fakeTelegramApi.js";
import { type FakeTwilioApi, startFakeTwilioApi } from "../support/fakeTwilioApi.js";
import { clearOutbox, enqueue, sendersFor, unlimited } from "./outboxFixtures.js";

// Timing is taken when the worker hands an item to its sender (what the limiter governs); arrivals
// at the in-process fakes would add the event loop's hiccups. Asserted loosely: the point is the
// spacing, not the millisecond.
describe("outbox rate limits", () => {
  let db: TestDatabase;
  let twilio: FakeTwilioApi;
  let telegram: FakeTelegramApi;

  beforeAll(async () => {
    db = await createTestDatabase();
    twilio = await startFakeTwilioApi();
    telegram = await startFakeTelegramApi();
  });
  afterAll(async () => {
    await twilio?.close();
    await telegram?.close();
    await db?.close();
  });
  beforeEach(async () => {
    await clearOutbox(db.prisma);
    twilio.requests.length = 0;
    telegram.calls.length = 0;
  });

  /** Send start times (ms) and payloads, in the order the worker handed them to the senders. */
  let starts: { at: number; recipient: string; text: string }[] = [];

  async function drainWith(rates: OutboxRates, until: () => Promise<boolean>) {
    starts = [];
    const senders = sendersFor(twilio, telegram);
    const timed = (sender: ChannelSender): ChannelSender => ({
      send: (item) => {
        starts.push({ at: performance.now(), recipient: item.recipient, text: item.body.text });
        return sender.send(item);
      },
    });
    const worker = startOutboxWorker({
      prisma: db.prisma,
      senders: { sms: timed(senders.sms), ...(senders.telegram ? { telegram: timed(senders.telegram) } : {}) },
      log: createLogger({ level: "silent" }),
      rates,
      workerId: "rate-test",
      pollMs: 20,
    });
    await expect.poll(until, { timeout: 20_000, interval: 50 }).toBe(true);
    await worker.stop();
  }
  const allSent = async () => (await db.prisma.outboxItem.count({ where: { status: { not: "sent" } } })) === 0;

  it("spaces SMS at 2 per second", async () => {
    for (let i = 0; i < 7; i++) await enqueue(db.prisma, "sms", `+24399020000${i}`, { text: `n${i}` });
    await drainWith({ ...unlimited, smsPerSecond: 2 }, allSent);
    expect(twilio.requests).toHaveLength(7);
    const times = starts.map((s) => s.at);
    const spanMs = (times.at(-1) ?? 0) - (times[0] ?? 0);
    // 6 intervals of 500 ms = 3 s.
    expect(spanMs).toBeGreaterThan(2_900);
    // Slower is only a loaded machine; the upper bound just catches a stalled worker.
    expect(spanMs).toBeLessThan(15_000);
    // Never more than 2 in any second (a little slack for timer jitter).
    for (const start of times) expect(times.filter((t) => t >= start && t < start + 950).length).toBeLessThanOrEqual(2);
  });

  it("charges an SMS one token per segment", async () => {
    // 3 GSM-7 segments, then a short one: at 2 segments per second the second waits ~1.5 s.
    await enqueue(db.prisma, "sms", "+243990300001", { text: "a".repeat(400) });
    await enqueue(db.prisma, "sms", "+243990300002", { text: "short" });
    await drainWith({ ...unlimited, smsPerSecond: 2 }, allSent);
    const [first, second] = starts.map((s) => s.at);
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThan(1_300);
  });

  it("sends at most one message per second to one Telegram chat, in order", async () => {
    for (const text of ["un", "deux", "trois"]) await enqueue(db.prisma, "telegram", "4242", { text });
    await enqueue(db.prisma, "telegram", "5353", { text: "autre" });
    await drainWith({ ...unlimited, telegramPerChatPerSecond: 1 }, allSent);
    const arrived = telegram.callsTo("sendMessage").filter((c) => c.payload.chat_id === "4242");
    expect(arrived.map((c) => c.payload.text)).toEqual(["un", "deux", "trois"]);
    const chat = starts.filter((s) => s.recipient === "4242");
    expect((chat.at(-1)?.at ?? 0) - (chat[0]?.at ?? 0)).toBeGreaterThan(1_900);
    // The other chat is not held back by the first one's limit.
    const other = starts.find((s) => s.recipient === "5353");
    expect((other?.at ?? 0) - (chat[0]?.at ?? 0)).toBeLessThan(900);
  });
});
