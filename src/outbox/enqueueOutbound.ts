import { simulatorPrefix } from "../channels/simulator/SimulatorSender.js";
import type { MessagingChannel } from "../conversations/InboundMessage.js";
import { renderForSms } from "../engine/render.js";
import { smsSegments } from "../engine/smsSegments.js";
import type { Prisma } from "../generated/prisma/client.js";
import { chooseWhatsAppRoute } from "./chooseWhatsAppRoute.js";
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
export type EnqueueClient = Pick<Prisma.TransactionClient, "message" | "contactAddress">;

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
  const plan = await planDelivery(tx, input);
  const rendered = renderForSms(plan.body);
  const sms = plan.channel === "sms" ? smsSegments(rendered) : null;
  const at = new Date(Math.max(input.now.getTime(), lastEnqueuedAt + 1));
  lastEnqueuedAt = at.getTime();
  const payload = payloadOf(plan.body, plan.route);
  const created = await tx.message.create({
    data: {
      direction: "outbound",
      channel: plan.channel,
      contactId: input.contactId,
      conversationId: input.conversationId ?? null,
      text: plan.body.text,
      ...(payload ? { payload } : {}),
      status: "queued",
      segments: sms?.segments ?? null,
      encoding: sms?.encoding ?? null,
      createdAt: at,
      outbox: {
        create: {
          channel: plan.channel,
          recipient: plan.recipient,
          sender: senderKey(plan.channel, plan.recipient, input.config),
          body: bodyJson(plan.body),
          route: plan.route,
          nextAttemptAt: at,
          createdAt: at,
          ...(input.maxAttempts !== undefined ? { maxAttempts: input.maxAttempts } : {}),
        },
      },
    },
    select: { id: true, outbox: { select: { id: true } } },
  });
  if (!created.outbox) throw new Error("enqueueOutbound: the outbox item was not created");
  return {
    messageId: created.id,
    outboxId: created.outbox.id,
    channel: plan.channel,
    recipient: plan.recipient,
    route: plan.route,
  };
}

interface DeliveryPlan {
  channel: MessagingChannel;
  recipient: string;
  body: OutboundBody;
  route: EnqueuedOutbound["route"];
}

async function planDelivery(tx: EnqueueClient, input: EnqueueOutboundInput): Promise<DeliveryPlan> {
  const direct = { channel: input.channel, recipient: input.recipient, body: input.body };
  if (input.channel !== "whatsapp") return { ...direct, route: null };
  if (input.recipient.startsWith(simulatorPrefix)) return { ...direct, route: "freeform" };
  const whatsapp = await tx.contactAddress.findUnique({
    where: { channel_address: { channel: "whatsapp", address: input.recipient } },
    select: { lastInboundAt: true },
  });
  const smsAddress =
    input.contactId && input.config.twilio?.smsFrom
      ? await tx.contactAddress.findFirst({
          where: { contactId: input.contactId, channel: "sms" },
          select: { address: true },
          orderBy: { createdAt: "asc" },
        })
      : null;
  const route = chooseWhatsAppRoute({
    lastInboundAt: whatsapp?.lastInboundAt ?? null,
    now: input.now,
    templateSid: input.config.twilio?.whatsappTemplateSid,
    smsAddress: smsAddress?.address ?? null,
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
