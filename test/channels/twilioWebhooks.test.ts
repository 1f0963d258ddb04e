import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTwilioRouter } from "../../src/channels/twilio/createTwilioRouter.js";
import { missedCallKey } from "../../src/channels/twilio/handleTwilioVoice.js";
import { createLogger } from "../../src/log/createLogger.js";
import { createTestDatabase, type TestDatabase } from "../support/createTestDatabase.js";
import { postSignedForm, signTwilioRequest } from "../support/twilioSignature.js";
import { recordingHandleInbound, startTestApp, type TestApp } from "./startTestApp.js";

const authToken = "test-auth-token-0123456789abcdef";
// The service sits behind a TLS proxy: Twilio signs the public URL, not the address we listen on.
const publicUrl = "https://relais.example.org";
const emptyTwiml = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
const rejectTwiml = '<?xml version="1.0" encoding="UTF-8"?><Response><Reject reason="busy"/></Response>';

function sid(prefix: string, n: number): string {
  return `${prefix}${n.toString(16).padStart(32, "0")}`;
}

describe("Twilio webhooks", () => {
  let db: TestDatabase;
  let app: TestApp;
  const inbound = recordingHandleInbound();
  const post = (path: string, params: Record<string, string>, signature?: string | null) =>
    postSignedForm(path, params, { baseUrl: app.baseUrl, publicUrl, authToken, signature });

  beforeAll(async () => {
    db = await createTestDatabase();
    const router = createTwilioRouter({
      config: { server: { publicUrl }, twilio: { authToken }, missedCallsPerHour: 3 },
      handleInbound: inbound.handleInbound,
      log: createLogger({ level: "silent" }),
      prisma: db.prisma,
    });
    app = await startTestApp([router]);
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });
  beforeEach(() => {
    inbound.received.length = 0;
  });

  describe("signature", () => {
    it("matches Twilio's published example (twilio-php/-csharp RequestValidatorTest)", () => {
      const params = {
        CallSid: "CA1234567890ABCDE",
        Caller: "+14158675309",
        Digits: "1234",
        From: "+14158675309",
        To: "+18005551212",
      };
      expect(signTwilioRequest("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params)).toBe(
        "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
      );
    });

    it("refuses a forged signature with 403 and never reaches the domain", async () => {
      const params = { MessageSid: sid("SM", 1), From: "+243990000001", To: "+15005550006", Body: "ALERTE" };
      const forged = signTwilioRequest("not-the-auth-token-at-all", `${publicUrl}/webhooks/twilio/messages`, params);
      const res = await post("/webhooks/twilio/messages", params, forged);
      expect(res.status).toBe(403);
      // Signed for another URL (the address the server listens on instead of PUBLIC_URL): refused too.
      const wrongUrl = signTwilioRequest(authToken, `${app.baseUrl}/webhooks/twilio/messages`, params);
      expect((await post("/webhooks/twilio/messages", params, wrongUrl)).status).toBe(403);
      // A parameter changed after signing: refused.
      const signed = signTwilioRequest(authToken, `${publicUrl}/webhooks/twilio/messages`, params);
      expect((await post("/webhooks/twilio/messages", { ...params, Body: "autre" }, signed)).status).toBe(403);
      expect(inbound.received).toEqual([]);
    });

    it("answers 400 when the signature header is missing", async () => {
      const res = await post("/webhooks/twilio/messages", { MessageSid: sid("SM", 2) }, null);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: "bad_request", message: "missing X-Twilio-Signature header" });
      expect(inbound.received).toEqual([]);
    });
  });

  describe("POST /webhooks/twilio/messages", () => {
    it("hands a signed SMS to handleInbound, then answers an empty TwiML", async () => {
      const params = {
        MessageSid: sid("SM", 10),
        AccountSid: sid("AC", 1),
        From: "+243990000001",
        To: "+15005550006",
        Body: "Bonjour",
        NumMedia: "0",
      };
      const res = await post("/webhooks/twilio/messages", params);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/xml/);
      expect(await res.text()).toBe(emptyTwiml);
      expect(inbound.received).toEqual([
        {
          channel: "sms",
          address: "+243990000001",
          providerMessageId: sid("SM", 10),
          receivedAt: expect.any(Date),
          content: { kind: "text", text: "Bonjour" },
        },
      ]);
    });

    it("answers a repeated delivery with the same empty TwiML and stores nothing more", async () => {
      const params = { MessageSid: sid("SM", 11), From: "+243990000001", To: "+15005550006", Body: "1" };
      expect((await post("/webhooks/twilio/messages", params)).status).toBe(200);
      const again = await post("/webhooks/twilio/messages", params);
      expect(again.status).toBe(200);
      expect(await again.text()).toBe(emptyTwiml);
      expect(inbound.received).toHaveLength(1);
    });

    it("recognises WhatsApp by the whatsapp: prefix and stores the bare number", async () => {
      const params = {
        MessageSid: sid("SM", 12),
        From: "whatsapp:+224620000001",
        To: "whatsapp:+14155238886",
        Body: "Salut",
        ProfileName: "A person",
        WaId: "224620000001",
      };
      expect((await post("/webhooks/twilio/messages", params)).status).toBe(200);
      expect(inbound.received[0]).toMatchObject({
        channel: "whatsapp",
        address: "+224620000001",
        content: { kind: "text", text: "Salut" },
      });
    });

    it("turns a WhatsApp location pin into a location", async () => {
      const params = {
        MessageSid: sid("SM", 13),
        From: "whatsapp:+243990000002",
        To: "whatsapp:+14155238886",
        Body: "",
        Latitude: "-5.9475",
        Longitude: "29.1947",
        Address: "Kalemie",
        Label: "Marché central",
      };
      expect((await post("/webhooks/twilio/messages", params)).status).toBe(200);
      expect(inbound.received[0]?.content).toEqual({
        kind: "location",
        latitude: -5.9475,
        longitude: 29.1947,
        label: "Marché central",
      });
    });

    it("turns an MMS or WhatsApp image into media", async () => {
      const params = {
        MessageSid: sid("MM", 14),
        From: "+243990000003",
        To: "+15005550006",
        Body: "",
        NumMedia: "1",
        MediaUrl0: "https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME1",
        MediaContentType0: "image/jpeg",
      };
      expect((await post("/webhooks/twilio/messages", params)).status).toBe(200);
      expect(inbound.received[0]?.content).toEqual({
        kind: "media",
        url: "https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME1",
        contentType: "image/jpeg",
      });
    });

    it("answers a signed but malformed body with 400 naming the field", async () => {
      const res = await post("/webhooks/twilio/messages", {
        MessageSid: "not-a-sid",
        From: "0990000001",
        To: "+15005550006",
      });
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.message).toMatch(/MessageSid: must be a Twilio SID/);
      expect(body.message).toMatch(/From: must be an E\.164 number/);
      expect(body.message).not.toContain("0990000001");
      expect(inbound.received).toEqual([]);

      const media = await post("/webhooks/twilio/messages", {
        MessageSid: sid("MM", 15),
        From: "+243990000003",
        To: "+15005550006",
        NumMedia: "1",
      });
      expect(media.status).toBe(400);
      expect((await media.json()).message).toMatch(/MediaUrl0: required/);
    });

    it("answers 500 when handleInbound fails, so Twilio delivers again", async () => {
      inbound.failNext(new Error("database down"));
      const params = { MessageSid: sid("SM", 16), From: "+243990000001", To: "+15005550006", Body: "x" };
      const res = await post("/webhooks/twilio/messages", params);
      expect(res.status).toBe(500);
      expect(await res.text()).not.toContain("database down");
      expect((await post("/webhooks/twilio/messages", params)).status).toBe(200);
      expect(inbound.received).toHaveLength(1);
    });

    it("refuses an oversized body with 413", async () => {
      const params = { MessageSid: sid("SM", 17), From: "+243990000001", To: "+15005550006", Body: "x".repeat(70_000) };
      expect((await post("/webhooks/twilio/messages", params)).status).toBe(413);
    });
  });

  describe("POST /webhooks/twilio/status", () => {
    async function outbound(providerMessageId: string) {
      return db.prisma.message.create({
        data: { direction: "outbound", channel: "sms", providerMessageId, status: "sent", text: "t" },
      });
    }
    const statusOf = async (id: string) =>
      await db.prisma.message.findUniqueOrThrow({ where: { id }, select: { status: true, errorCode: true } });

    it("moves a status forward and never backwards, whatever the order of callbacks", async () => {
      const messageSid = sid("SM", 100);
      const message = await outbound(messageSid);
      const callback = (MessageStatus: string, extra: Record<string, string> = {}) =>
        post("/webhooks/twilio/status", { MessageSid: messageSid, MessageStatus, ...extra });

      expect((await callback("delivered")).status).toBe(200);
      expect(await statusOf(message.id)).toEqual({ status: "delivered", errorCode: null });
      // "sent" and "sending" arrive late: ignored.
      await callback("sent");
      await callback("sending");
      expect((await statusOf(message.id)).status).toBe("delivered");
      // A failure never overrides delivered.
      await callback("undelivered", { ErrorCode: "30005" });
      expect(await statusOf(message.id)).toEqual({ status: "delivered", errorCode: null });
      // Read (WhatsApp) goes further.
      await callback("read");
      await callback("delivered");
      expect((await statusOf(message.id)).status).toBe("read");
    });

    it("records a failure with its code, and nothing moves a message out of it", async () => {
      const messageSid = sid("SM", 101);
      const message = await outbound(messageSid);
      await post("/webhooks/twilio/status", {
        MessageSid: messageSid,
        MessageStatus: "undelivered",
        ErrorCode: "30003",
      });
      expect(await statusOf(message.id)).toEqual({ status: "undelivered", errorCode: "30003" });
      await post("/webhooks/twilio/status", { MessageSid: messageSid, MessageStatus: "sent" });
      await post("/webhooks/twilio/status", { MessageSid: messageSid, MessageStatus: "failed", ErrorCode: "30008" });
      expect(await statusOf(message.id)).toEqual({ status: "undelivered", errorCode: "30003" });
    });

    it("acknowledges an unknown MessageSid, refuses forged and malformed callbacks", async () => {
      expect(
        (await post("/webhooks/twilio/status", { MessageSid: sid("SM", 999), MessageStatus: "delivered" })).status,
      ).toBe(200);
      const message = await outbound(sid("SM", 102));
      const params = { MessageSid: sid("SM", 102), MessageStatus: "delivered" };
      expect((await post("/webhooks/twilio/status", params, "forged")).status).toBe(403);
      expect((await statusOf(message.id)).status).toBe("sent");
      expect(
        (await post("/webhooks/twilio/status", { MessageSid: sid("SM", 102), MessageStatus: "teleported" })).status,
      ).toBe(400);
    });
  });

  describe("POST /webhooks/twilio/voice (missed call)", () => {
    const caller = "+243990000077";
    const call = (n: number, from = caller) =>
      post("/webhooks/twilio/voice", { CallSid: sid("CA", n), From: from, To: "+15005550006", CallStatus: "ringing" });

    it("rejects the call as busy and texts the alert menu, three times an hour at most", async () => {
      for (let n = 1; n <= 4; n++) {
        const res = await call(n);
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toMatch(/^text\/xml/);
        expect(await res.text()).toBe(rejectTwiml);
      }
      expect(inbound.received).toHaveLength(3);
      expect(inbound.received[0]).toEqual({
        channel: "sms",
        address: caller,
        providerMessageId: sid("CA", 1),
        receivedAt: expect.any(Date),
        content: { kind: "start", flowId: "alert" },
      });
      // The counter is kept under a hash, not the phone number.
      const counters = await db.prisma.rateCounter.findMany();
      expect(counters).toEqual([{ key: missedCallKey(caller), windowStart: expect.any(Date), count: 4 }]);
      expect(JSON.stringify(counters)).not.toContain("990000077");
      // Another caller has their own allowance.
      await call(5, "+243990000078");
      expect(inbound.received).toHaveLength(4);
    });

    it("still rejects a withheld caller, and a caller whose start fails, without texting", async () => {
      const res = await call(20, "anonymous");
      expect(await res.text()).toBe(rejectTwiml);
      inbound.failNext(new Error("database down"));
      const failing = await call(21, "+243990000079");
      expect(failing.status).toBe(200);
      expect(await failing.text()).toBe(rejectTwiml);
      expect(inbound.received).toEqual([]);
    });

    it("refuses a forged call", async () => {
      const res = await post("/webhooks/twilio/voice", { CallSid: sid("CA", 30), From: caller }, "forged");
      expect(res.status).toBe(403);
    });
  });
});
