import type { Channel } from "../conversations/InboundMessage.js";
import type { Tx } from "../db/Tx.js";
import type { Prisma } from "../generated/prisma/client.js";

/** One MEAL event: pseudonymised, no names, numbers or free text. */
export interface MealEventInput {
  type: string;
  at: Date;
  /** The contact's pseudonym, never its id or address. Omit for events that must not be linked (anonymous alerts). */
  subject?: string | null;
  channel?: Channel | null;
  location?: string | null;
  sex?: string | null;
  ageGroup?: string | null;
  category?: string | null;
  service?: string | null;
  urgency?: string | null;
  flowId?: string | null;
  data?: Prisma.InputJsonValue;
}

/** Appends MEAL events in the caller's transaction (the event log is append-only). */
export async function recordMealEvents(tx: Tx, events: MealEventInput[]): Promise<void> {
  if (events.length === 0) return;
  await tx.mealEvent.createMany({
    data: events.map((e) => ({
      type: e.type,
      at: e.at,
      subject: e.subject ?? null,
      channel: e.channel ?? null,
      location: e.location ?? null,
      sex: e.sex ?? null,
      ageGroup: e.ageGroup ?? null,
      category: e.category ?? null,
      service: e.service ?? null,
      urgency: e.urgency ?? null,
      flowId: e.flowId ?? null,
      data: e.data,
    })),
  });
}
