import type { Tx } from "../db/Tx.js";
import type { JsonValue } from "../engine/types.js";
import { enqueueOutbound } from "../outbox/enqueueOutbound.js";
import { gsmSafe } from "./gsmSafe.js";
import type { ReferralWithContext } from "./loadReferral.js";
import { pickAddress } from "./pickAddress.js";
import type { ReferralDeps } from "./ReferralDeps.js";
import { messagingChannel } from "./referralMeal.js";

/**
 * Writes to the returnee of a referral, in their language and on the channel they asked on, when
 * the referral is linked to them (they consented to share) and they have not opted out. Returns
 * whether a message was enqueued.
 */
export async function tellReturnee(
  tx: Tx,
  deps: ReferralDeps,
  referral: ReferralWithContext,
  key: string,
  vars: Record<string, JsonValue>,
  now: Date,
): Promise<boolean> {
  if (!referral.contactId) return false;
  const target = await pickAddress(tx, referral.contactId, messagingChannel(referral.channel) ?? undefined);
  if (!target || target.optedOut) return false;
  const text = deps.i18n.t(deps.i18n.resolveLanguage(target.language), key, vars);
  await enqueueOutbound(tx, {
    contactId: target.contactId,
    channel: target.channel,
    recipient: target.address,
    body: { text: target.channel === "sms" ? gsmSafe(text) : text },
    now,
    config: deps.config,
  });
  return true;
}

/** The provider details a returnee is given: name, address, hours, phone. */
export function providerDetailVars(provider: ReferralWithContext["provider"]): Record<string, string> {
  return {
    provider: provider.name,
    address: provider.address ?? "-",
    hours: provider.hours ?? "-",
    phone: provider.phone ?? "-",
  };
}
