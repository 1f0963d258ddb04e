import { z } from "zod";
import { enumValue, prepared, utc } from "../db/sqlValues.js";
import type { ConversationState } from "../engine/types.js";
import { Prisma } from "../generated/prisma/client.js";
import { conversationStateSchema } from "./conversationStateSchema.js";
import type { MessagingChannel } from "./InboundMessage.js";

export interface ActiveConversation {
  id: string;
  state: ConversationState;
  /** Past its `expiresAt`: the engine ends it and starts afresh. */
  expired: boolean;
}

const rowSchema = z.array(
  z.object({
    id: z.string(),
    expired: z.boolean(),
    flowId: z.string(),
    stepId: z.string(),
    variables: z.unknown(),
    stack: z.unknown(),
    attempts: z.coerce.number().int(),
  }),
);

/**
 * The active conversation (the most recently updated, should there be several) of the contact
 * behind an address. Keyed by the address, it can travel in the same round trip as the statement
 * that stores the inbound message and locks the contact (`storeInbound`'s `alongside`); run after
 * it, it reflects the contact's previous message.
 */
export function activeConversationQuery(channel: MessagingChannel, address: string, now: Date): Prisma.Sql {
  return prepared(Prisma.sql`
    SELECT v."id"::text AS "id", (v."expiresAt" <= ${utc(now)}) AS "expired", v."flowId", v."stepId", v."variables",
      v."stack", v."attempts"
    FROM "ContactAddress" AS a
    JOIN "Conversation" AS v ON v."contactId" = a."contactId" AND v."status" = 'active'
    WHERE a."channel" = ${enumValue("Channel", channel)} AND a."address" = ${address}
    ORDER BY v."updatedAt" DESC
    LIMIT 1`);
}

/**
 * The conversation `activeConversationQuery` found, if any. Its stored state is validated: a row that
 * no longer parses is a fault, not something to guess around.
 */
export function parseActiveConversation(rows: unknown[]): ActiveConversation | null {
  const [row] = rowSchema.parse(rows);
  if (!row) return null;
  return { id: row.id, expired: row.expired, state: conversationStateSchema.parse(row) };
}
