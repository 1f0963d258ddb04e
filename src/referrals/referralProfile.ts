/** Profile values the orientation flow collects for prioritisation and disaggregation. */

/** Sex as asked; "prefer not to say" is stored as null. */
export const sexes = ["female", "male"] as const;
export type Sex = (typeof sexes)[number];

/** Age groups and their inclusive ranges (eligibility overlaps a provider's minAge/maxAge). */
export const ageGroups = {
  "0-17": [0, 17],
  "18-24": [18, 24],
  "25-35": [25, 35],
  "36-59": [36, 59],
  "60+": [60, 120],
} as const satisfies Record<string, readonly [number, number]>;
export type AgeGroup = keyof typeof ageGroups;

/** Vulnerabilities the person may declare (each optional, with "prefer not to say"). */
export const vulnerabilities = [
  "unaccompanied_minor",
  "disability",
  "pregnancy",
  "trafficking_survivor",
  "urgent_medical",
] as const;
export type Vulnerability = (typeof vulnerabilities)[number];

/** Final statuses a provider reports, as case-management systems such as Primero keep them. */
export const outcomeStatuses = ["served", "no_show", "refused_by_person", "no_capacity", "unreachable"] as const;
export type OutcomeStatus = (typeof outcomeStatuses)[number];

/** Consent purposes and the version of the notice they were given under. */
export const consentPurposes = { share: "referral_share", followup: "followup_contact" } as const;
export const consentVersion = "1";

/**
 * Priority of a referral: 2 for an urgent medical need or an unaccompanied minor, 1 for any other
 * declared vulnerability, 0 otherwise. Higher first in queues, re-offers and provider notices.
 */
export function priorityOf(declared: readonly string[]): number {
  if (declared.includes("urgent_medical") || declared.includes("unaccompanied_minor")) return 2;
  return declared.length > 0 ? 1 : 0;
}

export function isSex(value: unknown): value is Sex {
  return typeof value === "string" && (sexes as readonly string[]).includes(value);
}

export function isAgeGroup(value: unknown): value is AgeGroup {
  return typeof value === "string" && Object.hasOwn(ageGroups, value);
}
