import type { Channel } from "../conversations/InboundMessage.js";
import type { Tx } from "../db/Tx.js";
import type { Prisma } from "../generated/prisma/client.js";
import { mealEventsInsert } from "./mealEventsInsert.js";

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
  const insert = mealEventsInsert(events);
  if (insert) await tx.$executeRaw(insert);
}
