import type { MessagingChannel } from "../../conversations/InboundMessage.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import { simulatorPrefix } from "./SimulatorSender.js";

/** A focal point the simulator can act as: one of its `sim:` addresses. */
export interface QuickContact {
  code: string;
  name: string;
  role: string;
  channel: MessagingChannel;
  /** The address without its `sim:` prefix, as typed in the phone field. */
  phone: string;
}

const messagingChannels: ReadonlySet<string> = new Set<MessagingChannel>(["sms", "whatsapp", "telegram"]);

function isMessagingChannel(channel: string): channel is MessagingChannel {
  return messagingChannels.has(channel);
}

/**
 * The active focal points that have a simulator address, one entry per address, by code: the
 * "quick contacts" the page offers to act as a CLS member or a provider. Often empty.
 *
 * @example
 * await listQuickContacts(prisma); // [{ code: "FP-TUMBWE-1", name: "...", role: "cls_member", channel: "sms", phone: "+243990000101" }]
 */
export async function listQuickContacts(prisma: Pick<PrismaClient, "focalPoint">): Promise<QuickContact[]> {
  const addressFilter = { address: { startsWith: simulatorPrefix } };
  const focalPoints = await prisma.focalPoint.findMany({
    where: { active: true, contact: { addresses: { some: addressFilter } } },
    select: {
      code: true,
      name: true,
      role: true,
      contact: { select: { addresses: { where: addressFilter, select: { channel: true, address: true } } } },
    },
    orderBy: { code: "asc" },
    take: 100,
  });
  return focalPoints.flatMap((focalPoint) =>
    focalPoint.contact.addresses.flatMap(({ channel, address }) =>
      isMessagingChannel(channel)
        ? [
            {
              code: focalPoint.code,
              name: focalPoint.name,
              role: focalPoint.role,
              channel,
              phone: address.slice(simulatorPrefix.length),
            },
          ]
        : [],
    ),
  );
}
