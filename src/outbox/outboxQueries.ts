import type { OutboxStatus, PrismaClient } from "../generated/prisma/client.js";

/** One outbox item as the admin sees it: never the recipient or the text. */
export interface OutboxItemSummary {
  id: string;
  messageId: string;
  channel: string;
  status: OutboxStatus;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  errorCode: string | null;
  route: string | null;
  createdAt: Date;
  nextAttemptAt: Date;
  sentAt: Date | null;
}

export interface ListOutboxInput {
  status?: OutboxStatus | undefined;
  /** 1 to 200. */
  limit: number;
  /** The `nextCursor` of the previous page (an item id: validate it as a UUID at the API boundary). */
  cursor?: string | undefined;
}

/**
 * Lists outbox items, newest first, optionally by status (e.g. `dead` and `failed` deliveries for
 * the admin), a page at a time.
 *
 * @example
 * const page = await listOutbox(prisma, { status: "dead", limit: 50 });
 * const next = page.nextCursor ? await listOutbox(prisma, { status: "dead", limit: 50, cursor: page.nextCursor }) : null;
 */
export async function listOutbox(
  prisma: Pick<PrismaClient, "outboxItem">,
  input: ListOutboxInput,
): Promise<{ items: OutboxItemSummary[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(Math.trunc(input.limit), 1), 200);
  const rows = await prisma.outboxItem.findMany({
    where: input.status ? { status: input.status } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
    select: {
      id: true,
      messageId: true,
      channel: true,
      status: true,
      attempts: true,
      maxAttempts: true,
      lastError: true,
      route: true,
      createdAt: true,
      nextAttemptAt: true,
      sentAt: true,
      message: { select: { errorCode: true } },
    },
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(({ message, ...row }) => ({ ...row, errorCode: message.errorCode })),
    nextCursor: rows.length > limit && last ? last.id : null,
  };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type RetryOutboxResult =
  | { status: "retried" }
  | { status: "not_found" }
  /** Only `failed` and `dead` items can be retried. */
  | { status: "not_retryable"; current: OutboxStatus };

/**
 * Puts a failed or dead item back in the queue with its attempts reset (an admin action after
 * fixing the cause); its message goes back to `queued`. Atomic: two admins clicking at once
 * retry it once.
 *
 * @example
 * const result = await retryOutboxItem(prisma, id);
 * if (result.status === "not_found") throw new AppError("not_found", "no such outbox item");
 */
export async function retryOutboxItem(
  prisma: PrismaClient,
  id: string,
  now: Date = new Date(),
): Promise<RetryOutboxResult> {
  if (!uuidPattern.test(id)) return { status: "not_found" };
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.outboxItem.updateMany({
      where: { id, status: { in: ["failed", "dead"] } },
      data: { status: "pending", attempts: 0, nextAttemptAt: now, lockedBy: null, lockedUntil: null },
    });
    if (count === 0) {
      const item = await tx.outboxItem.findUnique({ where: { id }, select: { status: true } });
      return item ? { status: "not_retryable", current: item.status } : { status: "not_found" };
    }
    const item = await tx.outboxItem.findUniqueOrThrow({ where: { id }, select: { messageId: true } });
    await tx.message.update({ where: { id: item.messageId }, data: { status: "queued", errorCode: null } });
    return { status: "retried" };
  });
}
