import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestService, type TestService } from "../support/startTestService.js";

// Most messages are handled straight on the driver (the fast lane: `pg` connections on PostgreSQL,
// PGlite itself otherwise); those that need Prisma (domain actions, commands, conflicts) are rolled
// back there and handled again in a Prisma transaction.
describe("the inbound fast lane", () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("handles plain flow steps without a Prisma transaction", async () => {
    const prisma = t.service.db.prisma;
    const transactions = vi.spyOn(prisma, "$transaction");
    try {
      const phone = "+243990007001";
      for (const text of ["bonjour", "1", "3"]) expect((await t.sms(phone, text)).status).toBe(200);
      expect(transactions).not.toHaveBeenCalled();
      await t.drainOutbox();
      const sent = t.sentTo(phone);
      expect(sent).toHaveLength(3);
      expect(sent[1]).toContain("Menu principal");
      expect(sent[2]).toContain("Informations");
      const contact = await prisma.contact.findFirstOrThrow({
        where: { addresses: { some: { address: phone } } },
        select: { language: true, conversations: { select: { status: true, flowId: true } } },
      });
      expect(contact.language).toBe("fr");
      expect(contact.conversations).toEqual([{ status: "active", flowId: "information" }]);
    } finally {
      transactions.mockRestore();
    }
  });

  it("hands a message that runs a domain action to a Prisma transaction, and keeps one copy of it", async () => {
    const prisma = t.service.db.prisma;
    const phone = "+243990007002";
    for (const text of ["bonjour", "1", "4", "2"]) expect((await t.sms(phone, text)).status).toBe(200);
    expect((await t.sms(phone, "Plus de lampes au marché")).status).toBe(200);
    const feedback = await prisma.feedback.findMany({ select: { type: true, text: true } });
    expect(feedback).toEqual([{ type: "suggestion", text: "Plus de lampes au marché" }]);
    const inbound = await prisma.message.count({
      where: { direction: "inbound", contact: { addresses: { some: { address: phone } } } },
    });
    expect(inbound).toBe(5);
    await t.drainOutbox();
    expect(t.sentTo(phone).at(-1)).toMatch(/F-\d+/);
  });

  it("serialises a new contact's simultaneous messages: each stored once, each reply sent once", async () => {
    const prisma = t.service.db.prisma;
    const phone = "+243990007003";
    const texts = ["bonjour", "1", "3", "MENU", "3"];
    const statuses = await Promise.all(texts.map(async (text) => (await t.sms(phone, text)).status));
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const contacts = await prisma.contact.findMany({
      where: { addresses: { some: { address: phone } } },
      select: { messages: { where: { direction: "inbound" }, select: { text: true } } },
    });
    expect(contacts).toHaveLength(1);
    expect(contacts[0]?.messages.map((m) => m.text).sort()).toEqual([...texts].sort());
    const active = await prisma.conversation.count({
      where: { status: "active", contact: { addresses: { some: { address: phone } } } },
    });
    expect(active).toBe(1);
    // Every message got its replies (how many depends on the order they were handled in), each
    // written once and sent once.
    await t.drainOutbox();
    const outbound = await prisma.message.count({
      where: { direction: "outbound", contact: { addresses: { some: { address: phone } } } },
    });
    expect(outbound).toBeGreaterThanOrEqual(texts.length);
    expect(t.sentTo(phone)).toHaveLength(outbound);
  });

  it("answers a repeated delivery as a duplicate and changes nothing", async () => {
    const prisma = t.service.db.prisma;
    const sid = { MessageSid: `SM${"fa57".repeat(8)}` };
    expect((await t.sms("+243990007004", "bonjour", sid)).status).toBe(200);
    const before = await prisma.message.count();
    expect((await t.sms("+243990007004", "bonjour", sid)).status).toBe(200);
    expect(await prisma.message.count()).toBe(before);
  });
});
