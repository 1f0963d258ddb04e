import { Bot } from "grammy";
import type { HandleInbound } from "../../conversations/InboundMessage.js";
import { AppError } from "../../http/AppError.js";
import type { Logger } from "../../log/createLogger.js";
import { describeZodError } from "../describeZodError.js";
import { staticBotInfo } from "./staticBotInfo.js";
import { telegramUpdateSchema } from "./telegramUpdateSchema.js";
import { telegramUpdateToInbound } from "./telegramUpdateToInbound.js";

export interface TelegramBotDeps {
  token: string;
  apiRoot: string;
  handleInbound: HandleInbound;
  log: Logger;
  now?: () => Date;
}

/**
 * The grammY bot shared by the webhook and polling modes: one middleware that parses the update,
 * hands it to `handleInbound`, then answers an inline button press. Built with a static `botInfo`,
 * so no `getMe` call happens at start. A failure of `handleInbound` propagates, so the webhook
 * answers 500 and Telegram delivers the update again.
 *
 * @example
 * const bot = createTelegramBot({ token, apiRoot: "https://api.telegram.org", handleInbound, log });
 */
export function createTelegramBot(deps: TelegramBotDeps): Bot {
  const now = deps.now ?? (() => new Date());
  const bot = new Bot(deps.token, { botInfo: staticBotInfo(deps.token), client: { apiRoot: deps.apiRoot } });
  bot.use(async (ctx) => {
    const parsed = telegramUpdateSchema.safeParse(ctx.update);
    if (!parsed.success) {
      throw new AppError("bad_request", `invalid Telegram update: ${describeZodError(parsed.error)}`);
    }
    const translated = telegramUpdateToInbound(parsed.data, now());
    if (translated) {
      const result = await deps.handleInbound(translated);
      deps.log.info(
        {
          channel: "telegram",
          providerMessageId: translated.providerMessageId,
          kind: translated.content.kind,
          result: result.status,
        },
        "telegram update received",
      );
    } else {
      deps.log.debug({ updateId: parsed.data.update_id }, "telegram update ignored: nothing Relais reads");
    }
    const callbackQueryId = parsed.data.callback_query?.id;
    if (callbackQueryId) {
      // Stops the button's spinner (even for a press Relais ignores). The update is already stored,
      // so a failure here is only logged.
      await ctx.api.answerCallbackQuery(callbackQueryId).catch((error: unknown) => {
        deps.log.warn({ updateId: parsed.data.update_id, error: errorSummary(error) }, "answerCallbackQuery failed");
      });
    }
  });
  return bot;
}

/** The message of an error, without the payload grammY attaches (it holds chat ids and texts). */
export function errorSummary(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
