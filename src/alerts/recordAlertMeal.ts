import type { Tx } from "../db/Tx.js";
import type { Prisma } from "../generated/prisma/client.js";
import { type MealEventInput, recordMealEvents } from "../meal/recordMealEvents.js";
import type { AlertRow } from "./alertSelect.js";

/** MEAL event types of the alert domain. */
export type AlertMealType =
  | "alert.created"
  | "alert.routed"
  | "alert.duplicate_linked"
  | "alert.acknowledged"
  | "alert.escalated"
  | "alert.closed"
  | "alert.unrouted";

/**
 * Appends one MEAL event about an alert: ETD, category, urgency and channel of the report, with
 * times and counts in `data`, and never a subject: no alert event can be tied to who reported it,
 * named or anonymous.
 */
export async function recordAlertMeal(
  tx: Tx,
  alert: Pick<AlertRow, "category" | "urgency" | "channel" | "location">,
  type: AlertMealType,
  at: Date,
  data: Prisma.InputJsonObject = {},
): Promise<void> {
  await recordMealEvents(tx, [alertMealEvent(alert, type, at, data)]);
}

/** The MEAL event {@link recordAlertMeal} appends, for callers that append many at once. */
export function alertMealEvent(
  alert: Pick<AlertRow, "category" | "urgency" | "channel" | "location">,
  type: AlertMealType,
  at: Date,
  data: Prisma.InputJsonObject = {},
): MealEventInput {
  return {
    type,
    at,
    subject: null,
    channel: alert.channel === "web" ? null : alert.channel,
    location: alert.location.code,
    category: alert.category,
    urgency: alert.urgency,
    data,
  };
}
