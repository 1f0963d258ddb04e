import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../support/startTestService.js";

describe("the information flow over the real webhooks", () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("works for an SMS user", async () => {
    const phone = "+243990001001";
    for (const text of ["bonjour", "1", "3", "1"]) {
      expect((await t.sms(phone, text)).status).toBe(200);
    }
    await t.drainOutbox();
    const sent = t.sentTo(phone);
    expect(sent[0]).toMatch(/1\. Francais\n2\. English\n3\. Kiswahili/);
    expect(sent[1]).toContain("Menu principal");
    expect(sent[2]).toContain("Informations");
    expect(sent[3]).toMatch(/CLS/);
  });

  it("works for a WhatsApp user", async () => {
    const phone = "+224620001002";
    for (const text of ["hello", "2", "3", "4"]) {
      expect((await t.sms(`whatsapp:${phone}`, text)).status).toBe(200);
    }
    await t.drainOutbox();
    const sent = t.sentTo(phone);
    expect(sent).toHaveLength(4);
    expect(sent[1]).toMatch(/Main menu/i);
    const toWhatsApp = t.twilio.requests.filter((r) => r.params.To === `whatsapp:${phone}`);
    expect(toWhatsApp.every((r) => r.params.From === "whatsapp:+14155238886")).toBe(true);
  });

  it("works for a Telegram user, with buttons", async () => {
    const chat = 70001;
    for (const text of ["/start", "3", "3"]) {
      expect((await t.telegramText(chat, text)).status).toBe(200);
    }
    await t.drainOutbox();
    const calls = t.telegram
      .callsTo("sendMessage")
      .filter((c) => c.payload.chat_id === chat || c.payload.chat_id === String(chat));
    expect(calls.length).toBe(3);
    expect(JSON.stringify(calls[0]?.payload.reply_markup)).toContain("Kiswahili");
    expect(String(calls[2]?.payload.text)).toMatch(/Taarifa|Habari|Maelezo/i);
  });

  it("ignores a forged webhook and a repeated delivery", async () => {
    const before = await t.service.db.prisma.message.count();
    const forged = await fetch(`${t.baseUrl}/webhooks/twilio/messages`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": "forged" },
      body: new URLSearchParams({ MessageSid: "SMforged", From: "+243990001009", Body: "bonjour" }).toString(),
    });
    expect(forged.status).toBe(403);
    const params = {
      MessageSid: `SM${"d".repeat(32)}`,
      From: "+243990001010",
      To: "+15005550006",
      Body: "bonjour",
      NumMedia: "0",
    };
    expect((await t.postTwilio("/webhooks/twilio/messages", params)).status).toBe(200);
    expect((await t.postTwilio("/webhooks/twilio/messages", params)).status).toBe(200);
    await t.drainOutbox();
    expect(
      await t.service.db.prisma.message.count({
        where: { direction: "inbound", providerMessageId: params.MessageSid },
      }),
    ).toBe(1);
    expect(t.sentTo("+243990001010")).toHaveLength(1);
    expect(await t.service.db.prisma.message.count()).toBe(before + 2);
  });
});
