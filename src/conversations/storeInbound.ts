import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { SqlRunner } from "../db/SqlRunner.js";
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
}

const existingSchema = z.array(
  z.object({
    id: z.string(),
    pseudonym: z.string(),
    language: z.string().nullable(),
    optedOut: z.boolean(),
    addressId: z.string(),
    focalPoint: z.boolean(),
  }),
);

/**
 * The first step of handling an inbound message, in as few statements as possible (this runs for
 * every message): finds the contact behind the address — or creates it with that address — records
 * the inbound time on the address (the WhatsApp 24-hour window) and on the contact (retention), and
 * stores the message. Updating the contact row locks it until the transaction ends, so one contact's
 * messages are handled one at a time across connections and instances. A repeated provider message
 * id fails with a unique violation (the caller answers "duplicate").
 *
 * @example
 * const { contact, messageId } = await storeInbound(prismaSql(tx), { message, now, pseudonymSecret });
 */
export async function storeInbound(
  sql: SqlRunner,
  input: { message: InboundMessage; now: Date; pseudonymSecret: string },
): Promise<StoredInbound> {
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

  const rows = await sql(
    prepared(Prisma.sql`
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
    )
    SELECT contact."id"::text AS "id", contact."pseudonym", contact."language", contact."optedOut",
      contact."addressId"::text AS "addressId",
      EXISTS (SELECT 1 FROM "FocalPoint" AS f WHERE f."contactId" = contact."id" AND f."active") AS "focalPoint"
    FROM contact`),
  );
  const [existing] = existingSchema.parse(rows);
  if (existing) return { contact: { ...existing, created: false }, messageId };

  // A new contact. If another message from the same address creates it first, the unique index
  // on (channel, address) fails this transaction and the caller tries again.
  const contactId = randomUUID();
  const addressId = randomUUID();
  const pseudonym = pseudonymise(input.pseudonymSecret, message.channel, message.address);
  await sql(
    prepared(Prisma.sql`
    WITH contact AS (
      INSERT INTO "Contact" ("id", "pseudonym", "optedOut", "createdAt", "lastActiveAt")
      VALUES (${uuid(contactId)}, ${pseudonym}, false, ${utc(now)}, ${utc(now)})
    ), address AS (
      INSERT INTO "ContactAddress" ("id", "contactId", "channel", "address", "createdAt", "lastInboundAt")
      VALUES (${uuid(addressId)}, ${uuid(contactId)}, ${channel}, ${message.address}, ${utc(now)}, ${utc(now)})
    )
    INSERT INTO "Message" ${messageColumns} VALUES (${messageValues(uuid(contactId))})`),
  );
  return {
    contact: { id: contactId, pseudonym, language: null, optedOut: false, addressId, created: true, focalPoint: false },
    messageId,
  };
}
