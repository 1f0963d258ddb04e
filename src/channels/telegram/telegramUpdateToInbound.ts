import type { InboundMessage } from "../../conversations/InboundMessage.js";
import type { Inbound } from "../../engine/types.js";
import type { TelegramUpdate } from "./telegramUpdateSchema.js";

// "/start", "/start alert", "/start@RelaisBot alert": deep links (t.me/bot?start=alert) arrive like this.
const startCommand = /^\/start(?:@\w+)?(?:\s+(\S+))?\s*$/;

/**
 * Translates a Telegram update: text → `text`, `/start <payload>` → `start` of that flow, location
 * or venue → `location`, an inline button press → `text` with the button's data. The address is the
 * chat id; the provider id is `update:<update_id>`, so a repeated update is recognised as a
 * duplicate. Returns `null` for anything else (stickers, edits, photos...), which is acknowledged
 * and ignored. Answering a button press (`answerCallbackQuery`) is the caller's business.
 *
 * @example
 * telegramUpdateToInbound({ update_id: 7, message: { message_id: 1, chat: { id: 42 }, text: "/start alert" } }, now);
 * // { channel: "telegram", address: "42", providerMessageId: "update:7", content: { kind: "start", flowId: "alert" }, ... }
 */
export function telegramUpdateToInbound(update: TelegramUpdate, receivedAt: Date): InboundMessage | null {
  const providerMessageId = `update:${update.update_id}`;
  const query = update.callback_query;
  if (query) {
    if (query.data === undefined) return null;
    const chat = query.message?.chat.id ?? query.from.id;
    return inbound(chat, providerMessageId, receivedAt, { kind: "text", text: query.data });
  }
  const message = update.message;
  if (!message) return null;
  const content = messageContent(message);
  return content ? inbound(message.chat.id, providerMessageId, receivedAt, content) : null;
}

function messageContent(message: NonNullable<TelegramUpdate["message"]>): Inbound | null {
  if (message.venue) {
    return {
      kind: "location",
      latitude: message.venue.location.latitude,
      longitude: message.venue.location.longitude,
      label: message.venue.title,
    };
  }
  if (message.location) {
    return { kind: "location", latitude: message.location.latitude, longitude: message.location.longitude };
  }
  if (message.text === undefined) return null;
  const start = startCommand.exec(message.text.trim());
  if (start) return start[1] ? { kind: "start", flowId: start[1] } : { kind: "start" };
  return { kind: "text", text: message.text };
}

function inbound(chatId: number, providerMessageId: string, receivedAt: Date, content: Inbound): InboundMessage {
  return { channel: "telegram", address: String(chatId), providerMessageId, receivedAt, content };
}
