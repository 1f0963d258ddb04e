import type { Tx } from "../db/Tx.js";
import type { DomainDeps } from "../service/Feature.js";
import { type AlertActor, actorColumns, actorForRecipients, auditAlertAction } from "./AlertActor.js";
import { minutesBetween, tellReporter } from "./acknowledgeAlert.js";
import type { CloseReason } from "./alertCodes.js";
import type { AlertRow } from "./alertSelect.js";
import { tellOtherRecipients } from "./notify/tellOtherRecipients.js";
import { recordAlertMeal } from "./recordAlertMeal.js";

/**
 * Closes an alert (resolved or false alarm, with the actor's note) for a focal point's `FIN` or a
 * case handler on the web: stops its escalation, records the event (AlertEvent naming the actor,
 * with the note; audit log and MEAL with the reason and timings, never the note), tells the other
 * recipients (every recipient when the actor is a user) and a named reporter who consented — the
 * same closing word whoever closed it. Returns `already_closed` when it was (the update is
 * conditional on the alert not being closed).
 */
export async function closeAlert(
  tx: Tx,
  deps: Pick<DomainDeps, "config" | "i18n">,
  input: { alert: AlertRow; actor: AlertActor; reason: CloseReason; note: string | null; now: Date },
): Promise<"closed" | "already_closed"> {
  const { alert, actor, now, reason } = input;
  const note = input.note?.trim().slice(0, 1000) || null;
  const updated = await tx.alert.updateMany({
    where: { id: alert.id, status: { in: ["open", "acknowledged"] } },
    data: { status: "closed", closedAt: now, closeReason: reason, closeNote: note, nextEscalationAt: null },
  });
  if (updated.count === 0) return "already_closed";
  await tx.alertEvent.create({
    data: { alertId: alert.id, type: "closed", ...actorColumns(actor), note, at: now, data: { reason } },
  });
  await auditAlertAction(tx, actor, { action: "alert.close", ref: alert.ref, data: { reason } });
  await recordAlertMeal(tx, alert, "alert.closed", now, {
    reason,
    tier: alert.tier,
    role: actor.role,
    acknowledged: alert.acknowledgedAt !== null,
    minutes: minutesBetween(alert.createdAt, now),
  });
  await tellOtherRecipients(tx, deps, {
    alertId: alert.id,
    exceptFocalPointId: actor.kind === "focal_point" ? actor.focalPointId : null,
    text: (language) =>
      deps.i18n.t(language, "alert:close.byOther", {
        ref: alert.ref,
        name: actorForRecipients(deps.i18n, language, actor).name,
        reason: deps.i18n.t(language, `alert:close.${reason}`).toLowerCase(),
      }),
    now,
  });
  await tellReporter(tx, deps, alert, "alert:reporter.closed", now);
  return "closed";
}
