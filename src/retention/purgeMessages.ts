import { Prisma, type PrismaClient } from "../generated/prisma/client.js";

/** Messages purged per transaction: small enough to keep locks short on a busy database. */
export const purgeBatchSize = 1_000;

/** Outbox states after which a message's text and address are no longer needed. */
const settledOutbox = ["sent", "failed", "dead", "cancelled"] as const;

/**
 * Blanks the text, payload and address of the messages matching `where` (status `purged`), batch by
 * batch. Messages still waiting in the outbox are left alone; failed or dead deliveries of purged
 * messages are cancelled (there is no address left to retry). Returns how many messages and outbox
 * items were purged.
 */
export async function purgeMessages(
  prisma: PrismaClient,
  where: Prisma.MessageWhereInput,
  now: Date,
): Promise<{ messages: number; outboxItems: number }> {
  let messages = 0;
  let outboxItems = 0;
  for (;;) {
    const ids = (
      await prisma.message.findMany({
        where: {
          AND: [
            where,
            { status: { not: "purged" } },
            { OR: [{ outbox: { is: null } }, { outbox: { is: { status: { in: [...settledOutbox] } } } }] },
          ],
        },
        select: { id: true },
        take: purgeBatchSize,
      })
    ).map((m) => m.id);
    if (ids.length === 0) break;
    const [purged, outbox] = await prisma.$transaction([
      prisma.message.updateMany({
        where: { id: { in: ids } },
        data: { text: null, payload: Prisma.DbNull, status: "purged", updatedAt: now },
      }),
      prisma.outboxItem.updateMany({
        where: { messageId: { in: ids } },
        data: { recipient: "purged", body: {}, lastError: null },
      }),
      prisma.outboxItem.updateMany({
        where: { messageId: { in: ids }, status: { in: ["failed", "dead"] } },
        data: { status: "cancelled" },
      }),
    ]);
    messages += purged.count;
    outboxItems += outbox.count;
    if (ids.length < purgeBatchSize) break;
  }
  return { messages, outboxItems };
}
