import type { Sender } from "../conversations/createInboundHandler.js";
import { nextReference } from "../db/nextReference.js";
import type { Tx } from "../db/Tx.js";
import type { ActionHandler } from "../engine/types.js";
import { enqueueOutbound } from "../outbox/enqueueOutbound.js";
import type { DomainDeps } from "../service/Feature.js";
import { CALLBACK_CONSENT, DUPLICATE_WINDOW_MS } from "./alertCodes.js";
import { alertSelect } from "./alertSelect.js";
import { alertVariables } from "./alertVariables.js";
import { duplicateRefsOf } from "./notify/notifyRecipients.js";
import { purgeAnonymousConversation } from "./purgeAnonymousConversation.js";
import { recordAlertMeal } from "./recordAlertMeal.js";
import { routeAlert } from "./routeAlert.js";

/**
 * The `alert.create` action of `flows/alert.yaml`, in the transaction of the reporter's last answer:
 * stores the alert with its reference, links it to a probable duplicate (same ETD and category
 * within two hours), routes it (one notification per focal point in the outbox), records the
 * callback consent of a named reporter, and sends the reporter the confirmation with the reference.
 * An anonymous alert keeps no link to the contact: no reporter, no consent, no MEAL subject, a
 * confirmation not tied to the contact, and the conversation's texts purged.
 * Throws (the flow's `onError` step answers) when the place is not in the database.
 */
export function createAlertAction(tx: Tx, sender: Sender, deps: DomainDeps): ActionHandler {
  return async ({ variables, now, language }) => {
    const input = alertVariables.parse(variables);
    const location = await tx.location.findUnique({ where: { code: input.etd }, select: { id: true } });
    if (!location) throw new Error(`alert.create: location ${input.etd} is not in the database`);
    const { number, ref } = await nextReference(tx, "Alert");
    const earlier = await tx.alert.findFirst({
      where: {
        locationId: location.id,
        category: input.category,
        createdAt: { gte: new Date(now.getTime() - DUPLICATE_WINDOW_MS) },
      },
      orderBy: { createdAt: "asc" },
      select: { id: true, duplicateOfId: true },
    });
    const duplicateOfId = earlier ? (earlier.duplicateOfId ?? earlier.id) : null;
    const pin = input.place && "latitude" in input.place ? input.place : null;
    const written = input.place && "text" in input.place ? input.place.text.trim().slice(0, 200) : null;

    const alert = await tx.alert.create({
      data: {
        number,
        ref,
        category: input.category,
        urgency: input.urgency,
        locationId: location.id,
        place: written || pin?.label || null,
        latitude: pin?.latitude ?? null,
        longitude: pin?.longitude ?? null,
        description: input.description,
        channel: sender.channel,
        anonymous: input.anonymous,
        reporterContactId: input.anonymous ? null : sender.contactId,
        consentToContact: !input.anonymous,
        duplicateOfId,
        createdAt: now,
      },
      select: alertSelect,
    });
    await tx.alertEvent.create({
      data: {
        alertId: alert.id,
        type: "created",
        at: now,
        data: { channel: sender.channel, anonymous: input.anonymous },
      },
    });
    await recordAlertMeal(tx, alert, "alert.created", now, { anonymous: input.anonymous });
    if (!input.anonymous) {
      await tx.consent.create({
        data: { contactId: sender.contactId, ...CALLBACK_CONSENT, granted: true, channel: sender.channel, at: now },
      });
    }

    const duplicateRefs = duplicateOfId ? await duplicateRefsOf(tx, alert) : [];
    if (duplicateOfId) {
      await tx.alertEvent.createMany({
        data: [
          { alertId: alert.id, type: "duplicate_linked", at: now, data: { of: duplicateRefs.at(-1) ?? null } },
          { alertId: duplicateOfId, type: "duplicate_linked", at: now, data: { duplicate: ref } },
        ],
      });
      await recordAlertMeal(tx, alert, "alert.duplicate_linked", now);
    }

    const outcome = await routeAlert(tx, deps, { alert, fromTier: 1, duplicateRefs, escalated: false, now });
    const route = outcome.kind === "routed" ? outcome.route : null;
    if (route) {
      const data = { tier: route.tier, recipients: route.recipients.length, unreachable: route.unreachable };
      await tx.alertEvent.create({ data: { alertId: alert.id, type: "routed", at: now, data } });
      await recordAlertMeal(tx, alert, "alert.routed", now, data);
    } else {
      await tx.alertEvent.create({ data: { alertId: alert.id, type: "unrouted", at: now } });
      await recordAlertMeal(tx, alert, "alert.unrouted", now);
      deps.log.warn(
        { ref, location: input.etd, category: input.category },
        "alert matches no routing rule with a reachable focal point",
      );
    }

    const texts = [deps.i18n.t(language, input.anonymous ? "alert:confirm.anonymous" : "alert:confirm.named", { ref })];
    if (input.urgency === "danger_now") texts.push(deps.i18n.t(language, "alert:confirm.danger"));
    const confirmation = await enqueueOutbound(tx, {
      contactId: input.anonymous ? null : sender.contactId,
      channel: sender.channel,
      recipient: sender.address,
      body: { text: texts.join("\n") },
      now,
      config: deps.config,
    });
    if (input.anonymous) {
      // The outbox item keeps the address and text until it is sent; the message row keeps neither.
      await tx.message.update({ where: { id: confirmation.messageId }, data: { text: null } });
      await purgeAnonymousConversation(tx, sender, now);
    }
    deps.log.info({ ref, tier: route?.tier ?? null, recipients: route?.recipients.length ?? 0 }, "alert created");
    return { outcome: "ok", variables: { ref } };
  };
}
