import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { loadConfig } from "../../src/config/loadConfig.js";
import { createLogger } from "../../src/log/createLogger.js";
import { type RunningService, type StartOptions, startService } from "../../src/service/startService.js";
import { type FakeTelegramApi, startFakeTelegramApi } from "./fakeTelegramApi.js";
import { type FakeTwilioApi, startFakeTwilioApi } from "./fakeTwilioApi.js";
import { databaseUrl, testAdminUrl, testDbKind } from "./testDbConfig.js";
import { postSignedForm } from "./twilioSignature.js";

export const testPublicUrl = "https://relais.test";
export const testTelegramSecret = "test-telegram-secret-0123456789";
export const testTelegramToken = "123456789:AAtestTokenForRelaisTestsOnly000000";

export interface TestService {
  /** The running service (replaced by `restart`). */
  service: RunningService;
  /** Stops the service and starts a new one on the same database, as a restart or another instance would. */
  restart(): Promise<void>;
  /** http://127.0.0.1:port */
  baseUrl: string;
  twilio: FakeTwilioApi;
  telegram: FakeTelegramApi;
  /** POSTs a Twilio webhook form signed as Twilio would sign it for PUBLIC_URL + path. */
  postTwilio(path: string, params: Record<string, string>): Promise<Response>;
  /** Sends an inbound SMS (or WhatsApp when `from` starts with `whatsapp:`) through the signed webhook. */
  sms(from: string, body: string, extra?: Record<string, string>): Promise<Response>;
  /** Sends a Telegram update through the webhook with the secret header. */
  telegramUpdate(update: Record<string, unknown>): Promise<Response>;
  /** Sends a Telegram text message from `chatId` (a fresh update_id each time). */
  telegramText(chatId: number, text: string): Promise<Response>;
  /** Drains the outbox now (instead of waiting for the worker's poll). */
  drainOutbox(): Promise<void>;
  /** Texts sent to a phone (SMS) or chat (Telegram) through the fakes, oldest first. */
  sentTo(recipient: string): string[];
  close(): Promise<void>;
}

let seq = 0;

/**
 * Starts the whole service in-process on a fresh database (PGlite copy or PostgreSQL database,
 * per `RELAIS_TEST_DB`), with Twilio and Telegram pointed at local fakes, for end-to-end tests
 * through the real webhooks. `env` overrides settings (e.g. escalation delays).
 */
export async function startTestService(
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<TestService> {
  const twilio = await startFakeTwilioApi();
  const telegram = await startFakeTelegramApi({ token: testTelegramToken });
  const database = await prepareDatabase();
  const result = loadConfig({
    PORT: "0",
    PUBLIC_URL: testPublicUrl,
    DATA_DIR: database.dataDir,
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_SMS_FROM: "+15005550006",
    TWILIO_WHATSAPP_FROM: "whatsapp:+14155238886",
    TWILIO_API_BASE_URL: twilio.url,
    TELEGRAM_BOT_TOKEN: testTelegramToken,
    TELEGRAM_WEBHOOK_SECRET: testTelegramSecret,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    PSEUDONYM_SECRET: "test-pseudonym-secret-0123456789abcdef",
    RATE_SMS_PER_SECOND: "1000",
    RATE_TELEGRAM_PER_CHAT_PER_SECOND: "1000",
    RATE_TELEGRAM_PER_SECOND: "1000",
    LOG_LEVEL: "silent",
    ...env,
  });
  if (!result.ok) throw new Error(result.errors.join("\n"));
  const config = result.config;
  const log = createLogger({ level: config.server.logLevel });
  let service = await startService(config, log, options);
  let baseUrl = `http://127.0.0.1:${service.port}`;
  let updateId = 1_000 + seq * 10_000;
  seq++;

  const postTwilio = (p: string, params: Record<string, string>) =>
    postSignedForm(p, params, { baseUrl, publicUrl: testPublicUrl, authToken: twilio.authToken });

  const t: TestService = {
    service,
    async restart() {
      await t.service.stop();
      service = await startService(config, log, options);
      t.service = service;
      baseUrl = `http://127.0.0.1:${service.port}`;
      t.baseUrl = baseUrl;
    },
    baseUrl,
    twilio,
    telegram,
    postTwilio,
    sms: (from, body, extra = {}) =>
      postTwilio("/webhooks/twilio/messages", {
        MessageSid: `SM${randomHex(32)}`,
        AccountSid: twilio.accountSid,
        From: from,
        To: from.startsWith("whatsapp:") ? "whatsapp:+14155238886" : "+15005550006",
        Body: body,
        NumMedia: "0",
        ...extra,
      }),
    telegramUpdate: (update) =>
      fetch(`${baseUrl}/webhooks/telegram`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": testTelegramSecret },
        body: JSON.stringify(update),
      }),
    telegramText: (chatId, text) => {
      updateId++;
      return fetch(`${baseUrl}/webhooks/telegram`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": testTelegramSecret },
        body: JSON.stringify({
          update_id: updateId,
          message: {
            message_id: updateId,
            date: Math.floor(Date.now() / 1000),
            chat: { id: chatId, type: "private", first_name: "Test" },
            from: { id: chatId, is_bot: false, first_name: "Test" },
            text,
            ...(text.startsWith("/")
              ? { entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0]?.length ?? 1 }] }
              : {}),
          },
        }),
      });
    },
    async drainOutbox() {
      // Wait until nothing is pending or sending (the workers poll and are woken on commit).
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        const busy = await service.db.prisma.outboxItem.count({
          where: { status: { in: ["pending", "sending"] }, nextAttemptAt: { lte: new Date() } },
        });
        if (busy === 0) return;
        service.ctx.wakeOutbox();
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error("outbox did not drain within 15 s");
    },
    sentTo(recipient) {
      const sms = twilio.requests
        .filter((r) => r.status < 300 && (r.params.To === recipient || r.params.To === `whatsapp:${recipient}`))
        .map((r) => r.params.Body ?? r.params.ContentVariables ?? "");
      const tg = telegram
        .callsTo("sendMessage")
        .filter((c) => c.status < 300 && String(c.payload.chat_id) === recipient)
        .map((c) => String(c.payload.text));
      return [...sms, ...tg];
    },
    async close() {
      await service.stop();
      await twilio.close();
      await telegram.close();
      await database.cleanup();
    },
  };
  return t;
}

async function prepareDatabase(): Promise<{ url?: string; dataDir: string; cleanup: () => Promise<void> }> {
  const template = inject("testDbTemplate");
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "relais-svc-"));
  if (testDbKind === "postgres") {
    const name = `relais_ts${seq}_${process.ppid}_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: testAdminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    await admin.end();
    return {
      url: databaseUrl(testAdminUrl, name),
      dataDir,
      cleanup: async () => {
        const drop = new pg.Client({ connectionString: testAdminUrl });
        await drop.connect();
        await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await drop.end();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  }
  await cp(template, dataDir, { recursive: true });
  return { dataDir, cleanup: () => rm(dataDir, { recursive: true, force: true }) };
}

function randomHex(length: number): string {
  let s = "";
  while (s.length < length) s += Math.floor(Math.random() * 16).toString(16);
  return s;
}
