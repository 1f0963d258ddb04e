import { z } from "zod";
import type { SqlRunner } from "../db/SqlRunner.js";
import { prepared, utc } from "../db/sqlValues.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import type { ClaimedOutboxItem } from "./claimOutboxItems.js";

/** What happens to a claimed item after one attempt. */
export type SendOutcome =
  | { kind: "sent"; providerMessageId: string }
  /** Try again at `nextAttemptAt` (the attempt failed for a reason that may pass). */
  | { kind: "retry"; error: string; nextAttemptAt: Date }
  /** Attempts exhausted: given up, visible to the admin, who may retry it. */
  | { kind: "dead"; error: string }
  /** Refused for good by the provider: never retried automatically. */
  | { kind: "failed"; error: string; code: string | undefined }
  /** Not attempted (rate limit, shutdown): back to pending at `nextAttemptAt`, attempt not counted. */
  | { kind: "deferred"; nextAttemptAt: Date };

/**
 * Writes the outcome of an attempt that did not send (sends go to `recordSent`, in batches) on the
 * outbox item and its message, in one transaction, only if this worker still holds the item (a
 * worker whose lock expired must not overwrite the worker that reclaimed it). Returns false when the
 * lock was lost. A message's status only moves forward: a delivery status that arrived first is kept.
 */
export async function recordSendOutcome(
  prisma: PrismaClient,
  item: ClaimedOutboxItem,
  workerId: string,
  outcome: Exclude<SendOutcome, { kind: "sent" }>,
): Promise<boolean> {
  const held: Prisma.OutboxItemWhereInput = { id: item.id, status: "sending", lockedBy: workerId };
  const release = { lockedUntil: null, lockedBy: null };
  if (outcome.kind === "deferred") {
    return (await deferOutboxItems(prisma, workerId, [{ item, nextAttemptAt: outcome.nextAttemptAt }])) > 0;
  }
  return prisma.$transaction(async (tx) => {
    switch (outcome.kind) {
      case "retry": {
        const { count } = await tx.outboxItem.updateMany({
          where: held,
          data: { ...release, status: "pending", nextAttemptAt: outcome.nextAttemptAt, lastError: outcome.error },
        });
        if (count === 0) return false;
        await tx.message.update({ where: { id: item.messageId }, data: { attempts: item.attempts } });
        return true;
      }
      case "dead":
      case "failed": {
        const { count } = await tx.outboxItem.updateMany({
          where: held,
          data: {
            ...release,
            status: outcome.kind,
            lastError: outcome.kind === "failed" && outcome.code ? `${outcome.code}: ${outcome.error}` : outcome.error,
          },
        });
        if (count === 0) return false;
        await tx.message.update({
          where: { id: item.messageId },
          data: {
            status: outcome.kind,
            attempts: item.attempts,
            ...(outcome.kind === "failed" && outcome.code ? { errorCode: outcome.code } : {}),
          },
        });
        return true;
      }
    }
  });
}

const recordedSchema = z.array(z.object({ id: z.string() }));

/** One sent item to record: the claim, and the provider's id for the message. */
export interface SentItem {
  item: ClaimedOutboxItem;
  providerMessageId: string;
}

/**
 * Records sends in one statement (the outbox's hot path: `createSentRecorder` gathers the sends
 * that finish together): each item becomes `sent` if this worker still holds it, and its message
 * gets the provider id and, unless a delivery status came first, the status `sent`. Returns the
 * ids of the items recorded; an item missing from it had lost its lock.
 */
export async function recordSent(
  sql: SqlRunner,
  workerId: string,
  sent: readonly SentItem[],
  now: Date,
): Promise<Set<string>> {
  if (sent.length === 0) return new Set();
  const at = utc(now);
  const rows = await sql(
    prepared(Prisma.sql`
    WITH input ("id", "providerMessageId", "attempts") AS (
      VALUES ${Prisma.join(
        sent.map((s) => Prisma.sql`(${s.item.id}::uuid, ${s.providerMessageId}, ${s.item.attempts}::int)`),
        ", ",
      )}
    ), item AS (
      UPDATE "OutboxItem" AS o
      SET "status" = 'sent', "sentAt" = ${at},
          "lockedUntil" = NULL, "lockedBy" = NULL, "lastError" = NULL
      FROM input
      WHERE o."id" = input."id" AND o."status" = 'sending' AND o."lockedBy" = ${workerId}
      RETURNING o."id", o."messageId"
    )
    UPDATE "Message" AS m
    SET "providerMessageId" = input."providerMessageId",
        "attempts" = input."attempts",
        "updatedAt" = ${at},
        "status" = CASE WHEN m."status" IN ('queued', 'sending') THEN 'sent'::"MessageStatus" ELSE m."status" END
    FROM item JOIN input ON input."id" = item."id"
    WHERE m."id" = item."messageId"
    RETURNING item."id"::text AS "id"`),
  );
  return new Set(recordedSchema.parse(rows).map((row) => row.id));
}

/**
 * Sends claimed items back to `pending` until their rate-limit slot (not an attempt: the count is
 * given back), in one statement, for the items this worker still holds. Returns how many it moved.
 */
export async function deferOutboxItems(
  prisma: Pick<PrismaClient, "$executeRaw">,
  workerId: string,
  items: readonly { item: ClaimedOutboxItem; nextAttemptAt: Date }[],
): Promise<number> {
  if (items.length === 0) return 0;
  const rows = items.map(({ item, nextAttemptAt }) => Prisma.sql`(${item.id}::uuid, ${utc(nextAttemptAt)})`);
  return prisma.$executeRaw`
    UPDATE "OutboxItem" AS o
    SET "status" = 'pending', "lockedUntil" = NULL, "lockedBy" = NULL, "attempts" = o."attempts" - 1,
        "nextAttemptAt" = d."at"
    FROM (VALUES ${Prisma.join(rows, ", ")}) AS d ("id", "at")
    WHERE o."id" = d."id" AND o."status" = 'sending' AND o."lockedBy" = ${workerId}`;
}
