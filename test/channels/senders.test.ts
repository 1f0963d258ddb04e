import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TelegramSender } from "../../src/channels/telegram/TelegramSender.js";
import { TwilioSender } from "../../src/channels/twilio/TwilioSender.js";
import type { OutboundSend } from "../../src/outbox/OutboundBody.js";
import { type FakeTelegramApi, startFakeTelegramApi, telegramError } from "../support/fakeTelegramApi.js";
import { type FakeTwilioApi, startFakeTwilioApi, twilioError } from "../support/fakeTwilioApi.js";

const item = (overrides: Partial<OutboundSend> = {}): OutboundSend => ({
  outboxId: "00000000-0000-0000-0000-000000000001",
  messageId: "00000000-0000-0000-0000-000000000002",
  channel: "sms",
  recipient: "+243990000001",
  sender: "sms:+15005550006",
  body: { text: "Bonjour" },
  attempt: 1,
  ...overrides,
});

/** A port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

describe("TwilioSender", () => {
  let twilio: FakeTwilioApi;
  let sender: TwilioSender;
  const options = (api: FakeTwilioApi) => ({
    accountSid: api.accountSid,
    authToken: api.authToken,
    smsFrom: `MG${"cd".repeat(16)}`,
    whatsappFrom: "whatsapp:+14155238886",
    apiBaseUrl: api.url,
    publicUrl: "https://relais.example.org",
  });
  beforeAll(async () => {
    twilio = await startFakeTwilioApi();
    sender = new TwilioSender(options(twilio));
  });
  afterAll(async () => {
    await twilio?.close();
  });

  it("sends through a Messaging Service when TWILIO_SMS_FROM is an MG sid", async () => {
    const result = await sender.send(item());
    expect(result).toEqual({ status: "sent", providerMessageId: expect.stringMatching(/^SM/) });
    expect(twilio.requests.at(-1)?.params).toEqual({
      MessagingServiceSid: `MG${"cd".repeat(16)}`,
      To: "+243990000001",
      Body: "Bonjour",
      StatusCallback: "https://relais.example.org/webhooks/twilio/status?outbox=00000000-0000-0000-0000-000000000001",
    });
  });

  it("classifies Twilio's answers: 5xx/429 retry (with Retry-After), 4xx permanent with the code", async () => {
    twilio.reply(
      { status: 500, headers: { "retry-after": "3" } },
      { ...twilioError(20429, 429), headers: { "retry-after": "1" } },
      twilioError(21211, 400, "The 'To' number +243990000001 is not a valid phone number."),
      twilioError(21614, 400),
      { status: 201, body: { status: "queued" } },
    );
    expect(await sender.send(item())).toEqual({ status: "retry", error: "twilio 500: no detail", retryAfterMs: 3_000 });
    expect(await sender.send(item())).toMatchObject({ status: "retry", retryAfterMs: 1_000 });
    expect(await sender.send(item())).toEqual({
      status: "permanent",
      error: "twilio 400 21211: The 'To' number [number] is not a valid phone number.",
      code: "21211",
    });
    expect(await sender.send(item())).toMatchObject({ status: "permanent", code: "21614" });
    expect(await sender.send(item())).toMatchObject({ status: "permanent", code: "bad_response" });
  });

  it("refuses wrong credentials for good (20003), retries network failures and timeouts", async () => {
    const wrong = new TwilioSender({ ...options(twilio), authToken: "not-the-right-token-0000" });
    expect(await wrong.send(item())).toMatchObject({ status: "permanent", code: "20003" });
    const down = new TwilioSender({ ...options(twilio), apiBaseUrl: `http://127.0.0.1:${await closedPort()}` });
    expect(await down.send(item())).toMatchObject({ status: "retry", error: expect.stringMatching(/ECONNREFUSED/) });
    const impatient = new TwilioSender({ ...options(twilio), timeoutMs: 100 });
    twilio.reply({ status: 201, body: { sid: "SMslow" }, delayMs: 500 });
    expect(await impatient.send(item())).toMatchObject({ status: "retry", error: expect.stringMatching(/timeout/i) });
  });

  it("refuses a channel whose sender is not configured", async () => {
    const smsOnly = new TwilioSender({ ...options(twilio), whatsappFrom: undefined });
    expect(await smsOnly.send(item({ channel: "whatsapp" }))).toMatchObject({
      status: "permanent",
      code: "not_configured",
    });
  });
});

describe("TelegramSender", () => {
  let telegram: FakeTelegramApi;
  let sender: TelegramSender;
  beforeAll(async () => {
    telegram = await startFakeTelegramApi();
    sender = new TelegramSender({ token: telegram.token, apiRoot: telegram.apiRoot });
  });
  afterAll(async () => {
    await telegram?.close();
  });

  it("sends plain text without a keyboard when there are no choices", async () => {
    expect(await sender.send(item({ channel: "telegram", recipient: "4242" }))).toEqual({
      status: "sent",
      providerMessageId: expect.stringMatching(/^4242:\d+$/),
    });
    const payload = telegram.callsTo("sendMessage").at(-1)?.payload;
    expect(payload).toMatchObject({ chat_id: "4242", text: "Bonjour" });
    expect(payload).not.toHaveProperty("reply_markup");
    expect(payload).not.toHaveProperty("parse_mode");
  });

  it("classifies Bot API errors", async () => {
    telegram.reply(
      "sendMessage",
      telegramError(429, "Too Many Requests: retry after 3", 3),
      telegramError(502, "Bad Gateway"),
      telegramError(400, "Bad Request: chat not found"),
      telegramError(403, "Forbidden: user is deactivated"),
    );
    const tg = item({ channel: "telegram", recipient: "1" });
    expect(await sender.send(tg)).toMatchObject({ status: "retry", retryAfterMs: 3_000 });
    expect(await sender.send(tg)).toMatchObject({ status: "retry" });
    expect(await sender.send(tg)).toEqual({
      status: "permanent",
      error: "telegram 400: Bad Request: chat not found",
      code: "400",
    });
    expect(await sender.send(tg)).toMatchObject({ status: "permanent", code: "403" });
  });

  it("retries network failures, and never puts the token in the error", async () => {
    const down = new TelegramSender({ token: telegram.token, apiRoot: `http://127.0.0.1:${await closedPort()}` });
    const result = await down.send(item({ channel: "telegram", recipient: "1" }));
    expect(result.status).toBe("retry");
    expect(JSON.stringify(result)).not.toContain(telegram.token.split(":")[1]);
  });
});
