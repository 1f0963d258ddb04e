import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { Tx } from "../db/Tx.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { type MealEventInput, recordMealEvents } from "../meal/recordMealEvents.js";
import type { DomainDeps } from "../service/Feature.js";
import { minutesBetween } from "./acknowledgeAlert.js";
import { type AlertRow, alertSelect } from "./alertSelect.js";
import { alertMealEvent } from "./recordAlertMeal.js";
import { routeAlert } from "./routeAlert.js";
import { cachedRecipientFinder, type RecipientFinder } from "./routing/recipientsFromTier.js";

export interface EscalationPass {
  /** Alerts moved up a tier (their new recipients notified). */
  escalated: number;
  /** Alerts due with nobody left to notify: they stop escalating. */
  exhausted: number;
  /** Transactions the pass took. */
  batches: number;
}

/**
 * One escalation pass: every open alert whose `nextEscalationAt` has come goes to the next tier
 * that has someone to notify (province, then the programme's duty officer), its new recipients are
 * notified with the time it has waited, and the escalation is recorded (AlertEvent and MEAL).
 * Safe with several instances or overlapping passes: each batch takes its alerts with
 * `FOR UPDATE SKIP LOCKED` (an alert being acknowledged or escalated elsewhere is skipped), and the
 * tier change is conditional on the alert still being open at the tier it was read at.
 * The scheduled job calls it every minute; tests call it with a chosen `now`.
 *
 * @example
 * await escalateAlerts(prisma, deps, { now: new Date() }); // { escalated: 2, exhausted: 0, batches: 1 }
 */
export async function escalateAlerts(
  prisma: PrismaClient,
  deps: Pick<DomainDeps, "config" | "i18n" | "log">,
  options: { now: Date; batchSize?: number },
): Promise<EscalationPass> {
  const { now } = options;
  const batchSize = options.batchSize ?? 100;
  const find = cachedRecipientFinder();
  const pass: EscalationPass = { escalated: 0, exhausted: 0, batches: 0 };
  for (;;) {
    const taken = await prisma.$transaction(
      async (tx) => {
        const due = await tx.$queryRaw<{ id: string }[]>`
          SELECT id::text AS id FROM "Alert"
          WHERE status = 'open' AND "nextEscalationAt" <= (${now.toISOString()}::timestamptz AT TIME ZONE 'UTC')
          ORDER BY "nextEscalationAt"
          LIMIT ${batchSize}
          FOR UPDATE SKIP LOCKED`;
        if (due.length === 0) return 0;
        const alerts = await tx.alert.findMany({ where: { id: { in: due.map((d) => d.id) } }, select: alertSelect });
        await escalateBatch(tx, deps, alerts, now, find, pass);
        return due.length;
      },
      { timeout: 120_000, maxWait: 20_000 },
    );
    if (taken === 0) break;
    pass.batches++;
    // PGlite runs on the main thread: let HTTP and timers breathe between batches.
    await yieldToEventLoop();
    if (taken < batchSize) break;
  }
  if (pass.escalated + pass.exhausted > 0) deps.log.info({ ...pass }, "alerts escalated");
  return pass;
}

/** Escalates locked alerts, reading what they share (recipients so far, duplicate groups) once for the batch. */
async function escalateBatch(
  tx: Tx,
  deps: Pick<DomainDeps, "config" | "i18n">,
  alerts: readonly AlertRow[],
  now: Date,
  find: RecipientFinder,
  pass: EscalationPass,
): Promise<void> {
  const ids = alerts.map((a) => a.id);
  const notified = new Map<string, Set<string>>(ids.map((id) => [id, new Set()]));
  for (const r of await tx.alertRecipient.findMany({
    where: { alertId: { in: ids } },
    select: { alertId: true, focalPointId: true },
  })) {
    notified.get(r.alertId)?.add(r.focalPointId);
  }
  const rootOf = (a: Pick<AlertRow, "id" | "duplicateOfId">) => a.duplicateOfId ?? a.id;
  const roots = [...new Set(alerts.map(rootOf))];
  const groups = await tx.alert.findMany({
    where: { OR: [{ id: { in: roots } }, { duplicateOfId: { in: roots } }] },
    select: { id: true, ref: true, duplicateOfId: true },
    orderBy: { createdAt: "desc" },
  });

  const events: Prisma.AlertEventCreateManyInput[] = [];
  const meal: MealEventInput[] = [];
  for (const alert of alerts) {
    const root = rootOf(alert);
    const duplicateRefs = groups
      .filter((g) => g.id !== alert.id && rootOf(g) === root)
      .slice(0, 5)
      .map((g) => g.ref);
    const outcome = await routeAlert(tx, deps, {
      alert,
      fromTier: alert.tier + 1,
      duplicateRefs,
      escalated: true,
      now,
      find,
      alreadyNotified: notified.get(alert.id) ?? new Set(),
    });
    const minutes = minutesBetween(alert.createdAt, now);
    if (outcome.kind === "routed") {
      const data = { from: alert.tier, tier: outcome.route.tier, recipients: outcome.route.recipients.length, minutes };
      events.push({ alertId: alert.id, type: "escalated", at: now, data });
      meal.push(alertMealEvent(alert, "alert.escalated", now, data));
      pass.escalated++;
    } else if (outcome.kind === "exhausted") {
      events.push({ alertId: alert.id, type: "escalation_exhausted", at: now, data: { tier: alert.tier, minutes } });
      pass.exhausted++;
    }
  }
  if (events.length > 0) await tx.alertEvent.createMany({ data: events });
  await recordMealEvents(tx, meal);
}
