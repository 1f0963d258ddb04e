import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/openDatabase.js";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import { createLogger } from "../../src/log/createLogger.js";
import type { ChannelSender } from "../../src/outbox/OutboundBody.js";
import { startOutboxWorker } from "../../src/outbox/OutboxWorker.js";
import { createTestDatabase, type TestDatabase } from "../support/createTestDatabase.js";
import { type FakeTwilioApi, startFakeTwilioApi } from "../support/fakeTwilioApi.js";
import { testDbKind } from "../support/testDbConfig.js";
import { enqueue, sendersFor, unlimited } from "./outboxFixtures.js";

// Meaningful on PostgreSQL, where the two workers claim at the same time on two connection pools;
// PGlite runs one transaction at a time, so there it only shows that nothing breaks.
describe(`two workers draining one outbox (${testDbKind})`, () => {
  let db: TestDatabase;
  let second: { prisma: PrismaClient; close(): Promise<void> } | undefined;
  let twilio: FakeTwilioApi;

  beforeAll(async () => {
    db = await createTestDatabase();
    twilio = await startFakeTwilioApi();
    twilio.delayMs = 5; // a little network time, so the two workers overlap
    if (db.url) second = await openDatabase({ url: db.url, dataDir: "unused", migrate: false });
  });
  afterAll(async () => {
    await second?.close();
    await twilio?.close();
    await db?.close();
  });

  it("sends each of 200 messages exactly once", async () => {
    for (let i = 0; i < 200; i++) {
      await enqueue(db.prisma, "sms", `+2439901${String(i).padStart(5, "0")}`, { text: `message ${i}` });
    }
    const sentBy = { a: 0, b: 0 };
    const counting = (name: "a" | "b", sender: ChannelSender): ChannelSender => ({
      send: async (item) => {
        sentBy[name]++;
        return sender.send(item);
      },
    });
    const senders = sendersFor(twilio);
    const common = { log: createLogger({ level: "silent" }), rates: unlimited, pollMs: 10, batchSize: 10 };
    const a = startOutboxWorker({
      ...common,
      prisma: db.prisma,
      workerId: "a",
      senders: { sms: counting("a", senders.sms) },
    });
    const b = startOutboxWorker({
      ...common,
      prisma: second?.prisma ?? db.prisma,
      workerId: "b",
      senders: { sms: counting("b", senders.sms) },
    });
    await expect
      .poll(() => db.prisma.outboxItem.count({ where: { status: "sent" } }), { timeout: 60_000, interval: 100 })
      .toBe(200);
    await Promise.all([a.stop(), b.stop()]);

    expect(twilio.requests).toHaveLength(200);
    expect(new Set(twilio.requests.map((r) => r.params.To)).size).toBe(200);
    expect(sentBy.a + sentBy.b).toBe(200);
    expect(await db.prisma.outboxItem.count({ where: { attempts: { not: 1 } } })).toBe(0);
    expect(await db.prisma.message.count({ where: { status: "sent", providerMessageId: { not: null } } })).toBe(200);
    if (testDbKind === "postgres") {
      expect(sentBy.a).toBeGreaterThan(0);
      expect(sentBy.b).toBeGreaterThan(0);
    }
  });
});
