import type { CommandHandler } from "../conversations/createInboundHandler.js";
import { parseCommand } from "../engine/keywords.js";
import { enqueueOutbound } from "../outbox/enqueueOutbound.js";
import { type AnswerResult, answerReferral, lockReferral, type ProviderAnswer } from "./answerReferral.js";
import { parseOutcome } from "./parseOutcome.js";
import type { ReferralDeps } from "./ReferralDeps.js";

/** Reference numbers are shown from 1000 up: `R-2031` is the referral numbered 1031. */
export const referralRefOffset = 1000;

/**
 * The focal-point commands on referrals, from any channel: `ACCEPTE R-2031`, `REFUSE R-2031 [reason]`
 * and `FIN R-2031 <outcome>` (SERVI, ABSENT, REFUS, CAPACITE, INJOIGNABLE; English and Swahili words
 * too). Only a focal point of the provider the referral is offered to may act; others are told so.
 * A message from someone who is no provider's focal point, or with another prefix (`A-1042`), is
 * left to the other commands and the engine. A reference without prefix counts when such a
 * referral exists.
 */
export function createReferralCommand(deps: ReferralDeps): CommandHandler {
  return async (tx, sender, message) => {
    if (message.content.kind !== "text") return null;
    const command = parseCommand(message.content.text);
    if (!command || command.kind === "ack") return null;
    if (command.ref.prefix !== null && command.ref.prefix !== "R") return null;
    const focalPoints = await tx.focalPoint.findMany({
      where: { contactId: sender.contactId, active: true, providerId: { not: null } },
      select: { id: true, code: true, providerId: true, language: true },
    });
    const [anyFocalPoint] = focalPoints;
    if (!anyFocalPoint) return null;
    const ref = `R-${command.ref.number}`;
    const referral = await lockReferral(tx, command.ref.number - referralRefOffset);
    if (!referral && command.ref.prefix === null) return null;
    const focalPoint = referral ? focalPoints.find((fp) => fp.providerId === referral.providerId) : undefined;
    const language = deps.i18n.resolveLanguage((focalPoint ?? anyFocalPoint).language);
    const t = (key: string, vars: Record<string, string> = {}) =>
      deps.i18n.t(language, `referral:${key}`, { ref, ...vars });
    const reply = async (text: string): Promise<{ handled: true }> => {
      await enqueueOutbound(tx, {
        contactId: sender.contactId,
        channel: sender.channel,
        recipient: sender.address,
        body: { text },
        now: message.receivedAt,
        config: deps.config,
      });
      return { handled: true };
    };
    if (!referral) return reply(t("command.unknown"));
    if (!focalPoint) return reply(t("command.notYours"));

    let answer: ProviderAnswer;
    if (command.kind === "accept") answer = { kind: "accept" };
    else if (command.kind === "decline") answer = { kind: "decline", reason: command.reason };
    else {
      const outcome = parseOutcome(command.note);
      if (!outcome) return reply(t(referral.status === "pending" ? "command.acceptFirst" : "command.outcomeHelp"));
      answer = { kind: "outcome", outcome, note: command.note };
    }
    const result = await answerReferral(
      tx,
      deps,
      referral,
      answer,
      { via: "command", focalPointId: focalPoint.id, focalPointCode: focalPoint.code },
      message.receivedAt,
    );
    return reply(t(replyKey(result, answer), { status: t(`status.${result.referral.status}`) }));
  };
}

function replyKey(result: AnswerResult, answer: ProviderAnswer): string {
  switch (result.status) {
    case "accepted":
      return "command.accepted";
    case "declined":
      return result.reoffered ? "command.declined" : "command.declinedFinal";
    case "outcome":
      return "command.outcome";
    case "unchanged":
      return "command.unchanged";
    case "not_allowed":
      return answer.kind === "outcome" && result.referral.status === "pending"
        ? "command.acceptFirst"
        : "command.notAllowed";
  }
}
