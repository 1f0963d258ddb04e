import { renderForSms } from "../engine/render.js";
import { smsSegments } from "../engine/smsSegments.js";
import type { OutboundBody } from "./OutboundBody.js";
import type { RateBucket } from "./RateLimiter.js";

/** Sending rates per second (`Config["rates"]`). `Infinity` disables a limit. */
export interface OutboxRates {
  smsPerSecond: number;
  whatsappPerSecond: number;
  telegramPerSecond: number;
  telegramPerChatPerSecond: number;
}

/** Published provider limits: Twilio long code 1 segment/s, WhatsApp 80/s, Telegram 30/s and 1/s per chat. */
export const defaultOutboxRates: OutboxRates = {
  smsPerSecond: 1,
  whatsappPerSecond: 80,
  telegramPerSecond: 30,
  telegramPerChatPerSecond: 1,
};

/**
 * The limits one outbox item is subject to, from its sender key (see `senderKey`): an SMS costs
 * one token per segment of its rendered text; a Telegram message takes from the bot-wide bucket
 * and from its chat's; the simulator is never limited.
 *
 * @example
 * rateBucketsFor({ channel: "telegram", sender: "telegram:42", body }, rates);
 * // [{ key: "telegram", perSecond: 30, cost: 1 }, { key: "telegram:42", perSecond: 1, cost: 1, burst: 1 }]
 */
export function rateBucketsFor(
  item: { channel: string; sender: string; body: OutboundBody },
  rates: OutboxRates,
): RateBucket[] {
  if (item.sender === "sim") return [];
  switch (item.channel) {
    case "sms": {
      const segments = item.body.template ? 1 : smsSegments(renderForSms(item.body)).segments;
      // No burst: carriers count segments per second on a long code, and Twilio queues the excess.
      return [{ key: item.sender, perSecond: rates.smsPerSecond, cost: Math.max(1, segments), burst: 1 }];
    }
    case "whatsapp":
      return [{ key: item.sender, perSecond: rates.whatsappPerSecond, cost: 1 }];
    case "telegram":
      return [
        { key: "telegram", perSecond: rates.telegramPerSecond, cost: 1 },
        { key: item.sender, perSecond: rates.telegramPerChatPerSecond, cost: 1, burst: 1 },
      ];
    default:
      return [];
  }
}
