import { writeAudit } from "../admin/audit.js";
import type { Tx } from "../db/Tx.js";
import type { Prisma, UserRole } from "../generated/prisma/client.js";
import { recordMealEvents } from "../meal/recordMealEvents.js";
import { loadReferral, type ReferralWithContext } from "./loadReferral.js";
import type { ReferralDeps } from "./ReferralDeps.js";
import { referralMealEvent } from "./referralMeal.js";
import { type OutcomeStatus, outcomeStatuses } from "./referralProfile.js";
import { reofferReferral } from "./reofferReferral.js";
import { providerDetailVars, tellReturnee } from "./tellReturnee.js";

/** What a provider does with a referral, from a command, the link page or the admin API. */
export type ProviderAnswer =
  | { kind: "accept" }
  | { kind: "decline"; reason?: string | undefined }
  | { kind: "outcome"; outcome: OutcomeStatus; note?: string | undefined };

/**
 * Who answered: a focal point of the provider by command, whoever holds the provider's signed link,
 * or a signed-in user (admin or case handler) on the web, e.g. after the provider phoned them.
 */
export type AnswerActor =
  | { via: "command"; focalPointId: string; focalPointCode: string }
  | { via: "link" }
  | { via: "web"; userId: string; role: UserRole };

/**
 * The result of an answer. `unchanged`: the same answer again (a double tap, a resent SMS) —
 * answers are idempotent per state. `not_allowed`: the answer does not fit the state (declining
 * an accepted referral, an outcome before accepting); `referral` shows the state it is in.
 */
export type AnswerResult =
  | { status: "accepted" | "outcome"; referral: ReferralWithContext }
  | { status: "declined"; referral: ReferralWithContext; reoffered: boolean }
  | { status: "unchanged"; referral: ReferralWithContext }
  | { status: "not_allowed"; referral: ReferralWithContext };

const isOutcome = (status: string): status is OutcomeStatus => (outcomeStatuses as readonly string[]).includes(status);

/**
 * Applies a provider's answer to a referral the caller has locked (`lockReferral`) in its
 * transaction: accepting schedules the follow-up (when consented) and tells the returnee;
 * declining offers it to the next provider; an outcome closes it (and may be corrected later).
 * Every change writes a `ReferralEvent` naming the actor (focal point or user), an audit entry and
 * a MEAL event, whoever the actor is.
 */
export async function answerReferral(
  tx: Tx,
  deps: ReferralDeps,
  referral: ReferralWithContext,
  answer: ProviderAnswer,
  actor: AnswerActor,
  now: Date,
): Promise<AnswerResult> {
  const event = (type: string, extra: { note?: string | undefined; data?: Record<string, string | boolean> } = {}) =>
    tx.referralEvent.create({
      data: {
        referralId: referral.id,
        type,
        at: now,
        focalPointId: actor.via === "command" ? actor.focalPointId : null,
        userId: actor.via === "web" ? actor.userId : null,
        note: extra.note ?? null,
        data: { via: actor.via, provider: referral.provider.code, ...extra.data },
      },
    });
  const audit = (
    action: "referral.accept" | "referral.decline" | "referral.outcome",
    data: Prisma.InputJsonObject = {},
  ) => auditAnswer(tx, actor, { action, ref: referral.ref, data: { provider: referral.provider.code, ...data } });
  switch (answer.kind) {
    case "accept": {
      if (referral.status === "accepted") return { status: "unchanged", referral };
      if (referral.status !== "pending") return { status: "not_allowed", referral };
      const followUp = referral.followUpConsent && referral.contactId !== null;
      await tx.referral.update({
        where: { id: referral.id },
        data: {
          status: "accepted",
          acceptedAt: now,
          respondBy: null,
          followUpDueAt: followUp ? new Date(now.getTime() + deps.config.referrals.followUpDays * 86_400_000) : null,
        },
      });
      await event("accepted");
      await audit("referral.accept");
      const accepted = await reload(tx, referral.id);
      await recordMealEvents(tx, [referralMealEvent("referral.accepted", accepted, now, { via: actor.via })]);
      await tellReturnee(
        tx,
        deps,
        accepted,
        "referral:returnee.accepted",
        { ref: accepted.ref, ...providerDetailVars(accepted.provider) },
        now,
      );
      return { status: "accepted", referral: accepted };
    }
    case "decline": {
      if (referral.status === "declined") return { status: "unchanged", referral };
      if (referral.status !== "pending") return { status: "not_allowed", referral };
      await event("declined", { note: answer.reason, data: { reasonGiven: Boolean(answer.reason) } });
      await audit("referral.decline");
      await recordMealEvents(tx, [
        referralMealEvent("referral.declined", referral, now, { via: actor.via, reasonGiven: Boolean(answer.reason) }),
      ]);
      const reoffer = await reofferReferral(tx, deps, referral, "declined", now);
      return { status: "declined", referral: reoffer.referral, reoffered: reoffer.status === "reoffered" };
    }
    case "outcome": {
      if (referral.status === answer.outcome) return { status: "unchanged", referral };
      if (referral.status !== "accepted" && !isOutcome(referral.status)) return { status: "not_allowed", referral };
      await tx.referral.update({ where: { id: referral.id }, data: { status: answer.outcome, outcomeAt: now } });
      await event("outcome", { note: answer.note, data: { outcome: answer.outcome, previous: referral.status } });
      await audit("referral.outcome", { outcome: answer.outcome, previous: referral.status });
      const closed = await reload(tx, referral.id);
      await recordMealEvents(tx, [
        referralMealEvent("referral.outcome", closed, now, { via: actor.via, outcome: answer.outcome }),
      ]);
      return { status: "outcome", referral: closed };
    }
  }
}

/**
 * Locks a referral row for the rest of the transaction (a provider's answer and the re-offer job
 * never both act on it) and reads it with its context.
 */
export async function lockReferral(tx: Tx, number: number): Promise<ReferralWithContext | null> {
  await tx.$queryRaw`SELECT id FROM "Referral" WHERE number = ${number} FOR UPDATE`;
  return loadReferral(tx, { number });
}

/** The audit entry of an answer: the user, or the focal point's code, or the link; never the returnee or a note. */
async function auditAnswer(
  tx: Tx,
  actor: AnswerActor,
  entry: { action: string; ref: string; data: Prisma.InputJsonObject },
): Promise<void> {
  const by: Prisma.InputJsonObject =
    actor.via === "command"
      ? { via: "command", focalPoint: actor.focalPointCode }
      : actor.via === "web"
        ? { via: "web", role: actor.role }
        : { via: "link" };
  await writeAudit(tx, {
    userId: actor.via === "web" ? actor.userId : null,
    action: entry.action,
    target: entry.ref,
    data: { ...by, ...entry.data },
  });
}

async function reload(tx: Tx, id: string): Promise<ReferralWithContext> {
  const referral = await loadReferral(tx, { id });
  if (!referral) throw new Error("referral vanished inside its transaction");
  return referral;
}
