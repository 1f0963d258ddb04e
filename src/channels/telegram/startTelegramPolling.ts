import type { HandleInbound } from "../../conversations/InboundMessage.js";
import type { Logger } from "../../log/createLogger.js";
import { createTelegramBot, errorSummary } from "./createTelegramBot.js";

export interface TelegramPollingDeps {
  config: { telegram: { token: string; apiRoot: string } | null };
  handleInbound: HandleInbound;
  log: Logger;
  now?: () => Date;
}

export interface TelegramPolling {
  /** Stops long polling; resolves once the last batch of updates has been handled. */
  stop(): Promise<void>;
}

/**
 * Development mode (`TELEGRAM_MODE=polling`): long-polls `getUpdates` instead of receiving a
 * webhook, so a laptop without a public URL can talk to a real bot. grammY removes any webhook
 * first. Unlike the webhook, an update whose handling fails is logged and not retried (grammY has
 * already confirmed it), so use webhooks in production.
 *
 * @example
 * const polling = startTelegramPolling({ config, handleInbound, log });
 * // ... on shutdown:
 * await polling.stop();
 */
export function startTelegramPolling(deps: TelegramPollingDeps): TelegramPolling {
  const telegram = deps.config.telegram;
  if (!telegram) throw new Error("startTelegramPolling: Telegram is not configured (TELEGRAM_BOT_TOKEN)");
  const bot = createTelegramBot({
    token: telegram.token,
    apiRoot: telegram.apiRoot,
    handleInbound: deps.handleInbound,
    log: deps.log,
    ...(deps.now ? { now: deps.now } : {}),
  });
  bot.catch((error) => {
    deps.log.error(
      { updateId: error.ctx.update.update_id, error: errorSummary(error.error) },
      "telegram update failed (polling)",
    );
  });
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const running = bot
    .start({
      allowed_updates: ["message", "callback_query"],
      onStart: () => {
        markStarted();
        deps.log.info("telegram long polling started");
      },
    })
    .catch((error: unknown) => {
      deps.log.error({ error: errorSummary(error) }, "telegram long polling stopped on an error");
    });
  return {
    async stop() {
      // grammY only knows it is polling once start-up (deleteWebhook) is over: wait for that, or
      // for the start to fail, before stopping.
      await Promise.race([started, running]);
      if (bot.isRunning()) await bot.stop();
      await running;
    },
  };
}
