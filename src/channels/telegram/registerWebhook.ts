/**
 * `npm run telegram:webhook` (`tsx src/channels/telegram/registerWebhook.ts`): registers
 * `PUBLIC_URL/webhooks/telegram` as the bot's webhook with `TELEGRAM_WEBHOOK_SECRET`, and prints
 * what Telegram reports. Never prints the token or the secret.
 */
import { loadConfig } from "../../config/loadConfig.js";
import { setTelegramWebhook } from "./setTelegramWebhook.js";

const result = loadConfig(process.env);
if (!result.ok) {
  process.stderr.write(`${result.errors.join("\n")}\n`);
  process.exit(1);
}
const { telegram, server } = result.config;
if (!telegram?.webhookSecret) {
  process.stderr.write(
    "Set TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET (and PUBLIC_URL) to register the webhook.\n",
  );
  process.exit(1);
}
try {
  const report = await setTelegramWebhook({
    token: telegram.token,
    apiRoot: telegram.apiRoot,
    webhookSecret: telegram.webhookSecret,
    publicUrl: server.publicUrl,
  });
  process.stdout.write(
    `Webhook set: ${report.url}\nPending updates: ${report.pendingUpdateCount}\n${
      report.lastErrorMessage ? `Last delivery error reported by Telegram: ${report.lastErrorMessage}\n` : ""
    }`,
  );
  process.exit(0);
} catch (error) {
  // grammY's messages name the method, not the token (it is redacted unless sensitiveLogs is set).
  process.stderr.write(`Could not set the webhook: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
