import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log/createLogger.js";
import { type EnqueuedOutbound, enqueueOutbound } from "../../src/outbox/enqueueOutbound.js";
import { startOutboxWorker } from "../../src/outbox/OutboxWorker.js";
import { createTestDatabase, type TestDatabase } from "../support/createTestDatabase.js";
import { type FakeTwilioApi, startFakeTwilioApi, twilioError } from "../support/fakeTwilioApi.js";
import { clearOutbox, enqueue, enqueueConfig, sendersFor, smsFrom, unlimited } from "./outboxFixtures.js";

const templateSid = `HX${"ab".repeat(16)}`;
const hour = 3_600_000;

describe("enqueueOutbound", () => {
  let db: TestDatabase;
  let twilio: FakeTwilioApi;
  const now = new Date();

  beforeAll(async () => {
    db = await createTestDatabase();
    twilio = await startFakeTwilioApi();
  });
  afterAll(async () => {
    await twilio?.close();
    await db?.close();
  });
  beforeEach(async () => {
    await clearOutbox(db.prisma);
    twilio.requests.length = 0;
  });

  async function contact(addresses: { channel: "sms" | "whatsapp"; address: string; lastInboundAt?: Date }[]) {
    return db.prisma.contact.create({
      data: { pseudonym: `p-${Math.random()}`, addresses: { create: addresses } },
    });
  }
  async function drain() {
    const worker = startOutboxWorker({
      prisma: db.prisma,
      senders: sendersFor(twilio),
      log: createLogger({ level: "silent" }),
      rates: unlimited,
      workerId: "w",
      pollMs: 10,
      autoStart: false,
      now: () => new Date(Date.now() + 1_000),
    });
    while ((await worker.drainOnce()) > 0) {}
  }

  it("keeps a burst in order without making it wait: creation times increase, every item is due now", async () => {
    const burstAt = new Date();
    const queued: EnqueuedOutbound[] = [];
    await db.prisma.$transaction(async (tx) => {
      for (let i = 0; i < 300; i++) {
        queued.push(
          await enqueueOutbound(tx, {
            contactId: null,
            channel: "sms",
            recipient: "+243990005555",
            body: { text: `Message ${i}` },
            now: burstAt,
            config: enqueueConfig(),
          }),
        );
      }
    });
    const items = await db.prisma.outboxItem.findMany({ orderBy: { createdAt: "asc" } });
    expect(items.map((item) => item.id)).toEqual(queued.map((q) => q.outboxId));
    expect(new Set(items.map((item) => item.createdAt.getTime())).size).toBe(300);
    // 300 items in one millisecond: creation times run 300 ms ahead, due times must not.
    expect(items.every((item) => item.nextAttemptAt.getTime() === burstAt.getTime())).toBe(true);
  });

  it("records an SMS with its encoding and segments, keyed by the sending number", async () => {
    const queued = await enqueue(db.prisma, "sms", "+243990000001", {
      text: "Où êtes-vous ?",
      choices: [{ value: "a", label: "Kalemie" }],
    });
    expect(queued.route).toBeNull();
    const message = await db.prisma.message.findUniqueOrThrow({
      where: { id: queued.messageId },
      include: { outbox: true },
    });
    expect(message).toMatchObject({
      direction: "outbound",
      channel: "sms",
      status: "queued",
      text: "Où êtes-vous ?",
      encoding: "UCS-2",
      segments: 1,
      payload: { choices: [{ value: "a", label: "Kalemie" }] },
    });
    expect(message.outbox).toMatchObject({
      status: "pending",
      sender: `sms:${smsFrom}`,
      recipient: "+243990000001",
      route: null,
    });
  });

  it("writes nothing when the caller's transaction rolls back", async () => {
    await expect(
      db.prisma.$transaction(async (tx) => {
        await enqueueOutbound(tx, {
          contactId: null,
          channel: "sms",
          recipient: "+243990000002",
          body: { text: "x" },
          now,
          config: enqueueConfig(),
        });
        throw new Error("state change failed");
      }),
    ).rejects.toThrow("state change failed");
    expect(await db.prisma.outboxItem.count()).toBe(0);
    expect(await db.prisma.message.count()).toBe(0);
  });

  it("sends WhatsApp free-form inside the 24-hour window", async () => {
    const c = await contact([
      { channel: "whatsapp", address: "+224620000001", lastInboundAt: new Date(now.getTime() - hour) },
    ]);
    const queued = await enqueue(
      db.prisma,
      "whatsapp",
      "+224620000001",
      { text: "Bonjour", choices: [{ value: "x", label: "Oui" }] },
      {
        contactId: c.id,
        config: enqueueConfig(templateSid),
      },
    );
    expect(queued.route).toBe("freeform");
    await drain();
    expect(twilio.requests[0]?.params).toMatchObject({
      From: "whatsapp:+14155238886",
      To: "whatsapp:+224620000001",
      Body: "Bonjour\n1. Oui",
    });
    expect((await db.prisma.outboxItem.findUniqueOrThrow({ where: { id: queued.outboxId } })).route).toBe("freeform");
  });

  it("sends the content template outside the window when one is configured", async () => {
    const c = await contact([
      { channel: "whatsapp", address: "+224620000002", lastInboundAt: new Date(now.getTime() - 25 * hour) },
      { channel: "sms", address: "+224620000002" },
    ]);
    const queued = await enqueue(
      db.prisma,
      "whatsapp",
      "+224620000002",
      { text: "Votre alerte A-1042 est close.", choices: [{ value: "1", label: "Merci" }] },
      {
        contactId: c.id,
        config: enqueueConfig(templateSid),
      },
    );
    expect(queued).toMatchObject({ route: "template", channel: "whatsapp" });
    await drain();
    const params = twilio.requests[0]?.params ?? {};
    expect(params).toMatchObject({ To: "whatsapp:+224620000002", ContentSid: templateSid });
    expect(JSON.parse(params.ContentVariables ?? "{}")).toEqual({ "1": "Votre alerte A-1042 est close. | 1. Merci" });
    expect(params.Body).toBeUndefined();
  });

  it("falls back to SMS outside the window when there is no template but a phone on SMS", async () => {
    const c = await contact([
      { channel: "whatsapp", address: "+224620000003" },
      { channel: "sms", address: "+224620000033" },
    ]);
    const queued = await enqueue(db.prisma, "whatsapp", "+224620000003", { text: "Rappel" }, { contactId: c.id });
    expect(queued).toMatchObject({ route: "sms_fallback", channel: "sms", recipient: "+224620000033" });
    const item = await db.prisma.outboxItem.findUniqueOrThrow({
      where: { id: queued.outboxId },
      include: { message: true },
    });
    expect(item).toMatchObject({ channel: "sms", sender: `sms:${smsFrom}`, route: "sms_fallback" });
    expect(item.message).toMatchObject({ channel: "sms", segments: 1, encoding: "GSM-7" });
    await drain();
    expect(twilio.requests[0]?.params).toMatchObject({ From: smsFrom, To: "+224620000033", Body: "Rappel" });
  });

  it("tries free-form outside the window with no other way, and records Twilio's 63016 as permanent", async () => {
    const c = await contact([
      { channel: "whatsapp", address: "+224620000004", lastInboundAt: new Date(now.getTime() - 30 * hour) },
    ]);
    const queued = await enqueue(db.prisma, "whatsapp", "+224620000004", { text: "Rappel" }, { contactId: c.id });
    expect(queued.route).toBe("freeform");
    twilio.reply(
      twilioError(63016, 400, "Failed to send freeform message because you are outside the allowed window."),
    );
    await drain();
    expect(await db.prisma.message.findUniqueOrThrow({ where: { id: queued.messageId } })).toMatchObject({
      status: "failed",
      errorCode: "63016",
    });
  });

  it("keys Telegram items per chat and simulator items apart", async () => {
    const tg = await enqueue(db.prisma, "telegram", "4242", { text: "x" });
    const sim = await enqueue(db.prisma, "whatsapp", "sim:abc", { text: "x" });
    const items = await db.prisma.outboxItem.findMany({ where: { id: { in: [tg.outboxId, sim.outboxId] } } });
    expect(items.map((i) => [i.channel, i.sender, i.route]).sort()).toEqual([
      ["telegram", "telegram:4242", null],
      ["whatsapp", "sim", "freeform"],
    ]);
  });
});
