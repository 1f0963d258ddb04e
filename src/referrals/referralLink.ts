import { createHmac, timingSafeEqual } from "node:crypto";

/** How long a provider's link stays valid after it was sent. */
export const referralLinkValidDays = 30;

/**
 * The key that signs provider links, derived from the pseudonym secret so that one configured
 * secret serves both, without a link ever revealing anything about pseudonyms.
 */
export function referralLinkKey(pseudonymSecret: string): Buffer {
  return createHmac("sha256", pseudonymSecret).update("referral-link").digest();
}

/** A link token read back, not yet checked against the referral's current provider. */
export interface ReferralLinkToken {
  number: number;
  expiresAt: Date;
  signature: string;
}

/**
 * Signs a short token for the provider's page of one referral: `<number>.<expiry>.<signature>`
 * (base 36 and base64url, ~30 characters, so the whole link fits an SMS). The signature covers the
 * provider the referral is offered to: once it is offered to another provider, the old link stops working.
 *
 * @example
 * signReferralLink(key, { number: 1031, providerId, expiresAt }); // "sn.1a2b3c.Xk9..."
 */
export function signReferralLink(key: Buffer, input: { number: number; providerId: string; expiresAt: Date }): string {
  const expiry = Math.floor(input.expiresAt.getTime() / 60_000).toString(36);
  const number = input.number.toString(36);
  return `${number}.${expiry}.${signature(key, number, expiry, input.providerId)}`;
}

/** Reads a token's parts; null when it is not one (checked later: signature and expiry). */
export function parseReferralLink(token: string): ReferralLinkToken | null {
  const match = /^([0-9a-z]{1,10})\.([0-9a-z]{1,10})\.([A-Za-z0-9_-]{22})$/.exec(token);
  if (!match) return null;
  const [, number = "", expiry = "", sig = ""] = match;
  return {
    number: Number.parseInt(number, 36),
    expiresAt: new Date(Number.parseInt(expiry, 36) * 60_000),
    signature: sig,
  };
}

/** Whether `token` was signed for this referral number and provider (constant-time comparison). */
export function verifyReferralLink(key: Buffer, token: ReferralLinkToken, providerId: string): boolean {
  const expected = Buffer.from(
    signature(key, token.number.toString(36), Math.floor(token.expiresAt.getTime() / 60_000).toString(36), providerId),
  );
  const given = Buffer.from(token.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function signature(key: Buffer, number: string, expiry: string, providerId: string): string {
  return createHmac("sha256", key).update(`${number}.${expiry}.${providerId}`).digest("base64url").slice(0, 22);
}
