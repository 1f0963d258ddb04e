import type { Tx } from "../db/Tx.js";
import type { DomainDeps } from "../service/Feature.js";
import { escalationDelayMs, MAX_TIER } from "./alertCodes.js";
import type { AlertRow } from "./alertSelect.js";
import { alertUrgency } from "./alertVariables.js";
import { notifyRecipients } from "./notify/notifyRecipients.js";
import { type RecipientFinder, recipientsFromTier, type TierRoute } from "./routing/recipientsFromTier.js";

/** What routing did: notified a tier, found nobody left (the alert stops escalating), or lost a race. */
export type RouteOutcome = { kind: "routed"; route: TierRoute } | { kind: "exhausted" } | { kind: "stale" };

/**
 * Notifies the next people an alert must reach: the first tier from `fromTier` up whose rules name
 * someone not yet notified. Records the recipients, enqueues their notifications, moves the alert
 * to that tier and sets when it escalates next (none after the last tier). The move is conditional
 * on the alert being still open at the tier it was read at (`stale` otherwise: another instance or
 * an acknowledgement got there first, and nothing is sent). `exhausted` when no tier has anyone
 * left to notify (the alert then stops escalating).
 */
export async function routeAlert(
  tx: Tx,
  deps: Pick<DomainDeps, "config" | "i18n">,
  input: {
    alert: AlertRow;
    fromTier: number;
    duplicateRefs: readonly string[];
    escalated: boolean;
    now: Date;
    find?: RecipientFinder;
    /** Focal points already notified, when the caller has read them (a batch); read here otherwise. */
    alreadyNotified?: ReadonlySet<string>;
  },
): Promise<RouteOutcome> {
  const { alert, now } = input;
  const notified =
    input.alreadyNotified ??
    new Set(
      (await tx.alertRecipient.findMany({ where: { alertId: alert.id }, select: { focalPointId: true } })).map(
        (n) => n.focalPointId,
      ),
    );
  const route = await recipientsFromTier(
    tx,
    {
      locationId: alert.locationId,
      locationPath: alert.location.path,
      category: alert.category,
      urgency: alert.urgency,
    },
    input.fromTier,
    notified,
    input.find,
  );
  const current = { id: alert.id, status: "open" as const, tier: alert.tier };
  if (!route) {
    const stopped = await tx.alert.updateMany({ where: current, data: { nextEscalationAt: null } });
    return stopped.count === 1 ? { kind: "exhausted" } : { kind: "stale" };
  }
  const delay = escalationDelayMs(deps.config.alerts.escalationMinutes, alertUrgency.parse(alert.urgency));
  const moved = await tx.alert.updateMany({
    where: current,
    data: { tier: route.tier, nextEscalationAt: route.tier < MAX_TIER ? new Date(now.getTime() + delay) : null },
  });
  if (moved.count === 0) return { kind: "stale" };
  await notifyRecipients(tx, deps, {
    alert,
    recipients: route.recipients,
    duplicateRefs: input.duplicateRefs,
    escalated: input.escalated,
    now,
  });
  return { kind: "routed", route };
}
