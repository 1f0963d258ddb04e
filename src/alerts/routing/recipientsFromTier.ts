import type { DbClient } from "../../db/Tx.js";
import { MAX_TIER } from "../alertCodes.js";
import { findRecipients, type Recipient, type RoutingTarget, type TierRecipients } from "./findRecipients.js";

/** Finds the recipients of one tier; `findRecipients`, or a cached version of it for a pass over many alerts. */
export type RecipientFinder = (db: DbClient, target: RoutingTarget, tier: number) => Promise<TierRecipients>;

/** The first tier with someone new to notify, and who. */
export interface TierRoute {
  tier: number;
  recipients: Recipient[];
  unreachable: number;
}

/**
 * Walks up from `fromTier` to the last tier and returns the first tier whose rules name someone
 * reachable who was not notified yet; null when no tier does. A tier without anyone (no provincial
 * focal point configured, everyone opted out) is skipped rather than waited on.
 */
export async function recipientsFromTier(
  db: DbClient,
  target: RoutingTarget,
  fromTier: number,
  alreadyNotified: ReadonlySet<string>,
  find: RecipientFinder = findRecipients,
): Promise<TierRoute | null> {
  let unreachable = 0;
  for (let tier = fromTier; tier <= MAX_TIER; tier++) {
    const found = await find(db, target, tier);
    unreachable += found.unreachable;
    const fresh = found.recipients.filter((r) => !alreadyNotified.has(r.focalPointId));
    if (fresh.length > 0) return { tier, recipients: fresh, unreachable };
  }
  return null;
}

/**
 * A `findRecipients` that remembers its answers by (place, category, urgency, tier): an escalation
 * pass over thousands of alerts then reads the rules once per combination, not once per alert.
 */
export function cachedRecipientFinder(find: RecipientFinder = findRecipients): RecipientFinder {
  const cache = new Map<string, Promise<TierRecipients>>();
  return (db, target, tier) => {
    const key = `${target.locationId}|${target.category}|${target.urgency}|${tier}`;
    let found = cache.get(key);
    if (!found) {
      found = find(db, target, tier);
      cache.set(key, found);
    }
    return found;
  };
}
