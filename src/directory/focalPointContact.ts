import type { Tx } from "../db/Tx.js";
import type { Channel } from "../generated/prisma/client.js";
import { pseudonymise } from "../meal/pseudonymise.js";
import type { FocalPointInput } from "./providerInputSchema.js";

/** A channel address of a focal point. */
export interface ChannelAddress {
  channel: Channel;
  address: string;
}

/** The channel addresses a focal point was given, in the order sms, whatsapp, telegram. */
export function focalPointAddresses(fp: Pick<FocalPointInput, "sms" | "whatsapp" | "telegram">): ChannelAddress[] {
  const out: ChannelAddress[] = [];
  if (fp.sms) out.push({ channel: "sms", address: fp.sms });
  if (fp.whatsapp) out.push({ channel: "whatsapp", address: fp.whatsapp });
  if (fp.telegram) out.push({ channel: "telegram", address: fp.telegram });
  return out;
}

/** The contact behind a focal point's addresses, or why there can be none. */
export type FocalPointContactResult = { status: "ok"; contactId: string } | { status: "conflict"; problem: string };

/**
 * Finds or creates the one contact that owns all of a focal point's addresses, so that a command
 * sent from any of them is recognised. Addresses already owned by two different contacts are a
 * conflict (reported, not merged: merging people's histories is not an import's job).
 */
export async function focalPointContact(
  tx: Tx,
  addresses: readonly ChannelAddress[],
  options: { language: string; pseudonymSecret: string },
): Promise<FocalPointContactResult> {
  const first = addresses[0];
  if (!first) return { status: "conflict", problem: "no address" };
  const existing = await tx.contactAddress.findMany({
    where: { OR: addresses.map((a) => ({ channel: a.channel, address: a.address })) },
    select: { contactId: true, channel: true, address: true },
  });
  const owners = [...new Set(existing.map((e) => e.contactId))];
  if (owners.length > 1) return { status: "conflict", problem: "its addresses belong to different contacts" };
  const missing = addresses.filter((a) => !existing.some((e) => e.channel === a.channel && e.address === a.address));
  const owner = owners[0];
  if (owner !== undefined) {
    if (missing.length > 0)
      await tx.contactAddress.createMany({ data: missing.map((a) => ({ ...a, contactId: owner })) });
    return { status: "ok", contactId: owner };
  }
  const contact = await tx.contact.create({
    data: {
      pseudonym: pseudonymise(options.pseudonymSecret, first.channel, first.address),
      language: options.language,
      addresses: { create: addresses.map((a) => ({ channel: a.channel, address: a.address })) },
    },
    select: { id: true },
  });
  return { status: "ok", contactId: contact.id };
}
