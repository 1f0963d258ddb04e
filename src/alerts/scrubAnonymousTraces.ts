import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import { ALERT_FLOW_ID } from "./alertCodes.js";

/** How far back each pass looks (passes run every minute; a week covers any realistic outage). */
const windowMs = 7 * 86_400_000;

export interface ScrubCounts {
  mealEvents: number;
  messages: number;
  conversations: number;
  outboxItems: number;
}

/**
 * Clears, once they are no longer needed, the traces an alert conversation leaves after the
 * transaction that created the alert (the inbound path writes the conversation's end after the
 * action ran):
 * - the subject of MEAL events recorded by the alert flow (no alert event is tied to a contact);
 * - the texts of the messages of ended or expired alert conversations, their link to the contact,
 *   and then the conversations themselves (an alert conversation's answers live on in the alert);
 * - the address and text of sent (or abandoned) outbox items whose message has no contact, i.e.
 *   the messages of anonymous alerts: the outbox keeps them only until they are sent.
 *
 * @example
 * await scrubAnonymousTraces(prisma, new Date()); // { mealEvents: 3, messages: 14, conversations: 1, outboxItems: 8 }
 */
export async function scrubAnonymousTraces(prisma: PrismaClient, now: Date): Promise<ScrubCounts> {
  const since = new Date(now.getTime() - windowMs).toISOString();
  const at = now.toISOString();
  return prisma.$transaction(async (tx) => {
    const mealEvents = await tx.$executeRaw`
      UPDATE "MealEvent" SET subject = NULL
      WHERE "flowId" = ${ALERT_FLOW_ID} AND subject IS NOT NULL
        AND at >= (${since}::timestamptz AT TIME ZONE 'UTC')`;
    const finished = await tx.conversation.findMany({
      where: {
        flowId: ALERT_FLOW_ID,
        OR: [{ status: { not: "active" } }, { expiresAt: { lt: now } }],
      },
      select: { id: true },
      take: 1000,
    });
    const ids = finished.map((c) => c.id);
    const messages =
      ids.length === 0
        ? 0
        : await tx.message
            .updateMany({
              where: { conversationId: { in: ids } },
              data: { text: null, payload: Prisma.DbNull, contactId: null, conversationId: null },
            })
            .then((r) => r.count);
    const conversations =
      ids.length === 0 ? 0 : (await tx.conversation.deleteMany({ where: { id: { in: ids } } })).count;
    const outboxItems = await tx.$executeRaw`
      UPDATE "OutboxItem" AS o SET recipient = '', body = '{}'::jsonb
      FROM "Message" AS m
      WHERE o."messageId" = m.id AND m."contactId" IS NULL AND m.direction = 'outbound'
        AND o.status IN ('sent', 'failed', 'dead', 'cancelled') AND o.recipient <> ''
        AND o."createdAt" >= (${since}::timestamptz AT TIME ZONE 'UTC')
        AND o."createdAt" <= (${at}::timestamptz AT TIME ZONE 'UTC')`;
    return { mealEvents, messages, conversations, outboxItems };
  });
}
