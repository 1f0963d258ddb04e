import type { MessagingChannel } from "../conversations/InboundMessage.js";
import type { DbClient } from "../db/Tx.js";

const channelOrder: readonly MessagingChannel[] = ["sms", "whatsapp", "telegram"];

function isMessagingChannel(channel: string): channel is MessagingChannel {
  return (channelOrder as readonly string[]).includes(channel);
}

/** Where to write to a contact, with the language and opt-out state that decide whether and how. */
export interface ContactTarget {
  contactId: string;
  pseudonym: string;
  language: string | null;
  optedOut: boolean;
  channel: MessagingChannel;
  address: string;
}

/**
 * The address to write to a contact on: on `prefer` when it has one there (a returnee is answered
 * where they asked), else the one it last wrote from, else sms, whatsapp, telegram in that order.
 * Null when the contact has no address left (purged).
 */
export async function pickAddress(
  db: DbClient,
  contactId: string,
  prefer?: MessagingChannel,
): Promise<ContactTarget | null> {
  const contact = await db.contact.findUnique({
    where: { id: contactId },
    select: {
      id: true,
      pseudonym: true,
      language: true,
      optedOut: true,
      addresses: { select: { channel: true, address: true, lastInboundAt: true, createdAt: true } },
    },
  });
  if (!contact) return null;
  const usable = contact.addresses.flatMap((a) =>
    isMessagingChannel(a.channel) ? [{ ...a, channel: a.channel }] : [],
  );
  usable.sort(
    (a, b) =>
      Number(b.channel === prefer) - Number(a.channel === prefer) ||
      (b.lastInboundAt?.getTime() ?? 0) - (a.lastInboundAt?.getTime() ?? 0) ||
      channelOrder.indexOf(a.channel) - channelOrder.indexOf(b.channel) ||
      a.createdAt.getTime() - b.createdAt.getTime(),
  );
  const best = usable[0];
  if (!best) return null;
  return {
    contactId: contact.id,
    pseudonym: contact.pseudonym,
    language: contact.language,
    optedOut: contact.optedOut,
    channel: best.channel,
    address: best.address,
  };
}
