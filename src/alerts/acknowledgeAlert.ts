import type { Tx } from "../db/Tx.js";
import type { DomainDeps } from "../service/Feature.js";
import { type AlertActor, actorColumns, actorForRecipients, auditAlertAction } from "./AlertActor.js";
import type { AlertRow } from "./alertSelect.js";
import { sendToContact } from "./notify/sendToContact.js";
import { tellOtherRecipients } from "./notify/tellOtherRecipients.js";
import { recordAlertMeal } from "./recordAlertMeal.js";

/**
 * Acknowledges an open alert for `actor` (a focal point's `OK` or a case handler on the web): stops
 * its escalation, records the event (AlertEvent naming the actor, audit log, MEAL with the minutes
 * it took), tells the other recipients who took it on (every recipient when the actor is a user),
 * and tells a named reporter who consented that the committee is on it. Returns `not_open` when
 * someone was faster (the update is conditional on the alert still being open).
 */
export async function acknowledgeAlert(
  tx: Tx,
  deps: Pick<DomainDeps, "config" | "i18n">,
  input: { alert: AlertRow; actor: AlertActor; now: Date },
): Promise<"acknowledged" | "not_open"> {
  const { alert, actor, now } = input;
  const updated = await tx.alert.updateMany({
    where: { id: alert.id, status: "open" },
    data: { status: "acknowledged", acknowledgedAt: now, nextEscalationAt: null },
  });
  if (updated.count === 0) return "not_open";
  await tx.alertEvent.create({
    data: {
      alertId: alert.id,
      type: "acknowledged",
      ...actorColumns(actor),
      at: now,
      data: { tier: alert.tier },
    },
  });
  await auditAlertAction(tx, actor, { action: "alert.acknowledge", ref: alert.ref, data: { tier: alert.tier } });
  await recordAlertMeal(tx, alert, "alert.acknowledged", now, {
    tier: alert.tier,
    role: actor.role,
    minutes: minutesBetween(alert.createdAt, now),
  });
  await tellOtherRecipients(tx, deps, {
    alertId: alert.id,
    exceptFocalPointId: actor.kind === "focal_point" ? actor.focalPointId : null,
    text: (language) =>
      deps.i18n.t(language, "alert:ack.byOther", { ref: alert.ref, ...actorForRecipients(deps.i18n, language, actor) }),
    now,
  });
  await tellReporter(tx, deps, alert, "alert:reporter.acknowledged", now);
  return "acknowledged";
}

/** Sends a named reporter who consented to be contacted back one update about its alert. */
export async function tellReporter(
  tx: Tx,
  deps: Pick<DomainDeps, "config" | "i18n">,
  alert: AlertRow,
  key: string,
  now: Date,
): Promise<void> {
  if (alert.anonymous || !alert.consentToContact || alert.reporterContactId === null) return;
  const sent = await sendToContact(tx, deps, {
    contactId: alert.reporterContactId,
    preferred: alert.channel,
    body: (language) => ({ text: deps.i18n.t(deps.i18n.resolveLanguage(language), key, { ref: alert.ref }) }),
    now,
  });
  await tx.alertEvent.create({
    data: {
      alertId: alert.id,
      type: "reporter_notified",
      at: now,
      data: { about: key.split(".").at(-1) ?? key, sent },
    },
  });
}

/** Whole minutes from `from` to `to`, for MEAL timings. */
export function minutesBetween(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / 60_000);
}
