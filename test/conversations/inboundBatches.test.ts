import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestService, type TestService } from "../support/startTestService.js";
import { testDbKind } from "../support/testDbConfig.js";

// Messages that arrive while the fast lane's transactions are busy share the next one. Each must
// come out as if it had been handled alone, whatever its neighbours did.
describe("inbound messages arriving together", () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(async () => {
    await t?.close();
  });

  const phones = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => `+2439901${prefix}${String(i).padStart(3, "0")}`);

  const inboundOf = (phone: string) =>
    t.service.db.prisma.message.findMany({
      where: { direction: "inbound", contact: { addresses: { some: { address: phone } } } },
      select: { text: true, conversationId: true },
      orderBy: { createdAt: "asc" },
    });

  it("handles a burst from many people, each person's messages in order, each as if alone", async () => {
    const people = phones("1", 24);
    const opened = vi.spyOn(t.service.db.direct, "open");
    try {
      // Each person writes three messages one after the other; the people write at the same time.
      const script = ["bonjour", "1", "3"];
      await Promise.all(
        people.map(async (phone) => {
          for (const text of script) expect((await t.sms(phone, text)).status).toBe(200);
        }),
      );
      // Shared transactions: fewer transactions than messages.
      expect(opened.mock.calls.length).toBeLessThan(people.length * script.length);
    } finally {
      opened.mockRestore();
    }
    await t.drainOutbox();
    for (const phone of people) {
      const inbound = await inboundOf(phone);
      expect(inbound.map((m) => m.text)).toEqual(["bonjour", "1", "3"]);
      expect(new Set(inbound.map((m) => m.conversationId)).size).toBe(1);
      const sent = t.sentTo(phone);
      expect(sent).toHaveLength(3);
      expect(sent[2]).toContain("Informations");
    }
  });

  it("answers a repeated delivery in a burst as a duplicate without failing the others", async () => {
    const people = phones("2", 12);
    const sid = `SM${"d0d0".repeat(8)}`;
    expect((await t.sms(people[0] ?? "", "bonjour", { MessageSid: sid })).status).toBe(200);
    const statuses = await Promise.all([
      t.sms(people[0] ?? "", "bonjour", { MessageSid: sid }).then((r) => r.status),
      ...people.slice(1).map((phone) => t.sms(phone, "bonjour").then((r) => r.status)),
    ]);
    expect(statuses.every((s) => s === 200)).toBe(true);
    await t.drainOutbox();
    expect(await inboundOf(people[0] ?? "")).toHaveLength(1);
    expect(t.sentTo(people[0] ?? "")).toHaveLength(1);
    for (const phone of people.slice(1)) {
      expect(await inboundOf(phone)).toHaveLength(1);
      expect(t.sentTo(phone)).toHaveLength(1);
    }
  });

  it("hands the one message that runs a domain action to Prisma, and keeps its neighbours", async () => {
    const prisma = t.service.db.prisma;
    const author = "+243990130001";
    for (const text of ["bonjour", "1", "4", "2"]) expect((await t.sms(author, text)).status).toBe(200);
    const others = phones("4", 12);
    const statuses = await Promise.all([
      t.sms(author, "Un banc devant le centre").then((r) => r.status),
      ...others.map((phone) => t.sms(phone, "bonjour").then((r) => r.status)),
    ]);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const feedback = await prisma.feedback.findMany({ where: { text: "Un banc devant le centre" } });
    expect(feedback).toHaveLength(1);
    expect((await inboundOf(author)).map((m) => m.text)).toEqual([
      "bonjour",
      "1",
      "4",
      "2",
      "Un banc devant le centre",
    ]);
    await t.drainOutbox();
    expect(t.sentTo(author).at(-1)).toMatch(/F-\d+/);
    for (const phone of others) {
      expect(await inboundOf(phone)).toHaveLength(1);
      expect(t.sentTo(phone)).toHaveLength(1);
    }
  });

  /**
   * Keeps every fast-lane transaction waiting (on contacts locked from another connection) while
   * `queue` sends messages, which then wait in line together and share the next transaction.
   */
  async function whileLaneIsHeld<T>(queue: () => Promise<T>): Promise<T> {
    const pool = t.service.db.pg?.pool;
    if (!pool) throw new Error("PostgreSQL has a pg pool");
    const blockers = phones("6", 3);
    for (const phone of blockers) expect((await t.sms(phone, "MENU")).status).toBe(200);
    const locker = await pool.connect();
    try {
      await locker.query("BEGIN");
      await locker.query(
        `UPDATE "Contact" SET "lastActiveAt" = now() WHERE "id" IN (SELECT "contactId" FROM "ContactAddress" WHERE "address" = ANY($1))`,
        [blockers],
      );
      const blocked = Promise.all(blockers.map((phone) => t.sms(phone, "MENU").then((r) => r.status)));
      await pause();
      const queued = queue();
      await pause();
      await locker.query("COMMIT");
      expect(await blocked).toEqual([200, 200, 200]);
      return await queued;
    } finally {
      locker.release();
    }
  }
  const pause = () => new Promise((r) => setTimeout(r, 250));

  // A transaction that fails as a whole (here a new contact created meanwhile by someone else) is
  // handled again message by message: nobody is left unanswered, nothing is stored twice.
  it.skipIf(testDbKind !== "postgres")(
    "handles each message again alone when their shared transaction fails",
    async () => {
      const prisma = t.service.db.prisma;
      const pool = t.service.db.pg?.pool;
      if (!pool) throw new Error("PostgreSQL has a pg pool");
      const contested = "+243990150000";
      const others = phones("5", 10);
      const creator = await pool.connect();
      const contactId = randomUUID();
      try {
        // Another connection creates the contested contact and keeps its transaction open: the shared
        // transaction's creation of that contact waits on it, and fails when it commits.
        await creator.query("BEGIN");
        await creator.query(
          `INSERT INTO "Contact" ("id", "pseudonym", "optedOut", "createdAt", "lastActiveAt") VALUES ($1, $2, false, now(), now())`,
          [contactId, `side-${contactId}`],
        );
        await creator.query(
          `INSERT INTO "ContactAddress" ("id", "contactId", "channel", "address", "createdAt") VALUES ($1, $2, 'sms', $3, now())`,
          [randomUUID(), contactId, contested],
        );
        const statuses = await whileLaneIsHeld(async () => {
          const burst = Promise.all([
            t.sms(contested, "bonjour").then((r) => r.status),
            ...others.map((phone) => t.sms(phone, "bonjour").then((r) => r.status)),
          ]);
          await pause();
          await pause();
          await creator.query("COMMIT");
          return burst;
        });
        expect(statuses.every((s) => s === 200)).toBe(true);
      } finally {
        creator.release();
      }
      const contacts = await prisma.contact.findMany({
        where: { addresses: { some: { address: contested } } },
        select: { id: true },
      });
      expect(contacts).toEqual([{ id: contactId }]);
      expect(await inboundOf(contested)).toHaveLength(1);
      await t.drainOutbox();
      expect(t.sentTo(contested)).toHaveLength(1);
      for (const phone of others) {
        expect(await inboundOf(phone)).toHaveLength(1);
        expect(t.sentTo(phone)).toHaveLength(1);
      }
    },
  );

  // One person on two addresses (WhatsApp and SMS) writing at the same moment: their conversation
  // is one, so the second message waits for the first instead of both reading the same state.
  it.skipIf(testDbKind !== "postgres")(
    "handles one person's messages from two addresses one after the other",
    async () => {
      const prisma = t.service.db.prisma;
      const phone = "+243990160000";
      expect((await t.sms(`whatsapp:${phone}`, "bonjour")).status).toBe(200);
      const contact = await prisma.contact.findFirstOrThrow({ where: { addresses: { some: { address: phone } } } });
      await prisma.contactAddress.create({ data: { contactId: contact.id, channel: "sms", address: phone } });
      const statuses = await whileLaneIsHeld(async () => {
        const first = t.sms(`whatsapp:${phone}`, "1").then((r) => r.status);
        await new Promise((r) => setTimeout(r, 50));
        return Promise.all([
          first,
          t.sms(phone, "3").then((r) => r.status),
          ...phones("7", 4).map((other) => t.sms(other, "bonjour").then((r) => r.status)),
        ]);
      });
      expect(statuses.every((s) => s === 200)).toBe(true);
      const inbound = await prisma.message.findMany({
        where: { direction: "inbound", contactId: contact.id },
        select: { text: true },
        orderBy: { createdAt: "asc" },
      });
      expect(inbound.map((m) => m.text)).toEqual(["bonjour", "1", "3"]);
      // "1" (the main menu) then "3" (information) advanced the one conversation in turn.
      const conversations = await prisma.conversation.findMany({
        where: { contactId: contact.id },
        select: { status: true, stepId: true },
      });
      expect(conversations).toEqual([{ status: "active", stepId: "topics" }]);
      const outbound = await prisma.message.findMany({
        where: { direction: "outbound", contactId: contact.id },
        select: { text: true },
        orderBy: { createdAt: "asc" },
      });
      expect(outbound).toHaveLength(3);
      expect(outbound[2]?.text).toContain("Informations");
    },
  );
});
