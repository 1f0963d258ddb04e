import { z } from "zod";
import type { SqlRunner } from "../db/SqlRunner.js";
import { prepared, utc, uuid } from "../db/sqlValues.js";
import type { ConversationState } from "../engine/types.js";
import { Prisma } from "../generated/prisma/client.js";
import { conversationStateSchema } from "./conversationStateSchema.js";

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
 * The contact's active conversation (the most recently updated, should there be several), read after
 * the contact row was locked so that it reflects the contact's previous message. Its stored state is
 * validated: a row that no longer parses is a fault, not something to guess around.
 */
export async function findActiveConversation(
  sql: SqlRunner,
  contactId: string,
  now: Date,
): Promise<ActiveConversation | null> {
  const rows = await sql(
    prepared(Prisma.sql`
    SELECT "id"::text AS "id", ("expiresAt" <= ${utc(now)}) AS "expired", "flowId", "stepId", "variables", "stack", "attempts"
    FROM "Conversation"
    WHERE "contactId" = ${uuid(contactId)} AND "status" = 'active'
    ORDER BY "updatedAt" DESC
    LIMIT 1`),
  );
  const [row] = rowSchema.parse(rows);
  if (!row) return null;
  return { id: row.id, expired: row.expired, state: conversationStateSchema.parse(row) };
}
