import type { Tx } from "../db/Tx.js";
import { enqueueOutbound } from "../outbox/enqueueOutbound.js";
import { gsmSafe } from "./gsmSafe.js";
import { placeLabel, type ReferralWithContext, serviceLabel } from "./loadReferral.js";
import { pickAddress } from "./pickAddress.js";
import type { ReferralDeps } from "./ReferralDeps.js";
import { referralLinkKey, referralLinkValidDays, signReferralLink } from "./referralLink.js";
import { isAgeGroup, isSex } from "./referralProfile.js";

/** The provider's page of a referral: a signed, expiring link bound to the provider it is offered to. */
export function providerLink(deps: ReferralDeps, referral: { number: number; providerId: string }, now: Date): string {
  const token = signReferralLink(referralLinkKey(deps.pseudonymSecret), {
    number: referral.number,
    providerId: referral.providerId,
    expiresAt: new Date(now.getTime() + referralLinkValidDays * 86_400_000),
  });
  return `${deps.config.server.publicUrl}/r/${token}`;
}

/**
 * Tells every active focal point of the referral's provider about it, in their language, on the
 * address they last wrote from: reference, service, place, priority, sex and age group, the
 * returnee's phone only when they consented to share it, how to answer, and the signed link.
 * Returns how many focal points were notified.
 */
export async function notifyProvider(
  tx: Tx,
  deps: ReferralDeps,
  referral: ReferralWithContext,
  now: Date,
): Promise<number> {
  const focalPoints = await tx.focalPoint.findMany({
    where: { providerId: referral.providerId, active: true },
    select: { id: true, language: true, contactId: true },
    orderBy: { code: "asc" },
  });
  const phone = referral.shareIdentity && referral.contactId ? await returneePhone(tx, referral.contactId) : null;
  const link = providerLink(deps, referral, now);
  let notified = 0;
  for (const fp of focalPoints) {
    const target = await pickAddress(tx, fp.contactId);
    if (!target || target.optedOut) continue;
    const language = deps.i18n.resolveLanguage(fp.language);
    const t = (key: string, vars: Record<string, string> = {}) => deps.i18n.t(language, `referral:${key}`, vars);
    const profile = [
      isSex(referral.sex) ? t(`sex.${referral.sex}`) : null,
      isAgeGroup(referral.ageGroup) ? t("age", { group: referral.ageGroup }) : null,
    ].filter((part): part is string => part !== null);
    const text = t("notify.new", {
      ref: referral.ref,
      priority: referral.priority > 0 ? t("notify.priority") : "",
      service: serviceLabel(referral.service, language, { short: true }),
      place: placeLabel(referral.location),
      profile: profile.length > 0 ? `${profile.join(", ")}. ` : "",
      phone: phone ? t("notify.phone", { phone }) : t("notify.noPhone"),
      link,
    });
    await enqueueOutbound(tx, {
      contactId: fp.contactId,
      channel: target.channel,
      recipient: target.address,
      body: { text: target.channel === "sms" ? gsmSafe(text) : text },
      now,
      config: deps.config,
    });
    notified++;
  }
  if (notified === 0) deps.log.warn({ referral: referral.ref }, "referral: no focal point could be notified");
  return notified;
}

/** The returnee's phone for the provider (sms or WhatsApp number; a Telegram chat id is no phone). */
async function returneePhone(tx: Tx, contactId: string): Promise<string | null> {
  const address = await tx.contactAddress.findFirst({
    where: { contactId, channel: { in: ["sms", "whatsapp"] } },
    orderBy: { createdAt: "asc" },
    select: { address: true },
  });
  return address?.address ?? null;
}
