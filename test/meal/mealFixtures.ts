import type { Prisma, PrismaClient } from "../../src/generated/prisma/client.js";

export const TUMBWE = "CD-TA-KAL-TUMBWE";
export const BAYAZI = "CD-TA-KON-BAYAZI";
export const LAC = "CD-TA-VKAL-LAC";

/**
 * A small, hand-counted month of MEAL events (a month, plus a few the month before to filter out).
 * `monthIndex` counts from 0 like `Date.UTC`.
 */
export function monthEvents(year: number, monthIndex: number): Prisma.MealEventCreateManyInput[] {
  const may = (day: number, hour = 10) => new Date(Date.UTC(year, monthIndex, day, hour));
  const april = (day: number) => new Date(Date.UTC(year, monthIndex - 1, day, 10));
  return [
    ...["s1", "s1", "s2", "s3"].map((subject, i) => ({
      type: "conversation.started",
      at: may(2 + i),
      subject,
      channel: "sms" as const,
      flowId: "menu",
    })),
    { type: "conversation.started", at: may(3), subject: "s4", channel: "whatsapp", flowId: "menu" },
    { type: "conversation.started", at: may(4), subject: "s5", channel: "telegram", flowId: "alert" },
    { type: "conversation.started", at: april(20), subject: "s6", channel: "sms", flowId: "menu" },

    {
      type: "alert.created",
      at: may(5),
      channel: "sms",
      location: TUMBWE,
      category: "armed_group",
      urgency: "danger_now",
      sex: "female",
    },
    {
      type: "alert.created",
      at: may(6),
      channel: "sms",
      location: TUMBWE,
      category: "theft",
      urgency: "recent",
      sex: "male",
    },
    { type: "alert.created", at: may(7), channel: "telegram", location: BAYAZI, category: "theft", urgency: "recent" },
    {
      type: "alert.created",
      at: may(8),
      channel: "whatsapp",
      location: LAC,
      category: "other",
      urgency: "information",
    },
    { type: "alert.created", at: april(9), channel: "sms", location: TUMBWE, category: "theft", urgency: "recent" },
    {
      type: "alert.acknowledged",
      at: may(5, 11),
      location: TUMBWE,
      category: "armed_group",
      urgency: "danger_now",
      data: { minutes: 10, tier: 1, role: "cls_member" },
    },
    {
      type: "alert.acknowledged",
      at: may(7, 11),
      location: BAYAZI,
      category: "theft",
      urgency: "recent",
      data: { minutes: 30, tier: 1, role: "cls_member" },
    },
    {
      type: "alert.acknowledged",
      at: may(6, 14),
      location: TUMBWE,
      category: "theft",
      urgency: "recent",
      data: { minutes: 200, tier: 2, role: "provincial" },
    },

    {
      type: "referral.created",
      at: may(10),
      subject: "s1",
      channel: "sms",
      location: TUMBWE,
      service: "health",
      sex: "female",
      ageGroup: "18-24",
      data: { provider: "PRV-HEALTH" },
    },
    {
      type: "referral.created",
      at: may(11),
      subject: "s2",
      channel: "sms",
      location: TUMBWE,
      service: "health",
      sex: "male",
      ageGroup: "25-35",
      data: { provider: "PRV-HEALTH" },
    },
    {
      type: "referral.created",
      at: may(12),
      subject: "s3",
      channel: "whatsapp",
      location: TUMBWE,
      service: "legal",
      sex: "female",
      ageGroup: "18-24",
      data: { provider: "PRV-LEGAL" },
    },
    {
      type: "referral.created",
      at: may(13),
      subject: "s4",
      channel: "whatsapp",
      location: BAYAZI,
      service: "health",
      sex: "female",
      ageGroup: "36-59",
      data: { provider: "PRV-HEALTH" },
    },
    {
      type: "referral.outcome",
      at: may(20),
      subject: "s1",
      location: TUMBWE,
      service: "health",
      sex: "female",
      ageGroup: "18-24",
      data: { outcome: "served", provider: "PRV-HEALTH" },
    },
    {
      type: "referral.outcome",
      at: may(21),
      subject: "s3",
      location: TUMBWE,
      service: "legal",
      sex: "female",
      ageGroup: "18-24",
      data: { status: "served", provider: "PRV-LEGAL" },
    },
    {
      type: "referral.outcome",
      at: may(22),
      subject: "s2",
      location: TUMBWE,
      service: "health",
      sex: "male",
      ageGroup: "25-35",
      data: { outcome: "no_show", provider: "PRV-HEALTH" },
    },
    {
      type: "followup.answered",
      at: may(25),
      subject: "s1",
      location: TUMBWE,
      service: "health",
      sex: "female",
      data: { satisfaction: 4 },
    },
    {
      type: "followup.answered",
      at: may(26),
      subject: "s3",
      location: TUMBWE,
      service: "legal",
      sex: "female",
      data: { satisfaction: 5 },
    },
    {
      type: "followup.answered",
      at: may(27),
      subject: "s2",
      location: TUMBWE,
      service: "health",
      sex: "male",
      data: { satisfaction: 2 },
    },
    // A field that must never leave in an export (should an event ever carry one).
    {
      type: "feedback.created",
      at: may(15),
      subject: "s5",
      channel: "sms",
      category: "complaint",
      data: { phone: "+243990001234", note: "=cmd|' /C calc'!A0" },
    },
  ];
}

/** May 2026 (and April). */
export const mayEvents = monthEvents(2026, 4);

/** Inserts the events and a few messages (3 SMS and 1 WhatsApp received, 2 SMS sent in the month). */
export async function insertMonthData(prisma: PrismaClient, year = 2026, monthIndex = 4): Promise<void> {
  const may = (day: number) => new Date(Date.UTC(year, monthIndex, day, 10));
  const april = (day: number) => new Date(Date.UTC(year, monthIndex - 1, day, 10));
  await prisma.mealEvent.createMany({ data: monthEvents(year, monthIndex) });
  const contact = await prisma.contact.create({
    data: {
      pseudonym: "fixture-contact",
      displayName: "Amani Fixture",
      addresses: { create: { channel: "sms", address: "+243990005555" } },
    },
  });
  const message = (direction: "inbound" | "outbound", channel: "sms" | "whatsapp", day: number) => ({
    direction,
    channel,
    contactId: contact.id,
    text: "hello",
    status: direction === "inbound" ? ("received" as const) : ("sent" as const),
    createdAt: may(day),
  });
  await prisma.message.createMany({
    data: [
      message("inbound", "sms", 2),
      message("inbound", "sms", 3),
      message("inbound", "sms", 4),
      message("inbound", "whatsapp", 3),
      message("outbound", "sms", 2),
      message("outbound", "sms", 3),
      { ...message("inbound", "sms", 1), createdAt: april(27) },
    ],
  });
}

/** May 2026. */
export const insertMayData = (prisma: PrismaClient) => insertMonthData(prisma, 2026, 4);
