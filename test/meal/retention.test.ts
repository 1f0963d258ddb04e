import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import { purgeExpiredData } from "../../src/retention/purgeExpiredData.js";
import { createTestDatabase, type TestDatabase } from "../support/createTestDatabase.js";

const day = 86_400_000;
const now = new Date(Date.UTC(2026, 10, 20, 2, 17));
const ago = (days: number) => new Date(now.getTime() - days * day);

async function contactWithAddress(prisma: PrismaClient, name: string, phone: string, lastActiveDaysAgo: number) {
  return prisma.contact.create({
    data: {
      pseudonym: `p-${name}`,
      displayName: name,
      lastActiveAt: ago(lastActiveDaysAgo),
      addresses: { create: { channel: "sms", address: phone } },
    },
  });
}

async function message(
  prisma: PrismaClient,
  contactId: string,
  daysAgo: number,
  text: string,
  options: { outbox?: "sent" | "pending" | "dead"; conversationId?: string; recipient?: string } = {},
) {
  const created = await prisma.message.create({
    data: {
      direction: options.outbox ? "outbound" : "inbound",
      channel: "sms",
      contactId,
      conversationId: options.conversationId ?? null,
      text,
      status: options.outbox === "pending" ? "queued" : options.outbox ? "sent" : "received",
      createdAt: ago(daysAgo),
    },
  });
  if (options.outbox) {
    await prisma.outboxItem.create({
      data: {
        messageId: created.id,
        channel: "sms",
        recipient: options.recipient ?? "+243990009999",
        sender: "sms:+15005550006",
        body: { text },
        status: options.outbox,
        lastError: options.outbox === "dead" ? "invalid number +243990009999" : null,
      },
    });
  }
  return created;
}

describe("the retention purge", () => {
  let db: TestDatabase;
  let prisma: PrismaClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = db.prisma;
  });
  afterAll(async () => {
    await db?.close();
  });

  it("removes old texts, inactive contacts' addresses and ended anonymous conversations, keeps MEAL events, reports counts", async () => {
    const gone = await contactWithAddress(prisma, "Inactive Person", "+243990002001", 400);
    const active = await contactWithAddress(prisma, "Active Person", "+243990002002", 1);
    const focal = await contactWithAddress(prisma, "Focal Point", "+243990002003", 500);
    await prisma.focalPoint.create({
      data: { code: "FP-1", name: "Focal Point", role: "cls_member", contactId: focal.id },
    });

    const oldInbound = await message(prisma, gone.id, 100, "bonjour, mon nom est...");
    const oldOutbound = await message(prisma, gone.id, 100, "Votre reference R-2031", {
      outbox: "sent",
      recipient: "+243990002001",
    });
    const oldDead = await message(prisma, active.id, 95, "Rappel", { outbox: "dead", recipient: "+243990002002" });
    const oldPending = await message(prisma, active.id, 95, "Toujours en file", { outbox: "pending" });
    const recent = await message(prisma, active.id, 10, "message recent");

    const anonymous = await prisma.conversation.create({
      data: {
        contactId: active.id,
        channel: "sms",
        flowId: "alert",
        stepId: "done",
        anonymous: true,
        status: "ended",
        variables: { description: "hommes armes pres du marche", category: "armed_group" },
        expiresAt: now,
        endedAt: ago(0.01),
      },
    });
    const running = await prisma.conversation.create({
      data: {
        contactId: active.id,
        channel: "sms",
        flowId: "alert",
        stepId: "describe",
        anonymous: true,
        variables: { category: "theft" },
        expiresAt: now,
      },
    });
    const anonymousText = await message(prisma, active.id, 0.01, "hommes armes pres du marche", {
      conversationId: anonymous.id,
    });
    const runningText = await message(prisma, active.id, 0.001, "vol de chevres", { conversationId: running.id });
    await prisma.mealEvent.createMany({
      data: [
        { type: "alert.created", at: ago(100), subject: null },
        { type: "contact.created", at: ago(400), subject: "p-Inactive Person" },
      ],
    });

    const counts = await purgeExpiredData(prisma, { messageDays: 90, contactDays: 365 }, now);

    const text = async (id: string) =>
      prisma.message.findUniqueOrThrow({ where: { id }, select: { text: true, status: true } });
    expect(await text(oldInbound.id)).toEqual({ text: null, status: "purged" });
    expect(await text(oldOutbound.id)).toEqual({ text: null, status: "purged" });
    expect(await text(oldDead.id)).toEqual({ text: null, status: "purged" });
    expect(await text(oldPending.id)).toEqual({ text: "Toujours en file", status: "queued" });
    expect(await text(recent.id)).toEqual({ text: "message recent", status: "received" });
    expect(await text(anonymousText.id)).toEqual({ text: null, status: "purged" });
    expect((await text(runningText.id)).text).toBe("vol de chevres");

    const outbox = await prisma.outboxItem.findMany({
      select: { recipient: true, status: true, lastError: true, messageId: true },
    });
    expect(outbox.find((o) => o.messageId === oldOutbound.id)).toMatchObject({ recipient: "purged", status: "sent" });
    expect(outbox.find((o) => o.messageId === oldDead.id)).toMatchObject({
      recipient: "purged",
      status: "cancelled",
      lastError: null,
    });
    expect(outbox.find((o) => o.messageId === oldPending.id)?.recipient).toBe("+243990009999");

    expect(await prisma.contactAddress.count({ where: { contactId: gone.id } })).toBe(0);
    expect(await prisma.contact.findUniqueOrThrow({ where: { id: gone.id } })).toMatchObject({
      displayName: null,
      purgedAt: now,
      pseudonym: "p-Inactive Person",
    });
    expect(await prisma.contactAddress.count({ where: { contactId: active.id } })).toBe(1);
    expect(await prisma.contactAddress.count({ where: { contactId: focal.id } })).toBe(1);

    expect((await prisma.conversation.findUniqueOrThrow({ where: { id: anonymous.id } })).variables).toEqual({});
    expect((await prisma.conversation.findUniqueOrThrow({ where: { id: running.id } })).variables).toEqual({
      category: "theft",
    });
    expect(await prisma.mealEvent.count()).toBe(2);

    expect(counts).toEqual({
      messages: 3,
      outboxItems: 2,
      conversations: 0,
      contacts: 1,
      addresses: 1,
      anonymousConversations: 1,
      anonymousMessages: 1,
    });
    const report = await prisma.retentionReport.findFirstOrThrow({ orderBy: { at: "desc" } });
    expect(report.counts).toMatchObject({ ...counts, messageDays: 90, contactDays: 365 });
    expect(JSON.stringify(report.counts)).not.toMatch(/\+243|Person/);

    // Running again finds nothing more to remove.
    expect(await purgeExpiredData(prisma, { messageDays: 90, contactDays: 365 }, now)).toEqual({
      messages: 0,
      outboxItems: 0,
      conversations: 0,
      contacts: 0,
      addresses: 0,
      anonymousConversations: 0,
      anonymousMessages: 0,
    });
  });
});
