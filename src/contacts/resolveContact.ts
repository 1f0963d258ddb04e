import type { MessagingChannel } from "../conversations/InboundMessage.js";
import type { Tx } from "../db/Tx.js";
import { pseudonymise } from "../meal/pseudonymise.js";

export interface ResolvedContact {
  id: string;
  pseudonym: string;
  language: string | null;
  optedOut: boolean;
  addressId: string;
  created: boolean;
}

/**
 * Finds the contact behind a channel address, or creates it with that address, and records the
 * inbound time on the address (the WhatsApp 24-hour window) and on the contact (retention).
 */
export async function resolveContact(
  tx: Tx,
  input: { channel: MessagingChannel; address: string; now: Date; pseudonymSecret: string },
): Promise<ResolvedContact> {
  const existing = await tx.contactAddress.findUnique({
    where: { channel_address: { channel: input.channel, address: input.address } },
    include: { contact: true },
  });
  if (existing) {
    await tx.contactAddress.update({ where: { id: existing.id }, data: { lastInboundAt: input.now } });
    await tx.contact.update({ where: { id: existing.contactId }, data: { lastActiveAt: input.now } });
    return {
      id: existing.contact.id,
      pseudonym: existing.contact.pseudonym,
      language: existing.contact.language,
      optedOut: existing.contact.optedOut,
      addressId: existing.id,
      created: false,
    };
  }
  const contact = await tx.contact.create({
    data: {
      pseudonym: pseudonymise(input.pseudonymSecret, input.channel, input.address),
      lastActiveAt: input.now,
      addresses: { create: { channel: input.channel, address: input.address, lastInboundAt: input.now } },
    },
    include: { addresses: true },
  });
  const address = contact.addresses[0];
  if (!address) throw new Error("contact created without its address");
  return {
    id: contact.id,
    pseudonym: contact.pseudonym,
    language: null,
    optedOut: false,
    addressId: address.id,
    created: true,
  };
}
