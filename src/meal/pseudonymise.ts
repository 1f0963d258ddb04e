import { createHmac } from "node:crypto";

/**
 * The pseudonym of a contact in MEAL data and exports: an HMAC-SHA256 of its first channel address
 * with `PSEUDONYM_SECRET`, truncated to 16 hex characters. Stable for one secret, meaningless
 * without it.
 *
 * @example
 * pseudonymise(secret, "sms", "+243990000012") // "3f9a…" (16 hex)
 */
export function pseudonymise(secret: string, channel: string, address: string): string {
  return createHmac("sha256", secret).update(`${channel}:${address}`).digest("hex").slice(0, 16);
}
