import type { CommandHandler, Sender } from "../../conversations/createInboundHandler.js";
import type { Tx } from "../../db/Tx.js";
import { type FocalCommand, parseCommand } from "../../engine/keywords.js";
import { enqueueOutbound } from "../../outbox/enqueueOutbound.js";
import type { OutboundBody } from "../../outbox/OutboundBody.js";
import type { DomainDeps } from "../../service/Feature.js";
import type { FocalPointActor } from "../AlertActor.js";
import { acknowledgeAlert } from "../acknowledgeAlert.js";
import { CLOSE_REASONS, type CloseReason } from "../alertCodes.js";
import type { AlertRow } from "../alertSelect.js";
import { closeAlert } from "../closeAlert.js";
import { lockAlert } from "../lockAlert.js";
import { parseCloseReason } from "./parseCloseReason.js";

/** How long a "FIN A-1042" without a reason waits for the focal point's "1" or "2". */
export const closeReasonWindowMs = 30 * 60_000;

interface SenderFocalPoint {
  id: string;
  code: string;
  name: string;
  role: string;
  language: string;
}

/**
 * The focal-point commands of the alert domain, run before the conversation engine on every
 * inbound message, from any channel:
 * - `OK A-1042` acknowledges, `FIN A-1042 [1|2] [note]` closes (resolved / false alarm); a `FIN`
 *   without a reason is answered with "1 resolved / 2 false alarm", and the next `1` or `2` from that
 *   focal point within 30 minutes (unless it has since talked to a flow) closes the alert.
 * - Only focal points the alert was routed to may act on it; anyone else is told so, and an
 *   unknown reference is answered too. A bare number (`OK 1042`) is taken for an alert only from a
 *   focal point; other messages are left to the engine (null).
 */
export function createAlertCommands(deps: DomainDeps): CommandHandler {
  return async (tx, sender, message) => {
    if (message.content.kind !== "text") return null;
    const text = message.content.text;
    const now = new Date();
    const command = parseCommand(text);
    if (command) {
      if (command.kind !== "ack" && command.kind !== "close") return null;
      if (command.ref.prefix !== null && command.ref.prefix !== "A") return null;
      return runCommand(tx, deps, sender, command, now);
    }
    if (text.length > 80) return null;
    const reason = parseCloseReason(text);
    return reason ? answerCloseQuestion(tx, deps, sender, reason.reason, now) : null;
  };
}

async function runCommand(
  tx: Tx,
  deps: DomainDeps,
  sender: Sender,
  command: Extract<FocalCommand, { kind: "ack" | "close" }>,
  now: Date,
): Promise<{ handled: true } | null> {
  const focalPoints = await focalPointsOf(tx, sender.contactId);
  if (command.ref.prefix === null && focalPoints.length === 0) return null;
  const ref = `A-${command.ref.number}`;
  const language = deps.i18n.resolveLanguage(focalPoints[0]?.language ?? sender.language);
  const reply = (key: string, vars: Record<string, string> = {}, extra: Partial<OutboundBody> = {}) =>
    replyTo(tx, deps, sender, { text: deps.i18n.t(language, key, { ref, ...vars }), ...extra }, now);

  const alert = await lockAlert(tx, { ref });
  if (!alert) return reply("alert:refuse.unknown");
  const actor = await recipientActor(tx, alert.id, focalPoints);
  if (!actor) {
    deps.log.info({ ref, command: command.kind }, "alert command refused: not a recipient");
    return reply("alert:refuse.notRecipient");
  }
  if (alert.status === "closed") return reply("alert:ack.closed");

  if (command.kind === "ack") {
    if (alert.status === "acknowledged") return reply("alert:ack.already");
    await acknowledgeAlert(tx, deps, { alert, actor, now });
    deps.log.info({ ref }, "alert acknowledged");
    return reply("alert:ack.done");
  }

  const parsed = parseCloseReason(command.note ?? "");
  if (!parsed) {
    await tx.alertEvent.create({
      data: {
        alertId: alert.id,
        type: "close_requested",
        focalPointId: actor.focalPointId,
        note: command.note ?? null,
        at: now,
      },
    });
    const choices = CLOSE_REASONS.map((value) => ({ value, label: deps.i18n.t(language, `alert:close.${value}`) }));
    return reply("alert:close.ask", {}, { choices });
  }
  return finishClose(tx, deps, sender, { alert, actor, reason: parsed.reason, note: parsed.rest, language, now });
}

/** A bare "1" / "2" (or "résolue", "fausse alerte"...) answering "how did it end?". */
async function answerCloseQuestion(
  tx: Tx,
  deps: DomainDeps,
  sender: Sender,
  reason: CloseReason,
  now: Date,
): Promise<{ handled: true } | null> {
  const focalPoints = await focalPointsOf(tx, sender.contactId);
  if (focalPoints.length === 0) return null;
  const request = await tx.alertEvent.findFirst({
    where: {
      type: "close_requested",
      focalPointId: { in: focalPoints.map((f) => f.id) },
      at: { gte: new Date(now.getTime() - closeReasonWindowMs) },
    },
    orderBy: { at: "desc" },
    select: { alertId: true, focalPointId: true, note: true, at: true },
  });
  if (!request) return null;
  // A conversation the focal point carried on since the question owns this reply.
  const conversation = await tx.conversation.findFirst({
    where: { contactId: sender.contactId, status: "active", updatedAt: { gt: request.at } },
    select: { id: true },
  });
  if (conversation) return null;
  const alert = await lockAlert(tx, { id: request.alertId });
  if (!alert || alert.status === "closed") return null;
  const focalPoint = focalPoints.find((f) => f.id === request.focalPointId);
  if (!focalPoint) return null;
  const actor = focalPointActor(focalPoint);
  const language = deps.i18n.resolveLanguage(focalPoint.language);
  return finishClose(tx, deps, sender, { alert, actor, reason, note: request.note, language, now });
}

async function finishClose(
  tx: Tx,
  deps: DomainDeps,
  sender: Sender,
  input: {
    alert: AlertRow;
    actor: FocalPointActor;
    reason: CloseReason;
    note: string | null;
    language: string;
    now: Date;
  },
): Promise<{ handled: true }> {
  const { alert, language, now } = input;
  const outcome = await closeAlert(tx, deps, input);
  const text =
    outcome === "closed"
      ? deps.i18n.t(language, "alert:close.done", {
          ref: alert.ref,
          reason: deps.i18n.t(language, `alert:close.${input.reason}`).toLowerCase(),
        })
      : deps.i18n.t(language, "alert:ack.closed", { ref: alert.ref });
  if (outcome === "closed") deps.log.info({ ref: alert.ref, reason: input.reason }, "alert closed");
  return replyTo(tx, deps, sender, { text }, now);
}

async function focalPointsOf(tx: Tx, contactId: string): Promise<SenderFocalPoint[]> {
  return tx.focalPoint.findMany({
    where: { contactId, active: true, committeeId: { not: null } },
    select: { id: true, code: true, name: true, role: true, language: true },
    orderBy: { createdAt: "asc" },
  });
}

/** The sender's focal point that the alert was routed to, if any. */
async function recipientActor(
  tx: Tx,
  alertId: string,
  focalPoints: readonly SenderFocalPoint[],
): Promise<FocalPointActor | null> {
  if (focalPoints.length === 0) return null;
  const recipient = await tx.alertRecipient.findFirst({
    where: { alertId, focalPointId: { in: focalPoints.map((f) => f.id) } },
    orderBy: { tier: "asc" },
    select: { focalPointId: true },
  });
  const focalPoint = recipient ? focalPoints.find((f) => f.id === recipient.focalPointId) : undefined;
  return focalPoint ? focalPointActor(focalPoint) : null;
}

function focalPointActor(focalPoint: SenderFocalPoint): FocalPointActor {
  const { id, code, name, role } = focalPoint;
  return { kind: "focal_point", focalPointId: id, code, name, role };
}

async function replyTo(
  tx: Tx,
  deps: DomainDeps,
  sender: Sender,
  body: OutboundBody,
  now: Date,
): Promise<{ handled: true }> {
  await enqueueOutbound(tx, {
    contactId: sender.contactId,
    channel: sender.channel,
    recipient: sender.address,
    body,
    now,
    config: deps.config,
  });
  return { handled: true };
}
