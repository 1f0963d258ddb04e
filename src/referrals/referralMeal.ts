import type { MessagingChannel } from "../conversations/InboundMessage.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { MealEventInput } from "../meal/recordMealEvents.js";
import type { ReferralWithContext } from "./loadReferral.js";

/** Narrows a stored channel to one Relais talks on (`web` never carries a referral). */
export function messagingChannel(channel: string): MessagingChannel | null {
  return channel === "sms" || channel === "whatsapp" || channel === "telegram" ? channel : null;
}

/**
 * A MEAL event about a referral: service, place, sex, age group and channel for disaggregation.
 * The subject is the returnee's pseudonym only when they consented to share their identity; events
 * of a referral made without that consent are not linked to anyone.
 */
export function referralMealEvent(
  type: string,
  referral: ReferralWithContext,
  at: Date,
  data?: Prisma.InputJsonObject,
): MealEventInput {
  return {
    type,
    at,
    subject: referral.contactId ? (referral.contact?.pseudonym ?? null) : null,
    channel: messagingChannel(referral.channel),
    location: referral.location?.code ?? null,
    sex: referral.sex,
    ageGroup: referral.ageGroup,
    service: referral.service.code,
    // The provider (an organisation) is named so that 4W reports credit the one that acted, even after a re-offer.
    data: { ref: referral.ref, provider: referral.provider.code, priority: referral.priority, ...data },
  };
}
