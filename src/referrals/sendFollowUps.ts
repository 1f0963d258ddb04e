import type { InboundHandlerDeps, Sender } from "../conversations/createInboundHandler.js";
import { persistResult } from "../conversations/persistResult.js";
import { prismaSql } from "../db/SqlRunner.js";
import type { Tx } from "../db/Tx.js";
import type { Engine } from "../engine/createEngine.js";
import type { ActionRegistry } from "../engine/types.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { recordMealEvents } from "../meal/recordMealEvents.js";
import { lockReferral } from "./answerReferral.js";
import { pickAddress } from "./pickAddress.js";
import type { ReferralDeps } from "./ReferralDeps.js";
import { messagingChannel, referralMealEvent } from "./referralMeal.js";
import { consentPurposes } from "./referralProfile.js";

/** The follow-up flow (`flows/followup.yaml`). */
export const followUpFlowId = "followup";

export interface FollowUpDeps extends ReferralDeps {
  engine: Engine;
  /** The flow actions bound to a transaction and a sender (the feature's `actions`). */
  actions: (tx: Tx, sender: Sender) => ActionRegistry;
}

export interface FollowUpReport {
  sent: number;
  /** Opted out or withdrew consent since: no follow-up, ever, for that referral. */
  skipped: number;
  /** In another conversation right now: asked at a later run. */
  postponed: number;
}

/**
 * Asks returnees, `FOLLOW_UP_DAYS` after their referral was accepted, whether they received the
 * service and how satisfied they are: starts the follow-up flow for them (`engine.start` +
 * `persistResult`), so their answers come back through the normal inbound path. Respects STOP and
 * the latest `followup_contact` consent; on WhatsApp outside the 24-hour window `enqueueOutbound`
 * sends the configured template. A returnee busy in another conversation is asked at a later run.
 */
export async function sendFollowUps(
  prisma: PrismaClient,
  deps: FollowUpDeps,
  now: Date,
  options: { batch?: number } = {},
): Promise<FollowUpReport> {
  const due = await prisma.referral.findMany({
    where: { followUpDueAt: { lte: now }, followUpSentAt: null, followUpConsent: true, contactId: { not: null } },
    orderBy: [{ priority: "desc" }, { followUpDueAt: "asc" }],
    select: { number: true },
    take: options.batch ?? 50,
  });
  const report: FollowUpReport = { sent: 0, skipped: 0, postponed: 0 };
  for (const { number } of due) {
    const outcome = await prisma.$transaction((tx) => followUpOne(tx, deps, number, now), {
      timeout: 20_000,
      maxWait: 20_000,
    });
    if (outcome !== "gone") report[outcome]++;
  }
  return report;
}

async function followUpOne(
  tx: Tx,
  deps: FollowUpDeps,
  number: number,
  now: Date,
): Promise<"sent" | "skipped" | "postponed" | "gone"> {
  const referral = await lockReferral(tx, number);
  if (!referral?.contactId || referral.followUpSentAt || !referral.followUpDueAt) return "gone";
  const contactId = referral.contactId;
  const skip = async (reason: string): Promise<"skipped"> => {
    await tx.referral.update({ where: { id: referral.id }, data: { followUpDueAt: null } });
    await tx.referralEvent.create({
      data: { referralId: referral.id, type: "followup_skipped", at: now, data: { reason } },
    });
    return "skipped";
  };
  const consent = await tx.consent.findFirst({
    where: { contactId, purpose: consentPurposes.followup },
    orderBy: { at: "desc" },
    select: { granted: true },
  });
  if (!consent?.granted) return skip("no_consent");
  const target = await pickAddress(tx, contactId, messagingChannel(referral.channel) ?? undefined);
  if (!target) return skip("no_address");
  if (target.optedOut) return skip("opted_out");
  const busy = await tx.conversation.findFirst({
    where: { contactId, status: "active", expiresAt: { gt: now } },
    select: { id: true },
  });
  if (busy) return "postponed";
  await tx.conversation.updateMany({
    where: { contactId, status: "active" },
    data: { status: "expired", endedAt: now },
  });
  const sender: Sender = {
    contactId,
    pseudonym: target.pseudonym,
    language: target.language,
    optedOut: target.optedOut,
    channel: target.channel,
    address: target.address,
  };
  const result = await deps.engine.start(
    { contact: { id: contactId, language: target.language, optedOut: false }, channel: target.channel, now },
    followUpFlowId,
    {
      variables: { referralId: referral.id, ref: referral.ref, providerName: referral.provider.name },
      actions: deps.actions(tx, sender),
    },
  );
  const persistDeps: Pick<InboundHandlerDeps, "engine" | "config"> = { engine: deps.engine, config: deps.config };
  await persistResult(prismaSql(tx), persistDeps, { sender, activeId: null, result, now });
  await tx.referral.update({ where: { id: referral.id }, data: { followUpSentAt: now } });
  await tx.referralEvent.create({ data: { referralId: referral.id, type: "followup_sent", at: now } });
  await recordMealEvents(tx, [referralMealEvent("referral.followup_sent", referral, now)]);
  return "sent";
}
