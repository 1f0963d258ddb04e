import type { PrismaClient } from "../generated/prisma/client.js";

/**
 * Records the provider's id of an outbound message reported by a status callback that names its
 * outbox item, if the sending worker has not recorded it (it died after the provider accepted the
 * message). When the item's lock expires, the worker that takes it back finds the provider id and
 * marks it sent instead of sending it a second time (`claimOutboxItems` returns it). Returns whether
 * a message was linked.
 */
export async function linkProviderMessage(
  prisma: Pick<PrismaClient, "$executeRaw">,
  report: { outboxId: string; providerMessageId: string },
): Promise<boolean> {
  const linked = await prisma.$executeRaw`
    UPDATE "Message" AS m SET "providerMessageId" = ${report.providerMessageId}
    FROM "OutboxItem" AS o
    WHERE o."id" = ${report.outboxId}::uuid AND m."id" = o."messageId" AND m."providerMessageId" IS NULL
      AND m."direction" = 'outbound'
      AND NOT EXISTS (SELECT 1 FROM "Message" AS other
        WHERE other."channel" = m."channel" AND other."direction" = 'outbound'
          AND other."providerMessageId" = ${report.providerMessageId})`;
  return linked > 0;
}
