import type { Tx } from "../../db/Tx.js";
import { enqueueOutbound } from "../../outbox/enqueueOutbound.js";
import type { DomainDeps } from "../../service/Feature.js";
import type { AlertRow } from "../alertSelect.js";
import type { Recipient } from "../routing/findRecipients.js";
import { composeNotification } from "./composeNotification.js";

/**
 * Records the recipients of an alert at one tier and writes one notification per recipient to the
 * outbox, in the same transaction, on the recipient's own channel and in its language.
 * `duplicateRefs` are the other reports linked to this one; `escalated` words it as an escalation
 * (its age is then the time since the report).
 */
export async function notifyRecipients(
  tx: Tx,
  deps: Pick<DomainDeps, "config" | "i18n">,
  input: {
    alert: AlertRow;
    recipients: readonly Recipient[];
    duplicateRefs: readonly string[];
    escalated: boolean;
    now: Date;
  },
): Promise<void> {
  const { alert, now } = input;
  if (input.recipients.length === 0) return;
  await tx.alertRecipient.createMany({
    data: input.recipients.map((r) => ({
      alertId: alert.id,
      focalPointId: r.focalPointId,
      tier: r.tier,
      notifiedAt: now,
    })),
    skipDuplicates: true,
  });
  for (const recipient of input.recipients) {
    const language = deps.i18n.resolveLanguage(recipient.language);
    const text = composeNotification(deps.i18n, language, recipient.channel, {
      ref: alert.ref,
      category: alert.category,
      urgency: alert.urgency,
      locationName: alert.location.name,
      place: alert.place,
      latitude: alert.latitude,
      longitude: alert.longitude,
      description: alert.description,
      ageMs: now.getTime() - alert.createdAt.getTime(),
      duplicateRefs: input.duplicateRefs,
      escalated: input.escalated,
    });
    await enqueueOutbound(tx, {
      contactId: recipient.contactId,
      channel: recipient.channel,
      recipient: recipient.address,
      body: { text },
      now,
      config: deps.config,
    });
  }
}

/**
 * References of the other reports in an alert's duplicate group (the first report and the ones
 * linked to it), newest first.
 */
export async function duplicateRefsOf(tx: Tx, alert: Pick<AlertRow, "id" | "duplicateOfId">): Promise<string[]> {
  const root = alert.duplicateOfId ?? alert.id;
  const group = await tx.alert.findMany({
    where: { OR: [{ id: root }, { duplicateOfId: root }], NOT: { id: alert.id } },
    select: { ref: true },
    orderBy: { createdAt: "desc" },
    take: 5,
  });
  return group.map((a) => a.ref);
}
