import { Api, GrammyError, HttpError } from "grammy";
import { renderForTelegram } from "../../engine/render.js";
import type { ChannelSender, OutboundSend, SendResult } from "../../outbox/OutboundBody.js";

export interface TelegramSenderOptions {
  token: string;
  apiRoot: string;
  /** Per-request timeout; the outbox lock must outlast it. Default 20 s. */
  timeoutSeconds?: number;
}

/**
 * Sends outbox items to Telegram with `sendMessage`, choices as an inline keyboard (one button per
 * row, `callback_data` = the choice number). Outcomes as values: 429 → retry after
 * `parameters.retry_after`; network errors and 5xx → retry; 403 (bot blocked, user deactivated) and
 * other 4xx (chat not found...) → permanent, with the Telegram error code.
 *
 * @example
 * const sender = new TelegramSender({ token, apiRoot: config.telegram.apiRoot });
 * await sender.send(item); // { status: "sent", providerMessageId: "4242:17" }
 */
export class TelegramSender implements ChannelSender {
  readonly #api: Api;

  constructor(options: TelegramSenderOptions) {
    this.#api = new Api(options.token, { apiRoot: options.apiRoot, timeoutSeconds: options.timeoutSeconds ?? 20 });
  }

  async send(item: OutboundSend): Promise<SendResult> {
    const rendering = renderForTelegram(item.body);
    try {
      const sent = await this.#api.sendMessage(item.recipient, rendering.text, {
        ...(rendering.inline_keyboard.length > 0
          ? { reply_markup: { inline_keyboard: rendering.inline_keyboard } }
          : {}),
        link_preview_options: { is_disabled: true },
      });
      // message_id is only unique within a chat, and Message.providerMessageId is unique per channel.
      return { status: "sent", providerMessageId: `${sent.chat.id}:${sent.message_id}` };
    } catch (error) {
      return classifyTelegramError(error);
    }
  }
}

/** Turns a failed Bot API call into a retry decision. Never keeps the payload grammY attaches. */
export function classifyTelegramError(error: unknown): SendResult {
  if (error instanceof GrammyError) {
    const description = `telegram ${error.error_code}: ${error.description}`;
    if (error.error_code === 429) {
      const seconds = error.parameters.retry_after;
      return {
        status: "retry",
        error: description,
        ...(seconds !== undefined ? { retryAfterMs: seconds * 1000 } : {}),
      };
    }
    if (error.error_code >= 500) return { status: "retry", error: description };
    return { status: "permanent", error: description, code: String(error.error_code) };
  }
  if (error instanceof HttpError) return { status: "retry", error: `telegram network error: ${error.message}` };
  return { status: "retry", error: `telegram send failed: ${error instanceof Error ? error.message : String(error)}` };
}
