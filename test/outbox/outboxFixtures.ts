import { TelegramSender } from "../../src/channels/telegram/TelegramSender.js";
import { TwilioSender } from "../../src/channels/twilio/TwilioSender.js";
import type { MessagingChannel } from "../../src/conversations/InboundMessage.js";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import { type EnqueueConfig, enqueueOutbound } from "../../src/outbox/enqueueOutbound.js";
import type { OutboundBody } from "../../src/outbox/OutboundBody.js";
import type { OutboxRates } from "../../src/outbox/rateBuckets.js";
import type { FakeTelegramApi } from "../support/fakeTelegramApi.js";
import type { FakeTwilioApi } from "../support/fakeTwilioApi.js";

export const publicUrl = "https://relais.example.org";
export const smsFrom = "+15005550006";
export const whatsappFrom = "whatsapp:+14155238886";

export const unlimited: OutboxRates = {
  smsPerSecond: Number.POSITIVE_INFINITY,
  whatsappPerSecond: Number.POSITIVE_INFINITY,
  telegramPerSecond: Number.POSITIVE_INFINITY,
  telegramPerChatPerSecond: Number.POSITIVE_INFINITY,
};

export function enqueueConfig(whatsappTemplateSid?: string): EnqueueConfig {
  return { twilio: { smsFrom, whatsappFrom, whatsappTemplateSid } };
}

/** The real senders, pointed at the fakes. */
export function sendersFor(twilio: FakeTwilioApi, telegram?: FakeTelegramApi) {
  const twilioSender = new TwilioSender({
    accountSid: twilio.accountSid,
    authToken: twilio.authToken,
    smsFrom,
    whatsappFrom,
    apiBaseUrl: twilio.url,
    publicUrl,
  });
  return {
    sms: twilioSender,
    whatsapp: twilioSender,
    ...(telegram ? { telegram: new TelegramSender({ token: telegram.token, apiRoot: telegram.apiRoot }) } : {}),
  };
}

/** Enqueues one message outside any conversation. */
export function enqueue(
  prisma: PrismaClient,
  channel: MessagingChannel,
  recipient: string,
  body: OutboundBody,
  options: { now?: Date; maxAttempts?: number; config?: EnqueueConfig; contactId?: string | null } = {},
) {
  return enqueueOutbound(prisma, {
    contactId: options.contactId ?? null,
    channel,
    recipient,
    body,
    now: options.now ?? new Date(),
    config: options.config ?? enqueueConfig(),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
  });
}

/** Empties the outbox and messages between tests of one file. */
export async function clearOutbox(prisma: PrismaClient): Promise<void> {
  await prisma.outboxItem.deleteMany();
  await prisma.message.deleteMany();
  await prisma.contactAddress.deleteMany();
  await prisma.contact.deleteMany();
}
