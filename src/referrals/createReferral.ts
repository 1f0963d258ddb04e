import type { MessagingChannel } from "../conversations/InboundMessage.js";
import { nextReference } from "../db/nextReference.js";
import type { Tx } from "../db/Tx.js";
import { recordMealEvents } from "../meal/recordMealEvents.js";
import { loadReferral, type ReferralWithContext } from "./loadReferral.js";
import { notifyProvider } from "./notifyProvider.js";
import type { ReferralDeps } from "./ReferralDeps.js";
import { referralMealEvent } from "./referralMeal.js";

/** One need sent to one provider. */
export interface NewReferral {
  /** The returnee, or null when they did not consent to share their identity. */
  contactId: string | null;
  providerId: string;
  serviceId: string;
  locationId: string;
  channel: MessagingChannel;
  priority: number;
  sex: string | null;
  ageGroup: string | null;
  vulnerabilities: string[];
  followUpConsent: boolean;
}

/**
 * Creates a referral with its public reference (`R-2031`), its first history entry and MEAL event,
 * and notifies the provider's focal points, all in the caller's transaction. `shareIdentity` follows
 * `contactId`: a referral made without consent carries no link to the person, and no follow-up.
 */
export async function createReferral(
  tx: Tx,
  deps: ReferralDeps,
  input: NewReferral,
  now: Date,
): Promise<ReferralWithContext> {
  const { number, ref } = await nextReference(tx, "Referral");
  const shareIdentity = input.contactId !== null;
  const created = await tx.referral.create({
    data: {
      number,
      ref,
      contactId: input.contactId,
      providerId: input.providerId,
      serviceId: input.serviceId,
      locationId: input.locationId,
      channel: input.channel,
      priority: input.priority,
      sex: input.sex,
      ageGroup: input.ageGroup,
      vulnerabilities: shareIdentity ? input.vulnerabilities : [],
      shareIdentity,
      followUpConsent: shareIdentity && input.followUpConsent,
      triedProviderIds: [input.providerId],
      respondBy: new Date(now.getTime() + deps.config.referrals.responseHours * 3_600_000),
      createdAt: now,
    },
    select: { id: true },
  });
  await tx.referralEvent.create({ data: { referralId: created.id, type: "created", at: now } });
  const referral = await loadReferral(tx, { id: created.id });
  if (!referral) throw new Error("referral vanished inside its transaction");
  await recordMealEvents(tx, [referralMealEvent("referral.referred", referral, now, { shareIdentity })]);
  await notifyProvider(tx, deps, referral, now);
  return referral;
}
