import { z } from "zod";
import type { MessagingChannel } from "../../conversations/InboundMessage.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import { renderForSimulator, type SimulatorRendering } from "./renderForSimulator.js";
import { simulatorPrefix } from "./SimulatorSender.js";

/** The prefix of the provider ids the simulator gives to the messages it receives. */
export const simulatorMessageIdPrefix = "sim-";

/** How many messages one read returns at most (the newest ones). */
export const conversationPageSize = 200;

/** One message of a simulated conversation, as the page draws it. */
export interface SimulatorConversationMessage {
  id: string;
  direction: "inbound" | "outbound";
  /** When it was stored (ISO 8601). */
  at: string;
  /** The text as typed (inbound, or "📍 lat, lng" for a location) or as sent (outbound). */
  text: string;
  /** How the channel shows an outbound message; null for inbound messages. */
  rendered: SimulatorRendering | null;
  /** Delivery status (`received`, `queued`, `sent`, `failed`...). */
  status: string;
}

export interface SimulatorConversation {
  messages: SimulatorConversationMessage[];
  contact: { language: string | null; optedOut: boolean } | null;
}

export type ConversationPrisma = Pick<PrismaClient, "contactAddress" | "message" | "$queryRaw">;

const idRows = z.array(z.object({ id: z.string() }));

const locationPayload = z.object({ kind: z.literal("location"), latitude: z.number(), longitude: z.number() });
const otherPayload = z.object({ kind: z.string() });

/**
 * Reads the conversation of one simulated address, oldest first: the messages it sent through the
 * simulator and the replies the outbox addressed to it (at most the newest 200, or those stored
 * after `after`). `enqueueOutbound` gives the replies of one transaction increasing times; should two
 * rows still share an instant, inbound comes first, then the insertion order (`ctid`).
 *
 * @example
 * await readSimulatorConversation(prisma, { channel: "sms", phone: "+243990000001" });
 * // { messages: [{ direction: "inbound", text: "bonjour", ... }, ...], contact: { language: "fr", optedOut: false } }
 */
export async function readSimulatorConversation(
  prisma: ConversationPrisma,
  query: { channel: MessagingChannel; phone: string; after?: string | undefined },
): Promise<SimulatorConversation> {
  const address = simulatorPrefix + query.phone;
  const found = await prisma.contactAddress.findUnique({
    where: { channel_address: { channel: query.channel, address } },
    select: { contact: { select: { id: true, language: true, optedOut: true } } },
  });
  if (!found) return { messages: [], contact: null };
  const { contact } = found;

  // Prisma cannot order by insertion (`ctid`), hence the ids in SQL and the rows below.
  // `createdAt` is a UTC `timestamp(3)`: an ISO string with its zone cast to `timestamp` compares right.
  const after = query.after ?? null;
  const ordered = idRows
    .parse(
      await prisma.$queryRaw`
      SELECT m.id::text AS id
      FROM "Message" m
      LEFT JOIN "OutboxItem" o ON o."messageId" = m.id
      WHERE m."contactId" = ${contact.id}::uuid
        AND m.channel = ${query.channel}::"Channel"
        AND (
          (m.direction = 'inbound' AND m."providerMessageId" LIKE ${`${simulatorMessageIdPrefix}%`})
          OR (m.direction = 'outbound' AND o.recipient = ${address} AND o.status <> 'cancelled')
        )
        AND (${after}::text IS NULL OR m."createdAt" > ${after}::timestamptz AT TIME ZONE 'UTC')
      ORDER BY m."createdAt" DESC, m.direction DESC, m.ctid DESC
      LIMIT ${conversationPageSize}`,
    )
    .reverse();
  if (ordered.length === 0) return { messages: [], contact: pickContact(contact) };

  const rows = await prisma.message.findMany({
    where: { id: { in: ordered.map((row) => row.id) } },
    select: {
      id: true,
      direction: true,
      createdAt: true,
      text: true,
      payload: true,
      status: true,
      outbox: { select: { body: true } },
    },
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  const messages: SimulatorConversationMessage[] = [];
  for (const { id } of ordered) {
    const row = byId.get(id);
    if (!row) continue;
    const rendered = row.direction === "outbound" ? renderForSimulator(query.channel, row.outbox?.body) : null;
    messages.push({
      id: row.id,
      direction: row.direction,
      at: row.createdAt.toISOString(),
      text: rendered?.text ?? row.text ?? describePayload(row.payload),
      rendered,
      status: row.status,
    });
  }
  return { messages, contact: pickContact(contact) };
}

function pickContact(contact: { language: string | null; optedOut: boolean }): SimulatorConversation["contact"] {
  return { language: contact.language, optedOut: contact.optedOut };
}

/** A short stand-in for a message without text: a location pin, media, a start, or a purged text. */
function describePayload(payload: unknown): string {
  const location = locationPayload.safeParse(payload);
  if (location.success) return `📍 ${location.data.latitude}, ${location.data.longitude}`;
  const other = otherPayload.safeParse(payload);
  if (other.success) return other.data.kind === "start" ? "/start" : `[${other.data.kind}]`;
  return "";
}
