import type { Prisma, PrismaClient } from "../../src/generated/prisma/client.js";
import { BAYAZI, LAC, TUMBWE } from "./mealFixtures.js";

const dayMs = 86_400_000;

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const types = [
  "conversation.started",
  "conversation.started",
  "contact.opted_out",
  "alert.created",
  "alert.created",
  "alert.acknowledged",
  "alert.escalated",
  "referral.created",
  "referral.referred",
  "referral.accepted",
  "referral.declined",
  "referral.outcome",
  "referral.expired",
  "followup.answered",
  "referral.followup_answered",
  "feedback.created",
  "consent.granted",
  "consent.refused",
  "referral.consented",
  "referral.consent_refused",
] as const;

/**
 * Varied MEAL events and messages over April and May 2026 (every day, at any time of day, a few
 * exactly at midnight and one millisecond before), plus yesterday and today: people come back on
 * other days, through other channels and places, so distinct counts differ from sums.
 */
export function summaryDataset(now: Date): {
  events: Prisma.MealEventCreateManyInput[];
  messages: { direction: "inbound" | "outbound"; channel: "sms" | "whatsapp" | "telegram" | "web"; at: Date }[];
} {
  const rnd = random(20260501);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const maybe = <T>(value: T, p = 0.8): T | null => (rnd() < p ? value : null);
  const start = Date.UTC(2026, 3, 1);
  const instants: Date[] = [];
  for (let day = 0; day < 61; day++) {
    for (let i = 0; i < 9; i++) instants.push(new Date(start + day * dayMs + Math.floor(rnd() * dayMs)));
  }
  const today = Math.floor(now.getTime() / dayMs) * dayMs;
  for (const edge of [Date.UTC(2026, 4, 1), Date.UTC(2026, 5, 1), Date.UTC(2026, 4, 15)]) {
    instants.push(new Date(edge), new Date(edge - 1), new Date(edge), new Date(edge - 1));
  }
  for (let i = 0; i < 12; i++) instants.push(new Date(today - dayMs + Math.floor(rnd() * dayMs)));
  for (let i = 0; i < 12; i++) instants.push(new Date(today + Math.floor(rnd() * (now.getTime() - today))));

  const events = instants.map((at): Prisma.MealEventCreateManyInput => {
    const type = pick(types);
    const isAlert = type.startsWith("alert.");
    const isReferral = type.startsWith("referral.") || type.startsWith("followup.");
    const data: Record<string, Prisma.InputJsonValue> = {};
    if (type === "alert.acknowledged") Object.assign(data, { minutes: Math.floor(rnd() * 300), tier: pick([1, 2]) });
    if (type === "referral.outcome")
      data[pick(["outcome", "status"])] = pick(["served", "served", "no_show", "unreachable"]);
    if (type.includes("followup")) data.satisfaction = pick([1, 2, 3, 4, 5, 4.5]);
    if (type.includes("consent")) data.purpose = pick(["referral_share", "contact"]);
    if (isReferral) data.provider = pick(["PRV-1", "PRV-2", "PRV-3"]);
    return {
      type,
      at,
      subject: maybe(`s${Math.floor(rnd() * 30)}`, isAlert ? 0.3 : 0.85),
      channel: maybe(pick(["sms", "whatsapp", "telegram", "web"] as const)),
      location: maybe(pick([TUMBWE, BAYAZI, LAC, "GN-R-CONAKRY"])),
      sex: maybe(pick(["female", "male"]), 0.6),
      ageGroup: isReferral ? maybe(pick(["0-17", "18-24", "25-35", "36-59", "60+"])) : null,
      category: isAlert ? pick(["theft", "armed_group", "other"]) : type === "feedback.created" ? "complaint" : null,
      service: isReferral ? pick(["health", "legal", "shelter"]) : null,
      urgency: isAlert ? pick(["danger_now", "recent", "information"]) : null,
      flowId: type === "conversation.started" ? pick(["menu", "alert", "orientation"]) : null,
      ...(Object.keys(data).length > 0 ? { data } : {}),
    };
  });
  const messages = instants.map((at) => ({
    direction: pick(["inbound", "outbound"] as const),
    channel: pick(["sms", "whatsapp", "telegram", "web"] as const),
    at,
  }));
  return { events, messages };
}

/** Inserts the dataset (messages belong to no contact: only their day, direction and channel count). */
export async function insertSummaryDataset(prisma: PrismaClient, now: Date): Promise<void> {
  const { events, messages } = summaryDataset(now);
  await prisma.mealEvent.createMany({ data: events });
  await prisma.message.createMany({
    data: messages.map((m) => ({
      direction: m.direction,
      channel: m.channel,
      status: m.direction === "inbound" ? ("received" as const) : ("sent" as const),
      createdAt: m.at,
    })),
  });
}
