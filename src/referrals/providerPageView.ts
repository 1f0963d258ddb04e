import type { I18n } from "../engine/i18n.js";
import { placeLabel, type ReferralWithContext, serviceLabel } from "./loadReferral.js";
import { isAgeGroup, isSex, outcomeStatuses } from "./referralProfile.js";

/** What the provider's page of a referral shows and allows (also its JSON form). */
export interface ProviderPageView {
  ref: string;
  status: string;
  statusLabel: string;
  service: string;
  place: string;
  priority: boolean;
  profile: string;
  /** The returnee's phone, only when they consented to share it. */
  phone: string | null;
  vulnerabilities: string[];
  fictional: boolean;
  /** Answers the current state allows. */
  actions: ("accept" | "decline" | "outcome")[];
  outcomes: { value: string; label: string }[];
}

/**
 * The provider's view of a referral in `language`. The person's phone and declared situations
 * appear only when they consented to share their identity.
 */
export function providerPageView(
  i18n: I18n,
  language: string,
  referral: ReferralWithContext,
  extra: { phone: string | null; fictional: boolean },
): ProviderPageView {
  const t = (key: string, vars: Record<string, string> = {}) => i18n.t(language, `referral:${key}`, vars);
  const profile = [
    isSex(referral.sex) ? t(`sex.${referral.sex}`) : null,
    isAgeGroup(referral.ageGroup) ? t("age", { group: referral.ageGroup }) : null,
  ].filter((part): part is string => part !== null);
  const status = referral.status;
  const actions: ProviderPageView["actions"] =
    status === "pending"
      ? ["accept", "decline"]
      : status === "accepted" || (outcomeStatuses as readonly string[]).includes(status)
        ? ["outcome"]
        : [];
  return {
    ref: referral.ref,
    status,
    statusLabel: t(`status.${status}`),
    service: serviceLabel(referral.service, language),
    place: placeLabel(referral.location),
    priority: referral.priority > 0,
    profile: profile.join(", ") || "-",
    phone: referral.shareIdentity ? extra.phone : null,
    vulnerabilities: referral.shareIdentity ? referral.vulnerabilities.map((v) => t(`vulnerability.${v}`)) : [],
    fictional: extra.fictional,
    actions,
    outcomes: outcomeStatuses.map((value) => ({ value, label: t(`status.${value}`) })),
  };
}
