import type { MessagingChannel } from "../../conversations/InboundMessage.js";
import type { Tx } from "../../db/Tx.js";
import { enqueueOutbound } from "../../outbox/enqueueOutbound.js";
import type { OutboundBody } from "../../outbox/OutboundBody.js";
import type { DomainDeps } from "../../service/Feature.js";
import { pickAddress } from "../routing/findRecipients.js";

/**
 * Writes one message to a contact's outbox in the caller's transaction, on `preferred` when the
 * contact has an address there, else on its Telegram, SMS or WhatsApp address. Sends nothing to an
 * opted-out contact or one without any address, and says so (`false`).
 */
export async function sendToContact(
  tx: Tx,
  deps: Pick<DomainDeps, "config">,
  input: {
    contactId: string;
    preferred?: MessagingChannel | "web";
    body: OutboundBody | ((language: string | null) => OutboundBody);
    now: Date;
  },
): Promise<boolean> {
  const contact = await tx.contact.findUnique({
    where: { id: input.contactId },
    select: {
      optedOut: true,
      language: true,
      addresses: { select: { channel: true, address: true }, orderBy: { createdAt: "asc" } },
    },
  });
  if (!contact || contact.optedOut) return false;
  const same = contact.addresses.find((a) => a.channel === input.preferred);
  const address = (same ? pickAddress([same]) : null) ?? pickAddress(contact.addresses);
  if (!address) return false;
  await enqueueOutbound(tx, {
    contactId: input.contactId,
    channel: address.channel,
    recipient: address.address,
    body: typeof input.body === "function" ? input.body(contact.language) : input.body,
    now: input.now,
    config: deps.config,
  });
  return true;
}
