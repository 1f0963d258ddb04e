import { simulatorPrefix } from "../channels/simulator/SimulatorSender.js";
import type { MessagingChannel } from "../conversations/InboundMessage.js";

/** The configured senders that name a rate-limit key. */
export interface SenderKeyConfig {
  twilio: { smsFrom: string | undefined; whatsappFrom: string | undefined } | null;
}

/**
 * The rate-limit key stored in `OutboxItem.sender`:
 * - `sms:<TWILIO_SMS_FROM>` (one long code or Messaging Service; costs one token per segment),
 * - `whatsapp:<number>` (the WhatsApp sender, without its `whatsapp:` prefix),
 * - `telegram:<chat id>` (limited per chat, and by the bot-wide `telegram` bucket),
 * - `sim` for the web simulator (never limited).
 *
 * @example
 * senderKey("telegram", "4242", config); // "telegram:4242"
 */
export function senderKey(channel: MessagingChannel, recipient: string, config: SenderKeyConfig): string {
  if (recipient.startsWith(simulatorPrefix)) return "sim";
  switch (channel) {
    case "sms":
      return `sms:${config.twilio?.smsFrom ?? "unconfigured"}`;
    case "whatsapp":
      return `whatsapp:${config.twilio?.whatsappFrom?.replace(/^whatsapp:/, "") ?? "unconfigured"}`;
    case "telegram":
      return `telegram:${recipient}`;
  }
}
