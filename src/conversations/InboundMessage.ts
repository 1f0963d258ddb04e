import type { Inbound } from "../engine/types.js";

/** The channels Relais talks on (the simulator uses these too, with `sim:` addresses). */
export type MessagingChannel = "sms" | "whatsapp" | "telegram";

/** Alias used by the data layer. */
export type Channel = MessagingChannel;

/**
 * One inbound message in the single shape every channel produces. The channel has already
 * authenticated and parsed the provider payload; nothing untyped travels further in.
 */
export interface InboundMessage {
  channel: MessagingChannel;
  /** E.164 phone (`+243...`) for sms and whatsapp (no `whatsapp:` prefix), chat id for telegram. */
  address: string;
  /** Twilio MessageSid / CallSid, `update:<update_id>` for Telegram: unique per channel. */
  providerMessageId: string;
  receivedAt: Date;
  content: Inbound;
}

export type InboundResult =
  | { status: "processed"; messageId: string }
  /** Already stored: a repeated delivery, acknowledged and ignored. */
  | { status: "duplicate" };

/** Stores one inbound message and everything it causes in one transaction. */
export type HandleInbound = (message: InboundMessage) => Promise<InboundResult>;
