import type { DomainDeps } from "../service/Feature.js";

/** What the referral lifecycle needs besides the transaction: config, texts, link key, logger. */
export type ReferralDeps = Pick<DomainDeps, "config" | "i18n" | "pseudonymSecret" | "log">;
