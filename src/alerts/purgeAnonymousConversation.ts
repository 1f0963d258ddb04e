import type { Tx } from "../db/Tx.js";

/**
 * Removes what ties an anonymous reporter to the alert it just made, inside the transaction that
 * creates the alert: the texts and payloads of every message of the conversation (and of the
 * message being handled, not yet linked to it), their link to the contact and to the conversation,
 * the conversation's collected answers, and the subject of MEAL events recorded during it. What the
 * inbound path writes after the action (the conversation's end, its last event) holds no content;
 * `scrubAnonymousTraces` clears the rest within a minute.
 */
export async function purgeAnonymousConversation(
  tx: Tx,
  who: { contactId: string; pseudonym: string },
  now: Date,
): Promise<void> {
  const conversation = await tx.conversation.findFirst({
    where: { contactId: who.contactId, status: "active" },
    orderBy: { updatedAt: "desc" },
    select: { id: true, startedAt: true },
  });
  // An alert conversation lasts at most its flow's expiry (2 h): a day back is a safe floor without one.
  const since = conversation?.startedAt ?? new Date(now.getTime() - 86_400_000);
  if (conversation) {
    await tx.$executeRaw`
      UPDATE "Message" SET text = NULL, payload = NULL, "contactId" = NULL, "conversationId" = NULL
      WHERE "conversationId" = ${conversation.id}::uuid`;
    await tx.conversation.update({ where: { id: conversation.id }, data: { variables: {} } });
  }
  // The message being handled is stored before the engine runs and linked to the conversation after.
  await tx.$executeRaw`
    UPDATE "Message" SET text = NULL, payload = NULL, "contactId" = NULL
    WHERE "contactId" = ${who.contactId}::uuid AND direction = 'inbound' AND "conversationId" IS NULL
      AND "createdAt" >= ${since.toISOString()}::timestamptz AT TIME ZONE 'UTC'`;
  await tx.$executeRaw`
    UPDATE "MealEvent" SET subject = NULL
    WHERE subject = ${who.pseudonym}
      AND at >= ${since.toISOString()}::timestamptz AT TIME ZONE 'UTC'`;
}
