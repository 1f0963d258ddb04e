import { randomUUID } from "node:crypto";
import type { Config } from "../config/loadConfig.js";
import type { SqlRunner } from "../db/SqlRunner.js";
import { jsonb, prepared, utc, utcOrNull, uuid, withStatements } from "../db/sqlValues.js";
import type { Engine } from "../engine/createEngine.js";
import type { EngineResult } from "../engine/types.js";
import { Prisma } from "../generated/prisma/client.js";
import { mealEventsInsert } from "../meal/mealEventsInsert.js";
import type { MealEventInput } from "../meal/recordMealEvents.js";
import { type OutboundRow, outboundInserts, planOutbound } from "../outbox/enqueueOutbound.js";
import type { Sender } from "./createInboundHandler.js";

export interface PersistInput {
  sender: Sender;
  /** The conversation the engine continued, if any. */
  activeId: string | null;
  result: EngineResult;
  now: Date;
  /** The inbound message being handled: linked to the conversation. */
  inboundMessageId?: string;
  /** An active conversation found past its expiry: marked expired. */
  expiredId?: string;
  /** MEAL events to write besides the engine's (e.g. `contact.created`). */
  events?: MealEventInput[];
  /** When the sender's address last wrote (now, for a reply to its message): spares a WhatsApp look-up. */
  senderLastInboundAt?: Date;
}

/**
 * Persists what the engine decided in one SQL statement: the contact's language or opt-out when
 * they changed, the conversation row (continued, started, ended; an expired one closed), the
 * replies and their outbox items, MEAL events, and the inbound message's link to its conversation.
 * Shared by inbound messages and conversations the service starts (follow-ups). Returns the id of
 * the conversation the replies belong to. `sql` runs the look-ups; `last` runs that one statement
 * (on a bare `pg` transaction, `commitWith`: the statement and the COMMIT in one round trip).
 */
export async function persistResult(
  sql: SqlRunner,
  deps: { engine: Engine; config: Config },
  input: PersistInput,
  last: SqlRunner = sql,
): Promise<string | null> {
  const { sender, result, now } = input;
  const statements: Prisma.Sql[] = [];
  const contactChanges: Prisma.Sql[] = [];
  if (result.contact?.language !== undefined) contactChanges.push(Prisma.sql`"language" = ${result.contact.language}`);
  if (result.contact?.optedOut !== undefined) {
    const { optedOut } = result.contact;
    contactChanges.push(Prisma.sql`"optedOut" = ${optedOut}, "optedOutAt" = ${utcOrNull(optedOut ? now : null)}`);
  }
  if (contactChanges.length > 0) {
    statements.push(
      Prisma.sql`UPDATE "Contact" SET ${Prisma.join(contactChanges, ", ")} WHERE "id" = ${uuid(sender.contactId)}`,
    );
  }
  if (input.expiredId) {
    statements.push(Prisma.sql`UPDATE "Conversation" SET "status" = 'expired', "endedAt" = ${utc(now)},
      "updatedAt" = ${utc(now)} WHERE "id" = ${uuid(input.expiredId)}`);
  }
  let conversationId = input.activeId;
  if (result.state) {
    const settings = deps.engine.flowSettings(result.state.flowId);
    const expiresAt = result.expiresAt ?? new Date(now.getTime() + settings.expiresAfterHours * 3_600_000);
    const stack = result.state.stack.map((frame) => ({ flowId: frame.flowId, stepId: frame.stepId }));
    if (conversationId) {
      statements.push(Prisma.sql`UPDATE "Conversation" SET "flowId" = ${result.state.flowId},
        "stepId" = ${result.state.stepId}, "variables" = ${jsonb(result.state.variables)}, "stack" = ${jsonb(stack)},
        "attempts" = ${result.state.attempts}::int, "expiresAt" = ${utc(expiresAt)}, "anonymous" = ${settings.anonymous},
        "updatedAt" = ${utc(now)}
        WHERE "id" = ${uuid(conversationId)}`);
    } else {
      conversationId = randomUUID();
      statements.push(Prisma.sql`INSERT INTO "Conversation" ("id", "contactId", "channel", "flowId", "stepId",
        "variables", "stack", "attempts", "anonymous", "startedAt", "updatedAt", "expiresAt")
        VALUES (${uuid(conversationId)}, ${uuid(sender.contactId)}, CAST(${sender.channel}::text AS "Channel"),
          ${result.state.flowId}, ${result.state.stepId}, ${jsonb(result.state.variables)}, ${jsonb(stack)},
          ${result.state.attempts}::int, ${settings.anonymous}, ${utc(now)}, ${utc(now)}, ${utc(expiresAt)})`);
    }
  } else if (conversationId) {
    statements.push(Prisma.sql`UPDATE "Conversation" SET "status" = 'ended', "endedAt" = ${utc(now)},
      "updatedAt" = ${utc(now)} WHERE "id" = ${uuid(conversationId)}`);
  }

  const replies: OutboundRow[] = [];
  for (const reply of result.replies) {
    replies.push(
      await planOutbound(sql, {
        contactId: sender.contactId,
        conversationId,
        channel: sender.channel,
        recipient: sender.address,
        body: reply,
        now,
        config: deps.config,
        ...(input.senderLastInboundAt ? { recipientLastInboundAt: input.senderLastInboundAt } : {}),
      }),
    );
  }
  statements.push(...outboundInserts(replies));

  const events = mealEventsInsert([
    ...(input.events ?? []),
    ...result.events.map((event) => ({
      type: event.type,
      at: now,
      // Events of anonymous flows (anonymous alerts) are never linked to the contact.
      subject:
        event.flowId && deps.engine.hasFlow(event.flowId) && deps.engine.flowSettings(event.flowId).anonymous
          ? null
          : sender.pseudonym,
      channel: sender.channel,
      flowId: event.flowId,
      data: event.data,
    })),
  ]);
  if (events) statements.push(events);

  if (input.inboundMessageId && conversationId) {
    statements.push(Prisma.sql`UPDATE "Message" SET "conversationId" = ${uuid(conversationId)}, "updatedAt" = ${utc(now)}
      WHERE "id" = ${uuid(input.inboundMessageId)}`);
  }
  if (statements.length > 0) await last(prepared(withStatements(statements, Prisma.sql`SELECT 1`)));
  return conversationId;
}
