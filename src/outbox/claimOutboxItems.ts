import { z } from "zod";
import type { SqlRunner } from "../db/SqlRunner.js";
import { utc } from "../db/sqlValues.js";
import { Prisma } from "../generated/prisma/client.js";

/** One outbox row claimed by a worker: status `sending`, locked by it until `lockedUntil`. */
export interface ClaimedOutboxItem {
  id: string;
  messageId: string;
  channel: string;
  recipient: string;
  sender: string;
  /** Unparsed JSON: the worker parses it, and fails the item if it is not an `OutboundBody`. */
  body: unknown;
  /** Including this attempt. */
  attempts: number;
  maxAttempts: number;
  /**
   * Set when the provider already accepted the message (a status callback reported it) but the
   * worker that sent it died before recording it: the item is then recorded as sent, not sent again.
   */
  providerMessageId: string | null;
}

const claimedSchema = z.array(
  z.object({
    id: z.string(),
    messageId: z.string(),
    channel: z.string(),
    recipient: z.string(),
    sender: z.string(),
    body: z.unknown(),
    attempts: z.coerce.number().int(),
    maxAttempts: z.coerce.number().int(),
    providerMessageId: z.string().nullable(),
  }),
);

export interface ClaimOptions {
  workerId: string;
  limit: number;
  now: Date;
  lockMs: number;
}

/**
 * Claims up to `limit` due items in one statement: pending items whose time has come, and `sending`
 * items whose lock has expired (their worker crashed). `FOR UPDATE SKIP LOCKED` lets several
 * workers claim side by side without ever taking the same row; each claim counts as an attempt.
 * An item waits while an older item to the same recipient on the same channel is still pending or
 * sending, so one person's messages arrive in the order they were written.
 *
 * @example
 * const items = await claimOutboxItems(prismaSql(prisma), { workerId: "web-1", limit: 20, now: new Date(), lockMs: 120_000 });
 */
export async function claimOutboxItems(sql: SqlRunner, options: ClaimOptions): Promise<ClaimedOutboxItem[]> {
  // First among the oldest due items only, then, if none of those could be taken (all waiting
  // behind earlier messages to the same people, or taken by another worker), among all of them.
  const claimed = await claim(sql, options, options.limit * windowFactor);
  return claimed.length > 0 ? claimed : claim(sql, options, null);
}

/** How many of the oldest due items a claim looks at first, per item it may take. */
const windowFactor = 4;

/**
 * A backlog makes the full claim slow: the order check compares every due item with every pending
 * one (3,000 pending items: 18 ms a claim on PGlite), which slows the worker down as the backlog grows,
 * which grows the backlog. Looking at a window of the oldest due items first keeps a claim's cost
 * independent of the backlog.
 */
async function claim(sql: SqlRunner, options: ClaimOptions, window: number | null): Promise<ClaimedOutboxItem[]> {
  const now = utc(options.now);
  const lockedUntil = utc(new Date(options.now.getTime() + options.lockMs));
  const isDue = Prisma.sql`((c."status" = 'pending' AND c."nextAttemptAt" <= ${now})
    OR (c."status" = 'sending' AND c."lockedUntil" < ${now}))`;
  const source =
    window === null
      ? Prisma.sql`"OutboxItem" AS c`
      : Prisma.sql`(SELECT c."id" FROM "OutboxItem" AS c WHERE ${isDue}
          ORDER BY c."nextAttemptAt", c."createdAt" LIMIT ${window}) AS w
        JOIN "OutboxItem" AS c ON c."id" = w."id"`;
  // Not prepared: the generic plan PostgreSQL would settle on is ten times slower.
  const rows = await sql(Prisma.sql`
    WITH due AS (
      SELECT c."id"
      FROM ${source}
      WHERE ${isDue}
        AND NOT EXISTS (
          SELECT 1 FROM "OutboxItem" AS e
          WHERE e."channel" = c."channel" AND e."recipient" = c."recipient"
            AND e."status" IN ('pending', 'sending') AND e."createdAt" < c."createdAt")
      ORDER BY c."nextAttemptAt", c."createdAt"
      LIMIT ${options.limit}
      FOR UPDATE OF c SKIP LOCKED
    )
    UPDATE "OutboxItem" AS o
    SET "status" = 'sending',
        "lockedUntil" = ${lockedUntil},
        "lockedBy" = ${options.workerId},
        "attempts" = o."attempts" + 1
    FROM due, "Message" AS m
    WHERE o."id" = due."id" AND m."id" = o."messageId"
    RETURNING o."id"::text AS "id", o."messageId"::text AS "messageId", o."channel"::text AS "channel",
      o."recipient", o."sender", o."body", o."attempts", o."maxAttempts", m."providerMessageId"`);
  return claimedSchema.parse(rows);
}
