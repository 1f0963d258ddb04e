import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { purgeBatchSize, purgeMessages } from "./purgeMessages.js";

/** What a purge removed: counts only, kept in `RetentionReport`. */
export interface RetentionCounts {
  messages: number;
  outboxItems: number;
  conversations: number;
  contacts: number;
  addresses: number;
  anonymousConversations: number;
  anonymousMessages: number;
}

const dayMs = 86_400_000;

/**
 * Texts and answers of anonymous conversations (security alerts) go as soon as the conversation
 * ends: their messages are purged and their collected variables emptied.
 */
export async function purgeAnonymousConversations(
  prisma: PrismaClient,
  now: Date,
): Promise<Pick<RetentionCounts, "anonymousConversations" | "anonymousMessages">> {
  const ended: Prisma.ConversationWhereInput = { anonymous: true, status: { in: ["ended", "expired"] } };
  const { messages } = await purgeMessages(prisma, { conversation: { is: ended } }, now);
  let conversations = 0;
  for (;;) {
    const ids = (
      await prisma.conversation.findMany({
        where: { ...ended, NOT: { variables: { equals: {} } } },
        select: { id: true },
        take: purgeBatchSize,
      })
    ).map((c) => c.id);
    if (ids.length === 0) break;
    conversations += (
      await prisma.conversation.updateMany({ where: { id: { in: ids } }, data: { variables: {}, stack: [] } })
    ).count;
    if (ids.length < purgeBatchSize) break;
  }
  return { anonymousConversations: conversations, anonymousMessages: messages };
}

/**
 * The retention purge (see DESIGN "Do no harm"):
 * - message texts and payloads older than `messageDays` (and their outbox addresses);
 * - answers collected by conversations that ended more than `messageDays` ago;
 * - contacts inactive for `contactDays`: addresses deleted, display name removed, messages purged
 *   (focal points are staff whose numbers the service needs: they are kept);
 * - anonymous (alert) conversations as soon as they end.
 * Pseudonymised MEAL events are kept. Writes a `RetentionReport` with the counts and returns it.
 */
export async function purgeExpiredData(
  prisma: PrismaClient,
  retention: { messageDays: number; contactDays: number },
  now: Date,
): Promise<RetentionCounts> {
  const messageCutoff = new Date(now.getTime() - retention.messageDays * dayMs);
  const contactCutoff = new Date(now.getTime() - retention.contactDays * dayMs);

  const anonymous = await purgeAnonymousConversations(prisma, now);
  const old = await purgeMessages(prisma, { createdAt: { lt: messageCutoff } }, now);

  let conversations = 0;
  for (;;) {
    const ids = (
      await prisma.conversation.findMany({
        where: {
          status: { in: ["ended", "expired"] },
          updatedAt: { lt: messageCutoff },
          NOT: { variables: { equals: {} } },
        },
        select: { id: true },
        take: purgeBatchSize,
      })
    ).map((c) => c.id);
    if (ids.length === 0) break;
    conversations += (
      await prisma.conversation.updateMany({ where: { id: { in: ids } }, data: { variables: {}, stack: [] } })
    ).count;
    if (ids.length < purgeBatchSize) break;
  }

  let contacts = 0;
  let addresses = 0;
  let contactMessages = { messages: 0, outboxItems: 0 };
  for (;;) {
    const ids = (
      await prisma.contact.findMany({
        where: { lastActiveAt: { lt: contactCutoff }, purgedAt: null, focalPoints: { none: {} } },
        select: { id: true },
        take: purgeBatchSize,
      })
    ).map((c) => c.id);
    if (ids.length === 0) break;
    const [deleted, updated] = await prisma.$transaction([
      prisma.contactAddress.deleteMany({ where: { contactId: { in: ids } } }),
      prisma.contact.updateMany({ where: { id: { in: ids } }, data: { displayName: null, purgedAt: now } }),
    ]);
    addresses += deleted.count;
    contacts += updated.count;
    const purged = await purgeMessages(prisma, { contactId: { in: ids } }, now);
    contactMessages = {
      messages: contactMessages.messages + purged.messages,
      outboxItems: contactMessages.outboxItems + purged.outboxItems,
    };
    if (ids.length < purgeBatchSize) break;
  }

  const counts: RetentionCounts = {
    messages: old.messages + contactMessages.messages,
    outboxItems: old.outboxItems + contactMessages.outboxItems,
    conversations,
    contacts,
    addresses,
    ...anonymous,
  };
  await prisma.$transaction([
    prisma.retentionReport.create({ data: { at: now, counts: { ...counts, ...retention } } }),
    prisma.auditLog.create({ data: { action: "retention.purge", data: { ...counts } } }),
  ]);
  return counts;
}
