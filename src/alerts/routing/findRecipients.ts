import type { MessagingChannel } from "../../conversations/InboundMessage.js";
import type { DbClient } from "../../db/Tx.js";
import { PNC_LIAISON, POLICE_MISCONDUCT } from "../alertCodes.js";

/** One focal point to notify, with the address its notification goes to. */
export interface Recipient {
  focalPointId: string;
  code: string;
  name: string;
  role: string;
  language: string;
  contactId: string;
  channel: MessagingChannel;
  address: string;
  tier: number;
}

/** What routing needs to know about an alert. */
export interface RoutingTarget {
  locationId: string;
  /** Materialised path of the alert's location, e.g. `CD/CD-TA/CD-TA-KAL/CD-TA-KAL-TUMBWE`. */
  locationPath: string;
  category: string;
  urgency: string;
}

/** Focal points matched at one tier: those reachable, and how many could not be reached (opted out, no address). */
export interface TierRecipients {
  recipients: Recipient[];
  unreachable: number;
}

// A focal point's notification goes to Telegram when it has it (free, instant), then SMS, then WhatsApp.
const channelPreference: readonly MessagingChannel[] = ["telegram", "sms", "whatsapp"];

/**
 * The focal points the routing rules name for an alert at one escalation tier.
 *
 * A rule matches when each of its non-null selectors matches: its place is the alert's place or one
 * above it, and its category and urgency are the alert's. An include rule of `tier` notifies the
 * active focal points of its committee (or, without a committee, of the committees located at the
 * alert's place) holding one of its roles; an exclude rule of this tier or a lower one removes
 * those roles of its committee (of every committee without one), whatever the include rules say.
 * A report of police misconduct never reaches a police liaison, even if the rules are wrong.
 *
 * @example
 * const { recipients } = await findRecipients(tx, { locationId, locationPath, category: "theft", urgency: "recent" }, 1);
 */
export async function findRecipients(db: DbClient, target: RoutingTarget, tier: number): Promise<TierRecipients> {
  const placeCodes = target.locationPath.split("/");
  const rules = await db.routingRule.findMany({
    where: {
      active: true,
      tier: { lte: tier },
      AND: [
        { OR: [{ locationId: null }, { location: { code: { in: placeCodes } } }] },
        { OR: [{ category: null }, { category: target.category }] },
        { OR: [{ urgency: null }, { urgency: target.urgency }] },
      ],
    },
    select: { committeeId: true, roles: true, tier: true, exclude: true },
  });
  const includes = rules.filter((r) => !r.exclude && r.tier === tier);
  if (includes.length === 0) return { recipients: [], unreachable: 0 };
  const excludes = rules.filter((r) => r.exclude);

  const localCommittees = includes.some((r) => r.committeeId === null)
    ? await db.committee.findMany({ where: { locationId: target.locationId }, select: { id: true } })
    : [];
  const localIds = new Set(localCommittees.map((c) => c.id));
  const committeeIds = new Set([...localIds, ...includes.flatMap((r) => (r.committeeId ? [r.committeeId] : []))]);
  const roles = new Set(includes.flatMap((r) => r.roles));
  if (committeeIds.size === 0 || roles.size === 0) return { recipients: [], unreachable: 0 };

  const focalPoints = await db.focalPoint.findMany({
    where: { active: true, committeeId: { in: [...committeeIds] }, role: { in: [...roles] } },
    select: {
      id: true,
      code: true,
      name: true,
      role: true,
      language: true,
      committeeId: true,
      contactId: true,
      contact: { select: { optedOut: true, addresses: { select: { channel: true, address: true } } } },
    },
    orderBy: { code: "asc" },
  });

  const recipients: Recipient[] = [];
  let unreachable = 0;
  for (const fp of focalPoints) {
    const committeeId = fp.committeeId;
    if (committeeId === null) continue;
    const included = includes.some(
      (r) =>
        r.roles.includes(fp.role) &&
        (r.committeeId === committeeId || (r.committeeId === null && localIds.has(committeeId))),
    );
    const excluded = excludes.some(
      (r) => r.roles.includes(fp.role) && (r.committeeId === null || r.committeeId === committeeId),
    );
    if (!included || excluded) continue;
    if (target.category === POLICE_MISCONDUCT && fp.role === PNC_LIAISON) continue;
    const address = pickAddress(fp.contact.addresses);
    if (fp.contact.optedOut || !address) {
      unreachable++;
      continue;
    }
    recipients.push({
      focalPointId: fp.id,
      code: fp.code,
      name: fp.name,
      role: fp.role,
      language: fp.language,
      contactId: fp.contactId,
      channel: address.channel,
      address: address.address,
      tier,
    });
  }
  return { recipients, unreachable };
}

/** The address a focal point's notifications go to: Telegram, then SMS, then WhatsApp. */
export function pickAddress(
  addresses: readonly { channel: string; address: string }[],
): { channel: MessagingChannel; address: string } | null {
  for (const channel of channelPreference) {
    const found = addresses.find((a) => a.channel === channel);
    if (found) return { channel, address: found.address };
  }
  return null;
}
