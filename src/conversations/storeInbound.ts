import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { SqlBatch } from "../db/SqlRunner.js";
import { enumValue, jsonb, prepared, utc, uuid } from "../db/sqlValues.js";
import { Prisma } from "../generated/prisma/client.js";
import { pseudonymise } from "../meal/pseudonymise.js";
import type { InboundMessage } from "./InboundMessage.js";

/** The contact an inbound message came from, locked for the rest of the transaction. */
export interface InboundContact {
  id: string;
  pseudonym: string;
  language: string | null;
  optedOut: boolean;
  addressId: string;
  /** True when this message created the contact. */
  created: boolean;
  /** True when the contact is an active focal point (of a committee or a provider): commands apply. */
  focalPoint: boolean;
}

export interface StoredInbound {
  contact: InboundContact;
  messageId: string;
  /** The provider message id was stored already: a repeated delivery, to acknowledge and ignore. */
  duplicate: boolean;
  /** The rows of the `alongside` read (none when there was none). */
  alongside: unknown[];
}

const existingSchema = z.array(
  z.object({
    id: z.string(),
    pseudonym: z.string(),
    language: z.string().nullable(),
    optedOut: z.boolean(),
    addressId: z.string(),
    focalPoint: z.boolean(),
    stored: z.boolean(),
  }),
);

/** Storing one inbound message, as statements: for callers that send several messages' at once. */
export interface InboundStorePlan {
  messageId: string;
  /**
   * Finds the contact behind the address and locks it, records the inbound time on the address (the
   * WhatsApp 24-hour window) and on the contact (retention), and stores the message unless its
   * provider id is stored already. Returns no row when the address is new.
   */
  existing: Prisma.Sql;
  /** What `existing` returned: the contact, and whether the message is a duplicate; null for a new address. */
  found: (rows: unknown[]) => { contact: InboundContact; duplicate: boolean } | null;
  /** For a new address: the statement that creates the contact with it and stores the message. */
  create: () => { statement: Prisma.Sql; contact: InboundContact };
}

/**
 * The statements of `storeInbound`. A new contact created by two messages at once fails the second
 * with a unique violation on its address (the caller tries again: the contact then exists).
 */
export function planStoreInbound(input: {
  message: InboundMessage;
  now: Date;
  pseudonymSecret: string;
}): InboundStorePlan {
  const { message, now } = input;
  const messageId = randomUUID();
  const channel = enumValue("Channel", message.channel);
  const text = message.content.kind === "text" ? message.content.text : null;
  const payload = message.content.kind === "text" ? null : { ...message.content };
  const messageValues = (contactId: Prisma.Sql) =>
    Prisma.sql`${uuid(messageId)}, 'inbound'::"Direction", ${channel}, ${contactId}, ${message.providerMessageId}, ${text},
      ${jsonb(payload)}, 'received'::"MessageStatus", ${utc(message.receivedAt)}, ${utc(now)}`;
  const messageColumns = Prisma.sql`("id", "direction", "channel", "contactId", "providerMessageId", "text", "payload",
    "status", "createdAt", "updatedAt")`;

  // A repeated delivery is a value, not an error: several messages share a transaction on the fast
  // lane, and one duplicate must not fail the others.
  const existing = prepared(Prisma.sql`
    WITH address AS (
      UPDATE "ContactAddress" SET "lastInboundAt" = ${utc(now)}
      WHERE "channel" = ${channel} AND "address" = ${message.address}
      RETURNING "id", "contactId"
    ), contact AS (
      UPDATE "Contact" AS c SET "lastActiveAt" = ${utc(now)}
      FROM address WHERE c."id" = address."contactId"
      RETURNING c."id", c."pseudonym", c."language", c."optedOut", address."id" AS "addressId"
    ), stored AS (
      INSERT INTO "Message" ${messageColumns}
      SELECT ${messageValues(Prisma.sql`contact."id"`)} FROM contact
      ON CONFLICT ("channel", "direction", "providerMessageId") DO NOTHING
      RETURNING 1
    )
    SELECT contact."id"::text AS "id", contact."pseudonym", contact."language", contact."optedOut",
      contact."addressId"::text AS "addressId",
      EXISTS (SELECT 1 FROM "FocalPoint" AS f WHERE f."contactId" = contact."id" AND f."active") AS "focalPoint",
      EXISTS (SELECT 1 FROM stored) AS "stored"
    FROM contact`);

  return {
    messageId,
    existing,
    found: (rows) => {
      const [row] = existingSchema.parse(rows);
      if (!row) return null;
      const { stored, ...contact } = row;
      return { contact: { ...contact, created: false }, duplicate: !stored };
    },
    create: () => {
      const contactId = randomUUID();
      const addressId = randomUUID();
      const pseudonym = pseudonymise(input.pseudonymSecret, message.channel, message.address);
      const statement = prepared(Prisma.sql`
        WITH contact AS (
          INSERT INTO "Contact" ("id", "pseudonym", "optedOut", "createdAt", "lastActiveAt")
          VALUES (${uuid(contactId)}, ${pseudonym}, false, ${utc(now)}, ${utc(now)})
        ), address AS (
          INSERT INTO "ContactAddress" ("id", "contactId", "channel", "address", "createdAt", "lastInboundAt")
          VALUES (${uuid(addressId)}, ${uuid(contactId)}, ${channel}, ${message.address}, ${utc(now)}, ${utc(now)})
        )
        INSERT INTO "Message" ${messageColumns} VALUES (${messageValues(uuid(contactId))})`);
      const contact = {
        id: contactId,
        pseudonym,
        language: null,
        optedOut: false,
        addressId,
        created: true,
        focalPoint: false,
      };
      return { statement, contact };
    },
  };
}

/**
 * The first step of handling an inbound message, in as few statements as possible (this runs for
 * every message): finds the contact behind the address — or creates it with that address — records
 * the inbound time on the address and on the contact, and stores the message (`planStoreInbound`).
 * Updating the contact row locks it until the transaction ends, so one contact's messages are
 * handled one at a time across connections and instances. A repeated provider message id is
 * reported as `duplicate` and stored once.
 *
 * `alongside` is a read that runs right after the message is stored, in the same round trip where
 * the batch allows: it sees the contact as the previous message left it (`activeConversationQuery`).
 *
 * @example
 * const { contact, messageId, alongside } = await storeInbound(sequentialBatch(prismaSql(tx)), {
 *   message, now, pseudonymSecret, alongside: activeConversationQuery(message.channel, message.address, now),
 * });
 */
export async function storeInbound(
  run: SqlBatch,
  input: { message: InboundMessage; now: Date; pseudonymSecret: string; alongside?: Prisma.Sql },
): Promise<StoredInbound> {
  const plan = planStoreInbound(input);
  const [rows = [], alongside = []] = await run(input.alongside ? [plan.existing, input.alongside] : [plan.existing]);
  const found = plan.found(rows);
  if (found) return { ...found, messageId: plan.messageId, alongside };
  const { statement, contact } = plan.create();
  await run([statement]);
  return { contact, messageId: plan.messageId, duplicate: false, alongside: [] };
}
