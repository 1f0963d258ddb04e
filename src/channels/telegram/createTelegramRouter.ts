import { createHash, timingSafeEqual } from "node:crypto";
import express, { type RequestHandler, Router } from "express";
import { BotError, webhookCallback } from "grammy";
import type { HandleInbound } from "../../conversations/InboundMessage.js";
import { AppError } from "../../http/AppError.js";
import type { Logger } from "../../log/createLogger.js";
import { createTelegramBot, errorSummary } from "./createTelegramBot.js";

/** The part of `Config` the Telegram webhook reads (a whole `Config` fits). */
export interface TelegramRouterConfig {
  telegram: { token: string; webhookSecret: string | undefined; apiRoot: string } | null;
}

export interface TelegramRouterDeps {
  config: TelegramRouterConfig;
  handleInbound: HandleInbound;
  log: Logger;
  now?: () => Date;
}

const secretHeader = "x-telegram-bot-api-secret-token";

/**
 * `POST /webhooks/telegram`: checks `X-Telegram-Bot-Api-Secret-Token` (401 otherwise, constant
 * time), parses the update (400 when malformed), then lets grammY's `webhookCallback` (which checks
 * the secret again) run the bot. Answers 200 only once `handleInbound` has stored the update; a
 * failure answers 500 so that Telegram delivers it again. Throws when Telegram is not configured
 * for webhooks: mount it only when `config.telegram?.mode === "webhook"`.
 *
 * @example
 * if (config.telegram?.mode === "webhook") routers.push(createTelegramRouter({ config, handleInbound, log }));
 */
export function createTelegramRouter(deps: TelegramRouterDeps): Router {
  const telegram = deps.config.telegram;
  if (!telegram) throw new Error("createTelegramRouter: Telegram is not configured (TELEGRAM_BOT_TOKEN)");
  const secret = telegram.webhookSecret;
  if (!secret) throw new Error("createTelegramRouter: TELEGRAM_WEBHOOK_SECRET is required in webhook mode");
  const bot = createTelegramBot({
    token: telegram.token,
    apiRoot: telegram.apiRoot,
    handleInbound: deps.handleInbound,
    log: deps.log,
    ...(deps.now ? { now: deps.now } : {}),
  });
  const callback = webhookCallback(bot, "express", {
    secretToken: secret,
    onTimeout: "throw",
    timeoutMilliseconds: 25_000,
  });

  const router = Router();
  router.post(
    "/webhooks/telegram",
    express.json({ limit: "256kb" }),
    requireSecret(secret),
    (req, _res, next) => {
      const body: unknown = req.body;
      if (typeof body !== "object" || body === null || Array.isArray(body)) {
        next(new AppError("bad_request", "invalid Telegram update: expected a JSON object"));
        return;
      }
      next();
    },
    async (req, res) => {
      try {
        await callback(req, res);
      } catch (error) {
        const inner = error instanceof BotError ? error.error : error;
        if (inner instanceof AppError) throw inner;
        // Logged here by message only: grammY's errors carry the update (texts, names).
        deps.log.error({ error: errorSummary(inner) }, "telegram update could not be processed");
        throw new AppError("internal", "telegram update could not be processed");
      }
    },
  );
  return router;
}

function requireSecret(secret: string): RequestHandler {
  const expected = digest(secret);
  return (req, _res, next) => {
    const given = req.header(secretHeader);
    // Comparing fixed-length digests keeps the comparison constant-time whatever the header's length.
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      next(new AppError("unauthorized", "invalid or missing X-Telegram-Bot-Api-Secret-Token"));
      return;
    }
    next();
  };
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
