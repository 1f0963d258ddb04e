import type { OutChoice } from "../engine/types.js";

/**
 * What the outbox stores for one outbound message (`OutboxItem.body`): channel-neutral content.
 * Rendering (numbered text, inline keyboard) happens in the channel's sender.
 */
export interface OutboundBody {
  text: string;
  choices?: OutChoice[];
  /** Business-initiated WhatsApp message outside the 24-hour window: sent as a content template. */
  template?: { contentSid: string; variables: Record<string, string> };
}

/** The outcome of one send attempt, as a value: the worker turns it into a retry decision. */
export type SendResult =
  | { status: "sent"; providerMessageId: string }
  /** Network error, 5xx, 429: try again later (honouring `retryAfterMs` when given). */
  | { status: "retry"; error: string; retryAfterMs?: number }
  /** The provider refused for good (unsubscribed, invalid number, bot blocked): never retried. */
  | { status: "permanent"; error: string; code?: string };

/** One claimed outbox row, as handed to a channel sender. */
export interface OutboundSend {
  outboxId: string;
  messageId: string;
  channel: "sms" | "whatsapp" | "telegram";
  recipient: string;
  sender: string;
  body: OutboundBody;
  attempt: number;
}

/** A channel's way out: one interface per provider, as Novu does. */
export interface ChannelSender {
  send(item: OutboundSend): Promise<SendResult>;
}
