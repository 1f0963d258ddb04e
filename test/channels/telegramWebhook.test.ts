import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTelegramRouter } from "../../src/channels/telegram/createTelegramRouter.js";
import { setTelegramWebhook } from "../../src/channels/telegram/setTelegramWebhook.js";
import { startTelegramPolling } from "../../src/channels/telegram/startTelegramPolling.js";
import { createLogger } from "../../src/log/createLogger.js";
import { type FakeTelegramApi, startFakeTelegramApi } from "../support/fakeTelegramApi.js";
import { recordingHandleInbound, startTestApp, type TestApp } from "./startTestApp.js";

const secret = "telegram-webhook-secret_0123456789";
const chat = { id: 4242, type: "private", first_name: "A" };
const from = { id: 4242, is_bot: false, first_name: "A" };

function textUpdate(updateId: number, text: string) {
  return { update_id: updateId, message: { message_id: updateId, date: 1_700_000_000, chat, from, text } };
}

describe("Telegram webhook", () => {
  let fake: FakeTelegramApi;
  let app: TestApp;
  const inbound = recordingHandleInbound();
  const post = (update: unknown, headers: Record<string, string> = { "x-telegram-bot-api-secret-token": secret }) =>
    fetch(`${app.baseUrl}/webhooks/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(update),
    });

  beforeAll(async () => {
    fake = await startFakeTelegramApi();
    const router = createTelegramRouter({
      config: { telegram: { token: fake.token, webhookSecret: secret, apiRoot: fake.apiRoot } },
      handleInbound: inbound.handleInbound,
      log: createLogger({ level: "silent" }),
    });
    app = await startTestApp([router]);
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });
  beforeEach(() => {
    inbound.received.length = 0;
    fake.calls.length = 0;
  });

  it("refuses a wrong or missing secret with 401 and never reaches the domain", async () => {
    expect((await post(textUpdate(1, "hi"), {})).status).toBe(401);
    expect((await post(textUpdate(1, "hi"), { "x-telegram-bot-api-secret-token": `${secret}x` })).status).toBe(401);
    expect((await post(textUpdate(1, "hi"), { "x-telegram-bot-api-secret-token": "short" })).status).toBe(401);
    expect(inbound.received).toEqual([]);
    // No getMe at start, nothing at all sent to Telegram.
    expect(fake.calls).toEqual([]);
  });

  it("hands a text message to handleInbound, keyed by update_id so a repeat is a duplicate", async () => {
    const res = await post(textUpdate(10, "Bonjour"));
    expect(res.status).toBe(200);
    expect(inbound.received).toEqual([
      {
        channel: "telegram",
        address: "4242",
        providerMessageId: "update:10",
        receivedAt: expect.any(Date),
        content: { kind: "text", text: "Bonjour" },
      },
    ]);
    expect((await post(textUpdate(10, "Bonjour"))).status).toBe(200);
    expect(inbound.received).toHaveLength(1);
  });

  it("turns /start deep links into a start, with or without a payload", async () => {
    await post(textUpdate(20, "/start alert"));
    await post(textUpdate(21, "/start"));
    await post(textUpdate(22, "/start@RelaisBot orientation"));
    expect(inbound.received.map((m) => m.content)).toEqual([
      { kind: "start", flowId: "alert" },
      { kind: "start" },
      { kind: "start", flowId: "orientation" },
    ]);
  });

  it("feeds an inline button press as text and answers the callback query", async () => {
    const update = {
      update_id: 30,
      callback_query: {
        id: "cbq-30",
        from,
        chat_instance: "ci",
        data: "2",
        message: { message_id: 5, date: 1_700_000_000, chat, text: "Choisissez" },
      },
    };
    expect((await post(update)).status).toBe(200);
    expect(inbound.received).toEqual([
      expect.objectContaining({
        address: "4242",
        providerMessageId: "update:30",
        content: { kind: "text", text: "2" },
      }),
    ]);
    expect(fake.callsTo("answerCallbackQuery")).toEqual([
      expect.objectContaining({ payload: { callback_query_id: "cbq-30" } }),
    ]);
  });

  it("turns a location (and a venue) into a location", async () => {
    await post({
      update_id: 40,
      message: { message_id: 40, date: 1, chat, from, location: { latitude: -5.94, longitude: 29.19 } },
    });
    await post({
      update_id: 41,
      message: {
        message_id: 41,
        date: 1,
        chat,
        from,
        location: { latitude: -5.9, longitude: 29.2 },
        venue: { location: { latitude: -5.9, longitude: 29.2 }, title: "Marché", address: "Kalemie" },
      },
    });
    expect(inbound.received.map((m) => m.content)).toEqual([
      { kind: "location", latitude: -5.94, longitude: 29.19 },
      { kind: "location", latitude: -5.9, longitude: 29.2, label: "Marché" },
    ]);
  });

  it("acknowledges updates it does not read, refuses malformed ones with 400", async () => {
    const sticker = { update_id: 50, message: { message_id: 50, date: 1, chat, from, sticker: { file_id: "x" } } };
    expect((await post(sticker)).status).toBe(200);
    expect((await post({ update_id: 51, edited_message: { message_id: 1 } })).status).toBe(200);
    expect(inbound.received).toEqual([]);
    expect((await post({ update_id: "x" })).status).toBe(400);
    expect((await post([1, 2])).status).toBe(400);
    expect((await post({ update_id: 52, message: { message_id: 1, chat: { id: "4242" }, text: "x" } })).status).toBe(
      400,
    );
  });

  it("answers 500 when handleInbound fails, so Telegram delivers the update again", async () => {
    inbound.failNext(new Error("database down"));
    const res = await post(textUpdate(60, "x"));
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain("database down");
    expect((await post(textUpdate(60, "x"))).status).toBe(200);
    expect(inbound.received).toHaveLength(1);
  });
});

describe("Telegram polling and webhook registration", () => {
  let fake: FakeTelegramApi;
  beforeAll(async () => {
    fake = await startFakeTelegramApi();
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("long-polls updates into handleInbound in development mode", async () => {
    const inbound = recordingHandleInbound();
    fake.pushUpdate(textUpdate(70, "salut"));
    const polling = startTelegramPolling({
      config: { telegram: { token: fake.token, apiRoot: fake.apiRoot } },
      handleInbound: inbound.handleInbound,
      log: createLogger({ level: "silent" }),
    });
    await expect.poll(() => inbound.received.length, { timeout: 5_000 }).toBe(1);
    await polling.stop();
    expect(inbound.received[0]).toMatchObject({
      providerMessageId: "update:70",
      content: { kind: "text", text: "salut" },
    });
    expect(fake.callsTo("deleteWebhook")).toHaveLength(1);
  });

  it("registers the webhook with the secret and the two update kinds", async () => {
    const report = await setTelegramWebhook({
      token: fake.token,
      apiRoot: fake.apiRoot,
      webhookSecret: secret,
      publicUrl: "https://relais.example.org/",
    });
    expect(report).toEqual({
      url: "https://relais.example.org/webhooks/telegram",
      pendingUpdateCount: 0,
      lastErrorMessage: undefined,
    });
    expect(fake.callsTo("setWebhook")[0]?.payload).toEqual({
      url: "https://relais.example.org/webhooks/telegram",
      secret_token: secret,
      allowed_updates: ["message", "callback_query"],
    });
  });
});
