import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prismaSql } from "../../src/db/SqlRunner.js";
import { createLogger } from "../../src/log/createLogger.js";
import { claimOutboxItems } from "../../src/outbox/claimOutboxItems.js";
import { type OutboxWorkerOptions, startOutboxWorker } from "../../src/outbox/OutboxWorker.js";
import { listOutbox, retryOutboxItem } from "../../src/outbox/outboxQueries.js";
import { createTestDatabase, type TestDatabase } from "../support/createTestDatabase.js";
import { type FakeTelegramApi, startFakeTelegramApi, telegramError } from "../support/fakeTelegramApi.js";
import { type FakeTwilioApi, startFakeTwilioApi, twilioError } from "../support/fakeTwilioApi.js";
import { clearOutbox, enqueue, publicUrl, sendersFor, smsFrom, unlimited } from "./outboxFixtures.js";

describe("outbox worker", () => {
  let db: TestDatabase;
  let twilio: FakeTwilioApi;
  let telegram: FakeTelegramApi;
  let clock: number;

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
    // A little ahead of the wall clock, so items enqueued during the test are due at once.
    clock = Date.now() + 1_000;
  });

  /** A worker without a background loop, on a clock the test moves, with no jitter. */
  function worker(overrides: Partial<OutboxWorkerOptions> = {}) {
    return startOutboxWorker({
      prisma: db.prisma,
      senders: sendersFor(twilio, telegram),
      log: createLogger({ level: "silent" }),
      rates: unlimited,
      workerId: "test-worker",
      pollMs: 50,
      autoStart: false,
      now: () => new Date(clock),
      random: () => 0,
      ...overrides,
    });
  }
  const item = (id: string) => db.prisma.outboxItem.findUniqueOrThrow({ where: { id } });
  const message = (id: string) => db.prisma.message.findUniqueOrThrow({ where: { id } });

  it("sends a pending SMS once, through the Twilio API, and records it as sent", async () => {
    const queued = await enqueue(db.prisma, "sms", "+243990000001", {
      text: "Choisissez:",
      choices: [
        { value: "fr", label: "Français" },
        { value: "en", label: "English" },
      ],
    });
    const w = worker();
    expect(await w.drainOnce()).toBe(1);
    expect(await w.drainOnce()).toBe(0);
    expect(twilio.requests).toHaveLength(1);
    expect(twilio.requests[0]).toMatchObject({
      authorized: true,
      params: {
        From: smsFrom,
        To: "+243990000001",
        Body: "Choisissez:\n1. Français\n2. English",
        StatusCallback: `${publicUrl}/webhooks/twilio/status?outbox=${queued.outboxId}`,
      },
    });
    const sent = await item(queued.outboxId);
    expect(sent).toMatchObject({
      status: "sent",
      attempts: 1,
      lockedBy: null,
      lastError: null,
      sender: `sms:${smsFrom}`,
    });
    expect(sent.sentAt).toBeInstanceOf(Date);
    expect(await message(queued.messageId)).toMatchObject({
      status: "sent",
      attempts: 1,
      providerMessageId: expect.stringMatching(/^SM[0-9a-f]{32}$/),
    });
  });

  it("retries after a 500 and then sends (attempts = 2)", async () => {
    twilio.reply({ status: 500, body: { code: 20500, message: "Internal Server Error" } });
    const queued = await enqueue(db.prisma, "sms", "+243990000002", { text: "Merci" });
    const w = worker();
    await w.drainOnce();
    expect(await item(queued.outboxId)).toMatchObject({
      status: "pending",
      attempts: 1,
      lastError: expect.stringMatching(/^twilio 500/),
    });
    await w.drainOnce();
    expect(await item(queued.outboxId)).toMatchObject({ status: "sent", attempts: 2, lastError: null });
    expect((await message(queued.messageId)).attempts).toBe(2);
    expect(twilio.requests.map((r) => r.status)).toEqual([500, 201]);
  });

  it("backs off exponentially with jitter between retries", async () => {
    twilio.reply({ status: 503 }, { status: 503 });
    const queued = await enqueue(db.prisma, "sms", "+243990000003", { text: "Merci" });
    const w = worker({ random: () => 0.999, backoff: { baseMs: 2_000, capMs: 600_000 } });
    await w.drainOnce();
    const first = (await item(queued.outboxId)).nextAttemptAt.getTime() - clock;
    expect(first).toBeGreaterThan(1_900);
    expect(first).toBeLessThan(2_000);
    expect(await w.drainOnce()).toBe(0);
    clock += 2_000;
    await w.drainOnce();
    const second = (await item(queued.outboxId)).nextAttemptAt.getTime() - clock;
    expect(second).toBeGreaterThan(3_900);
    expect(second).toBeLessThan(4_000);
  });

  it("honours Retry-After on a 429", async () => {
    twilio.reply({ ...twilioError(20429, 429, "Too Many Requests"), headers: { "retry-after": "30" } });
    const queued = await enqueue(db.prisma, "sms", "+243990000004", { text: "Merci" });
    const w = worker();
    await w.drainOnce();
    const waiting = await item(queued.outboxId);
    expect(waiting.status).toBe("pending");
    expect(waiting.nextAttemptAt.getTime() - clock).toBe(30_000);
    clock += 29_000;
    expect(await w.drainOnce()).toBe(0);
    clock += 1_000;
    expect(await w.drainOnce()).toBe(1);
    expect((await item(queued.outboxId)).status).toBe("sent");
  });

  it("honours Telegram's retry_after on a 429", async () => {
    telegram.reply("sendMessage", telegramError(429, "Too Many Requests: retry after 7", 7));
    const queued = await enqueue(db.prisma, "telegram", "4242", { text: "Salut" });
    const w = worker();
    await w.drainOnce();
    expect((await item(queued.outboxId)).nextAttemptAt.getTime() - clock).toBe(7_000);
    clock += 7_000;
    await w.drainOnce();
    expect(await item(queued.outboxId)).toMatchObject({ status: "sent", attempts: 2 });
  });

  it("fails an unsubscribed recipient (21610) at once, with the code, and never retries", async () => {
    twilio.reply(twilioError(21610, 400, "Attempt to send to unsubscribed recipient +243990000005"));
    const queued = await enqueue(db.prisma, "sms", "+243990000005", { text: "Merci" });
    const w = worker();
    await w.drainOnce();
    clock += 3_600_000;
    expect(await w.drainOnce()).toBe(0);
    const failed = await item(queued.outboxId);
    expect(failed).toMatchObject({ status: "failed", attempts: 1 });
    expect(failed.lastError).toMatch(/^21610: twilio 400 21610/);
    // The number Twilio quotes is not kept.
    expect(failed.lastError).not.toContain("990000005");
    expect(await message(queued.messageId)).toMatchObject({ status: "failed", errorCode: "21610" });
    expect(twilio.requests).toHaveLength(1);
  });

  it("sends Telegram messages with an inline keyboard, and fails a blocked bot (403) for good", async () => {
    const ok = await enqueue(db.prisma, "telegram", "4242", {
      text: "Langue ?",
      choices: [
        { value: "fr", label: "Français" },
        { value: "sw", label: "Kiswahili" },
      ],
    });
    const w = worker();
    await w.drainOnce();
    expect(telegram.callsTo("sendMessage")[0]?.payload).toMatchObject({
      chat_id: "4242",
      text: "Langue ?",
      reply_markup: {
        inline_keyboard: [[{ text: "Français", callback_data: "1" }], [{ text: "Kiswahili", callback_data: "2" }]],
      },
    });
    expect(await message(ok.messageId)).toMatchObject({
      status: "sent",
      providerMessageId: expect.stringMatching(/^4242:\d+$/),
    });
    expect((await item(ok.outboxId)).sender).toBe("telegram:4242");

    telegram.reply("sendMessage", telegramError(403, "Forbidden: bot was blocked by the user"));
    const blocked = await enqueue(db.prisma, "telegram", "777", { text: "Salut" });
    await w.drainOnce();
    expect(await item(blocked.outboxId)).toMatchObject({
      status: "failed",
      lastError: "403: telegram 403: Forbidden: bot was blocked by the user",
    });
    expect(await message(blocked.messageId)).toMatchObject({ status: "failed", errorCode: "403" });
  });

  it("gives up after maxAttempts (dead), lists it for the admin, and sends it when retried", async () => {
    twilio.reply({ status: 500 }, { status: 502 }, { status: 503 });
    const queued = await enqueue(db.prisma, "sms", "+243990000006", { text: "Secret text" }, { maxAttempts: 3 });
    const w = worker();
    for (let i = 0; i < 5; i++) await w.drainOnce();
    expect(await item(queued.outboxId)).toMatchObject({
      status: "dead",
      attempts: 3,
      lastError: "twilio 503: no detail",
    });
    expect((await message(queued.messageId)).status).toBe("dead");
    expect(twilio.requests).toHaveLength(3);

    const listed = await listOutbox(db.prisma, { status: "dead", limit: 10 });
    expect(listed.items).toEqual([
      expect.objectContaining({
        id: queued.outboxId,
        channel: "sms",
        status: "dead",
        attempts: 3,
        lastError: "twilio 503: no detail",
      }),
    ]);
    expect(JSON.stringify(listed)).not.toMatch(/Secret text|990000006/);

    expect(await retryOutboxItem(db.prisma, queued.outboxId, new Date(clock))).toEqual({ status: "retried" });
    expect(await retryOutboxItem(db.prisma, queued.outboxId, new Date(clock))).toEqual({
      status: "not_retryable",
      current: "pending",
    });
    expect(await retryOutboxItem(db.prisma, "00000000-0000-0000-0000-000000000000")).toEqual({ status: "not_found" });
    await w.drainOnce();
    expect(await item(queued.outboxId)).toMatchObject({ status: "sent", attempts: 1 });
    expect((await message(queued.messageId)).status).toBe("sent");
  });

  it("pages through the outbox newest first", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await enqueue(db.prisma, "sms", `+24399000010${i}`, { text: "x" })).outboxId);
    const first = await listOutbox(db.prisma, { limit: 2 });
    const second = await listOutbox(db.prisma, { limit: 2, cursor: first.nextCursor ?? undefined });
    const third = await listOutbox(db.prisma, { limit: 2, cursor: second.nextCursor ?? undefined });
    expect([...first.items, ...second.items, ...third.items].map((i) => i.id)).toEqual(ids.reverse());
    expect(third.nextCursor).toBeNull();
  });

  it("sends a simulator recipient without any network call", async () => {
    const delivered: string[] = [];
    const queued = await enqueue(db.prisma, "sms", "sim:browser-1", { text: "Bonjour" });
    const tg = await enqueue(db.prisma, "telegram", "sim:browser-2", { text: "Bonjour" });
    const { SimulatorSender } = await import("../../src/channels/simulator/SimulatorSender.js");
    const w = worker({ simulator: new SimulatorSender((i) => delivered.push(i.recipient)) });
    await w.drainOnce();
    expect(await message(queued.messageId)).toMatchObject({
      status: "sent",
      providerMessageId: `sim-${queued.outboxId}`,
    });
    expect((await item(tg.outboxId)).status).toBe("sent");
    expect(delivered.sort()).toEqual(["sim:browser-1", "sim:browser-2"]);
    expect(twilio.requests).toEqual([]);
    expect(telegram.calls).toEqual([]);
  });

  it("keeps one recipient's messages in order, even when the first must be retried", async () => {
    twilio.reply({ status: 500 });
    const first = await enqueue(db.prisma, "sms", "+243990000007", { text: "one" });
    const second = await enqueue(db.prisma, "sms", "+243990000007", { text: "two" });
    const other = await enqueue(db.prisma, "sms", "+243990000008", { text: "other" });
    const w = worker();
    expect(await w.drainOnce()).toBe(2); // "one" (fails) and "other"; "two" waits for "one"
    expect((await item(second.outboxId)).status).toBe("pending");
    await w.drainOnce(); // "one"
    await w.drainOnce(); // "two"
    expect(twilio.requests.map((r) => r.params.Body)).toEqual(["one", "other", "one", "two"]);
    for (const q of [first, second, other]) expect((await item(q.outboxId)).status).toBe("sent");
  });

  it("reclaims the items of a crashed worker once their lock expires", async () => {
    const queued = await enqueue(db.prisma, "sms", "+243990000009", { text: "Merci" });
    // A worker claims it, then dies before sending.
    const claimed = await claimOutboxItems(prismaSql(db.prisma), {
      workerId: "crashed",
      limit: 10,
      now: new Date(clock),
      lockMs: 60_000,
    });
    expect(claimed.map((c) => c.id)).toEqual([queued.outboxId]);
    const w = worker();
    expect(await w.drainOnce()).toBe(0);
    clock += 60_001;
    expect(await w.drainOnce()).toBe(1);
    expect(await item(queued.outboxId)).toMatchObject({ status: "sent", attempts: 2, lockedBy: null });
    expect(twilio.requests).toHaveLength(1);
  });

  it("finds a due item behind a backlog of items that all wait for an earlier message", async () => {
    const busy = await enqueue(db.prisma, "sms", "+243990000010", { text: "first" });
    const claim = (workerId: string, limit: number) =>
      claimOutboxItems(prismaSql(db.prisma), { workerId, limit, now: new Date(clock), lockMs: 60_000 });
    expect((await claim("slow", 1)).map((c) => c.id)).toEqual([busy.outboxId]);
    // Twelve more for the same person wait until "first" is sent; they are the oldest due items,
    // more than a claim of two looks at first.
    for (let i = 0; i < 12; i++) await enqueue(db.prisma, "sms", "+243990000010", { text: `later ${i}` });
    const free = await enqueue(db.prisma, "sms", "+243990000011", { text: "free" });
    expect((await claim("other", 2)).map((c) => c.id)).toEqual([free.outboxId]);
  });

  it("fails items of a channel with no sender configured", async () => {
    const queued = await enqueue(db.prisma, "telegram", "4242", { text: "x" });
    const w = worker({ senders: sendersFor(twilio) });
    await w.drainOnce();
    expect(await item(queued.outboxId)).toMatchObject({
      status: "failed",
      lastError: "no_sender: no sender configured for telegram",
    });
  });

  it("runs in the background, wakes on demand and stops cleanly", async () => {
    const w = startOutboxWorker({
      prisma: db.prisma,
      senders: sendersFor(twilio, telegram),
      log: createLogger({ level: "silent" }),
      rates: unlimited,
      workerId: "loop",
      pollMs: 60_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const queued = await enqueue(db.prisma, "sms", "+243990000010", { text: "Merci" });
    w.wake();
    await expect.poll(async () => (await item(queued.outboxId)).status, { timeout: 5_000 }).toBe("sent");
    const started = Date.now();
    await w.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
