import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prismaSql } from "../../src/db/SqlRunner.js";
import { claimOutboxItems } from "../../src/outbox/claimOutboxItems.js";
import { createSentRecorder } from "../../src/outbox/createSentRecorder.js";
import { createTestDatabase, type TestDatabase } from "../support/createTestDatabase.js";
import { enqueue } from "./outboxFixtures.js";

describe("createSentRecorder", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  async function claimThree() {
    for (const n of [1, 2, 3]) await enqueue(db.prisma, "sms", `+24399000810${n}`, { text: `Message ${n}` });
    const claimed = await claimOutboxItems(prismaSql(db.prisma), {
      workerId: "w1",
      limit: 10,
      now: new Date(),
      lockMs: 60_000,
    });
    expect(claimed).toHaveLength(3);
    return claimed;
  }

  it("records sends that finish together in one batch, and one that cannot be recorded spoils none of the others", async () => {
    const [a, b, c] = await claimThree();
    if (!a || !b || !c) throw new Error("three items claimed");
    // A message already carries the provider id that `b` will report: recording `b` must fail.
    await db.prisma.message.update({ where: { id: a.messageId }, data: { providerMessageId: "SMtaken" } });
    const record = createSentRecorder(prismaSql(db.prisma), "w1", () => new Date());
    // `a` starts a statement at once; `b` and `c` finish meanwhile and share the next one.
    const outcomes = await Promise.allSettled([
      record({ item: a, providerMessageId: "SMtaken" }),
      record({ item: b, providerMessageId: "SMtaken" }),
      record({ item: c, providerMessageId: "SMfine" }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const items = await db.prisma.outboxItem.findMany({
      where: { id: { in: [a.id, b.id, c.id] } },
      select: { id: true, status: true },
    });
    const status = Object.fromEntries(items.map((i) => [i.id, i.status]));
    expect([status[a.id], status[b.id], status[c.id]]).toEqual(["sent", "sending", "sent"]);
    const sentMessage = await db.prisma.message.findUniqueOrThrow({ where: { id: c.messageId } });
    expect(sentMessage).toMatchObject({ providerMessageId: "SMfine", status: "sent" });
  });

  it("reports a lost lock as false", async () => {
    await db.prisma.outboxItem.deleteMany();
    const [a] = await claimThree();
    if (!a) throw new Error("claimed");
    const record = createSentRecorder(prismaSql(db.prisma), "another-worker", () => new Date());
    expect(await record({ item: a, providerMessageId: "SMlost" })).toBe(false);
  });
});
