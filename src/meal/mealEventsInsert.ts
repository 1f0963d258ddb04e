import { enumOrNull, jsonb, utc } from "../db/sqlValues.js";
import { Prisma } from "../generated/prisma/client.js";
import type { MealEventInput } from "./recordMealEvents.js";

/**
 * The `INSERT` of MEAL events as one SQL statement, so that the inbound path can write them in the
 * same statement as the rest of a message's effects. Null when there are none.
 */
export function mealEventsInsert(events: readonly MealEventInput[]): Prisma.Sql | null {
  if (events.length === 0) return null;
  const rows = events.map(
    (e) =>
      Prisma.sql`(${e.type}, ${utc(e.at)}, ${e.subject ?? null}, ${enumOrNull("Channel", e.channel)}, ${e.location ?? null},
        ${e.sex ?? null}, ${e.ageGroup ?? null}, ${e.category ?? null}, ${e.service ?? null}, ${e.urgency ?? null},
        ${e.flowId ?? null}, ${jsonb(e.data)})`,
  );
  return Prisma.sql`INSERT INTO "MealEvent"
    ("type", "at", "subject", "channel", "location", "sex", "ageGroup", "category", "service", "urgency", "flowId", "data")
    VALUES ${Prisma.join(rows, ", ")}`;
}
