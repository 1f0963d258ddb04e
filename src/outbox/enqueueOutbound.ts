import { randomUUID } from "node:crypto";
import { z } from "zod";
import { simulatorPrefix } from "../channels/simulator/SimulatorSender.js";
import type { MessagingChannel } from "../conversations/InboundMessage.js";
import { prismaSql, type SqlRunner } from "../db/SqlRunner.js";
import { enumValue, jsonb, utc, uuid, withStatements } from "../db/sqlValues.js";
import { renderForSms } from "../engine/render.js";
import { smsSegments } from "../engine/smsSegments.js";
import { Prisma } from "../generated/prisma/client.js";
import { chooseWhatsAppRoute, insideWhatsAppWindow } from "./chooseWhatsAppRoute.js";
import type { OutboundBody } from "./OutboundBody.js";
import { type SenderKeyConfig, senderKey } from "./senderKey.js";

/** What enqueueing needs from `Config` (a whole `Config` fits). */
export interface EnqueueConfig {
  twilio:
    | (NonNullable<SenderKeyConfig["twilio"]> & {
        whatsappTemplateSid: string | undefined;
      })
    | null;
}

export interface EnqueueOutboundInput {
  /** Null for messages to no known contact (none today; kept for anonymous flows). */
  contactId: string | null;
  conversationId?: string | null;
  channel: MessagingChannel;
  /** E.164 phone (sms, whatsapp), chat id (telegram) or `sim:...` (simulator). */
  recipient: string;
  body: OutboundBody;
  now: Date;
  config: EnqueueConfig;
  /** Attempts before the item is declared dead (default: the schema's 8). */
  maxAttempts?: number;
  /**
   * When the recipient's address last wrote, if the caller knows (a reply to the message being
   * handled): spares the look-up of the WhatsApp window.
   */
  recipientLastInboundAt?: Date;
}

/** How an enqueued message will go out: `route` is null except on WhatsApp. */
export interface EnqueuedOutbound {
  messageId: string;
  outboxId: string;
  channel: MessagingChannel;
  recipient: string;
  route: "freeform" | "template" | "sms_fallback" | null;
}

/** The client or transaction `enqueueOutbound` writes through. */
export type EnqueueClient = Pick<Prisma.TransactionClient, "$queryRaw">;

/** One planned outbound message: the `Message` row and its `OutboxItem`, ready to insert. */
export interface OutboundRow extends EnqueuedOutbound {
  contactId: string | null;
  conversationId: string | null;
  text: string;
  payload: Prisma.InputJsonObject | null;
  body: Prisma.InputJsonObject;
  sender: string;
  segments: number | null;
  encoding: string | null;
  /** Creation time: strictly increasing within the process (it orders one recipient's messages). */
  at: Date;
  /** When the item may first be sent: `now`, never the creation time, which can run ahead in a burst. */
  due: Date;
  maxAttempts: number | undefined;
}

// Replies of one transaction share `now`: a strictly increasing creation time keeps their order,
// which the worker relies on to send one recipient's messages in sequence.
let lastEnqueuedAt = 0;

/**
 * Writes one outbound message and its outbox item in the caller's transaction, so the reply exists
 * if and only if the state change that caused it is committed. On WhatsApp it applies the 24-hour
 * window (`chooseWhatsAppRoute`): free-form, template, or SMS fallback, recorded in `route`. SMS get
 * their encoding and segment count recorded.
 *
 * @example
 * await prisma.$transaction(async (tx) => {
 *   // ... state change ...
 *   await enqueueOutbound(tx, { contactId, conversationId, channel: "sms", recipient: "+243990000001",
 *     body: { text: "Merci" }, now, config });
 * });
 */
export async function enqueueOutbound(tx: EnqueueClient, input: EnqueueOutboundInput): Promise<EnqueuedOutbound> {
  const sql = prismaSql(tx);
  const row = await planOutbound(sql, input);
  await sql(withStatements(outboundInserts([row]), Prisma.sql`SELECT 1`));
  return {
    messageId: row.messageId,
    outboxId: row.outboxId,
    channel: row.channel,
    recipient: row.recipient,
    route: row.route,
  };
}

/**
 * Plans one outbound message without writing it: the route (WhatsApp window), the rendering, the
 * segments, ids and a creation time later than any planned before, so that several replies keep their
 * order. `outboundInserts` turns planned rows into SQL; the inbound path writes them together with the
 * rest of a message's effects in one statement.
 */
export async function planOutbound(sql: SqlRunner, input: EnqueueOutboundInput): Promise<OutboundRow> {
  const plan = await planDelivery(sql, input);
  const rendered = renderForSms(plan.body);
  const sms = plan.channel === "sms" ? smsSegments(rendered) : null;
  const at = new Date(Math.max(input.now.getTime(), lastEnqueuedAt + 1));
  lastEnqueuedAt = at.getTime();
  return {
    messageId: randomUUID(),
    outboxId: randomUUID(),
    channel: plan.channel,
    recipient: plan.recipient,
    route: plan.route,
    contactId: input.contactId,
    conversationId: input.conversationId ?? null,
    text: plan.body.text,
    payload: payloadOf(plan.body, plan.route),
    body: bodyJson(plan.body),
    sender: senderKey(plan.channel, plan.recipient, input.config),
    segments: sms?.segments ?? null,
    encoding: sms?.encoding ?? null,
    at,
    due: input.now,
    maxAttempts: input.maxAttempts,
  };
}

/** The two `INSERT`s (messages, then their outbox items) of planned rows, as CTE bodies of one statement. */
export function outboundInserts(rows: readonly OutboundRow[]): Prisma.Sql[] {
  if (rows.length === 0) return [];
  const messages = rows.map(
    (r) => Prisma.sql`(${uuid(r.messageId)}, 'outbound', ${enumValue("Channel", r.channel)}, ${uuid(r.contactId)},
      ${uuid(r.conversationId)}, ${r.text}, ${jsonb(r.payload)}, 'queued', ${r.segments}::int, ${r.encoding}, ${utc(r.at)}, ${utc(r.at)})`,
  );
  const items = rows.map(
    (r) => Prisma.sql`(${uuid(r.outboxId)}, ${uuid(r.messageId)}, ${enumValue("Channel", r.channel)}, ${r.recipient},
      ${r.sender}, ${jsonb(r.body)}, ${r.route}, ${r.maxAttempts === undefined ? Prisma.sql`DEFAULT` : Prisma.sql`${r.maxAttempts}::int`},
      ${utc(r.due)}, ${utc(r.at)})`,
  );
  return [
    Prisma.sql`INSERT INTO "Message" ("id", "direction", "channel", "contactId", "conversationId", "text", "payload",
      "status", "segments", "encoding", "createdAt", "updatedAt") VALUES ${Prisma.join(messages, ", ")}`,
    Prisma.sql`INSERT INTO "OutboxItem" ("id", "messageId", "channel", "recipient", "sender", "body", "route",
      "maxAttempts", "nextAttemptAt", "createdAt") VALUES ${Prisma.join(items, ", ")}`,
  ];
}

interface DeliveryPlan {
  channel: MessagingChannel;
  recipient: string;
  body: OutboundBody;
  route: EnqueuedOutbound["route"];
}

async function planDelivery(sql: SqlRunner, input: EnqueueOutboundInput): Promise<DeliveryPlan> {
  const direct = { channel: input.channel, recipient: input.recipient, body: input.body };
  if (input.channel !== "whatsapp") return { ...direct, route: null };
  if (input.recipient.startsWith(simulatorPrefix)) return { ...direct, route: "freeform" };
  const lastInboundAt = input.recipientLastInboundAt ?? (await whatsAppLastInbound(sql, input.recipient));
  // The contact's phone number matters only outside the window: look it up only then.
  const smsAddress =
    !insideWhatsAppWindow({ lastInboundAt, now: input.now }) && input.contactId && input.config.twilio?.smsFrom
      ? await firstSmsAddress(sql, input.contactId)
      : null;
  const route = chooseWhatsAppRoute({
    lastInboundAt,
    now: input.now,
    templateSid: input.config.twilio?.whatsappTemplateSid,
    smsAddress,
  });
  switch (route.route) {
    case "freeform":
      return { ...direct, route: "freeform" };
    case "template":
      return {
        ...direct,
        // Template variables may not hold line breaks: the numbered choices go on one line.
        body: {
          ...input.body,
          template: { contentSid: route.contentSid, variables: { "1": oneLine(renderForSms(input.body)) } },
        },
        route: "template",
      };
    case "sms_fallback":
      return { channel: "sms", recipient: route.smsAddress, body: input.body, route: "sms_fallback" };
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " | ").replace(/ {4,}/g, "   ");
}

function bodyJson(body: OutboundBody): Prisma.InputJsonObject {
  return {
    text: body.text,
    ...(body.choices ? { choices: body.choices.map((c) => ({ value: c.value, label: c.label })) } : {}),
    ...(body.template
      ? { template: { contentSid: body.template.contentSid, variables: { ...body.template.variables } } }
      : {}),
  };
}

function payloadOf(body: OutboundBody, route: EnqueuedOutbound["route"]): Prisma.InputJsonObject | null {
  if (!body.choices && !body.template && route === null) return null;
  return {
    ...(body.choices ? { choices: body.choices.map((c) => ({ value: c.value, label: c.label })) } : {}),
    ...(body.template ? { template: body.template.contentSid } : {}),
    ...(route ? { route } : {}),
  };
}

const lastInboundSchema = z.array(z.object({ ms: z.number().nullable() }));

/** When a WhatsApp address last wrote (null: never, or no such address). */
async function whatsAppLastInbound(sql: SqlRunner, address: string): Promise<Date | null> {
  const rows = await sql(Prisma.sql`
    SELECT (EXTRACT(EPOCH FROM "lastInboundAt") * 1000)::float8 AS "ms" FROM "ContactAddress"
    WHERE "channel" = 'whatsapp' AND "address" = ${address}`);
  const ms = lastInboundSchema.parse(rows)[0]?.ms;
  return ms === undefined || ms === null ? null : new Date(ms);
}

const addressSchema = z.array(z.object({ address: z.string() }));

/** The contact's first SMS number, for the fallback outside the WhatsApp window. */
async function firstSmsAddress(sql: SqlRunner, contactId: string): Promise<string | null> {
  const rows = await sql(Prisma.sql`
    SELECT "address" FROM "ContactAddress" WHERE "contactId" = ${uuid(contactId)} AND "channel" = 'sms'
    ORDER BY "createdAt" ASC LIMIT 1`);
  return addressSchema.parse(rows)[0]?.address ?? null;
}
