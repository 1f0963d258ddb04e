import { Api } from "grammy";

export interface SetTelegramWebhookOptions {
  token: string;
  apiRoot: string;
  webhookSecret: string;
  publicUrl: string;
}

/** What registering the webhook reports: no token, no secret. */
export interface TelegramWebhookReport {
  /** The URL Telegram now posts to (empty when none is set). */
  url: string;
  pendingUpdateCount: number;
  lastErrorMessage: string | undefined;
}

/**
 * Points the bot's webhook at `PUBLIC_URL/webhooks/telegram` with the secret Telegram will send in
 * `X-Telegram-Bot-Api-Secret-Token`, for messages and button presses only, then reads the webhook
 * back. Telegram requires an https URL on port 443, 80, 88 or 8443 (a local Bot API server does not).
 *
 * @example
 * const report = await setTelegramWebhook({ token, apiRoot, webhookSecret, publicUrl: "https://relais.example.org" });
 */
export async function setTelegramWebhook(options: SetTelegramWebhookOptions): Promise<TelegramWebhookReport> {
  const api = new Api(options.token, { apiRoot: options.apiRoot });
  const url = `${options.publicUrl.replace(/\/+$/, "")}/webhooks/telegram`;
  await api.setWebhook(url, { secret_token: options.webhookSecret, allowed_updates: ["message", "callback_query"] });
  const info = await api.getWebhookInfo();
  return {
    url: info.url ?? "",
    pendingUpdateCount: info.pending_update_count,
    lastErrorMessage: info.last_error_message,
  };
}
