import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TwilioSender } from "../../src/channels/twilio/TwilioSender.js";
import { prismaSql } from "../../src/db/SqlRunner.js";
import { claimOutboxItems } from "../../src/outbox/claimOutboxItems.js";
import { enqueueOutbound } from "../../src/outbox/enqueueOutbound.js";
import { outboundBodySchema } from "../../src/outbox/outboundBodySchema.js";
import { startTestService, type TestService, testPublicUrl } from "../support/startTestService.js";

// A worker that dies after Twilio accepted a message, but before it could record the answer, must
// not cause the message to be sent twice: Twilio's status callback names the outbox item, and the
// worker that takes the item back after its lock expired records it as sent instead of sending it.
describe("outbox: a worker dies between Twilio's acceptance and its record", () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ JOBS_ENABLED: "false" });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function enqueueLater(text: string, recipient: string) {
    // Due in an hour, so that the live worker leaves it to the "doomed" one of the test.
    return enqueueOutbound(t.service.db.prisma, {
      contactId: null,
      channel: "sms",
      recipient,
      body: { text },
      now: new Date(Date.now() + 3_600_000),
      config: t.service.ctx.config,
    });
  }

  /** Claims the item as a worker that then dies after sending it: nothing is recorded. */
  async function sendAndDie(outboxId: string) {
    const [claimed] = await claimOutboxItems(prismaSql(t.service.db.prisma), {
      workerId: "doomed:1:0",
      limit: 1,
      now: new Date(Date.now() + 3_600_001),
      lockMs: 60_000,
    });
    expect(claimed?.id).toBe(outboxId);
    const twilio = t.service.ctx.config.twilio;
    if (!claimed || !twilio) throw new Error("no claim or no Twilio configuration");
    const sender = new TwilioSender({
      accountSid: twilio.accountSid,
      authToken: twilio.authToken,
      smsFrom: twilio.smsFrom,
      whatsappFrom: twilio.whatsappFrom,
      apiBaseUrl: twilio.apiBaseUrl,
      publicUrl: testPublicUrl,
    });
    const result = await sender.send({
      outboxId: claimed.id,
      messageId: claimed.messageId,
      channel: "sms",
      recipient: claimed.recipient,
      sender: claimed.sender,
      body: outboundBodySchema.parse(claimed.body),
      attempt: claimed.attempts,
    });
    expect(result.status).toBe("sent");
    return result.status === "sent" ? result.providerMessageId : "";
  }

  /** The lock of the dead worker runs out. */
  async function expireLock(outboxId: string) {
    await t.service.db.prisma.outboxItem.update({
      where: { id: outboxId },
      data: { lockedUntil: new Date(Date.now() - 1_000), nextAttemptAt: new Date() },
    });
  }

  it("takes the item back as sent when the status callback told which item it was", async () => {
    t.twilio.statusCallbacks = { publicUrl: testPublicUrl, deliverTo: t.baseUrl, retryForMs: 5_000 };
    const recipient = "+243990007001";
    const queued = await enqueueLater("Votre référence est R-2040.", recipient);
    const sid = await sendAndDie(queued.outboxId);
    const request = t.twilio.requests.at(-1);
    expect(request?.params.StatusCallback).toBe(`${testPublicUrl}/webhooks/twilio/status?outbox=${queued.outboxId}`);
    await expect.poll(() => t.twilio.callbacksDelivered, { timeout: 5_000 }).toBe(1);

    await expireLock(queued.outboxId);
    await t.drainOutbox();

    expect(t.sentTo(recipient)).toEqual(["Votre référence est R-2040."]);
    const item = await t.service.db.prisma.outboxItem.findUniqueOrThrow({
      where: { id: queued.outboxId },
      include: { message: { select: { providerMessageId: true, status: true } } },
    });
    expect(item).toMatchObject({ status: "sent", lockedBy: null, message: { providerMessageId: sid, status: "sent" } });
  });

  it("sends the item again when no callback came (the provider never got it, as far as anyone knows)", async () => {
    t.twilio.statusCallbacks = null;
    const recipient = "+243990007002";
    const queued = await enqueueLater("Rappel: rendez-vous demain.", recipient);
    const first = await sendAndDie(queued.outboxId);
    await expireLock(queued.outboxId);
    await t.drainOutbox();

    // At least once: without the callback, Relais cannot know the first send went through.
    expect(t.sentTo(recipient)).toEqual(["Rappel: rendez-vous demain.", "Rappel: rendez-vous demain."]);
    const item = await t.service.db.prisma.outboxItem.findUniqueOrThrow({
      where: { id: queued.outboxId },
      include: { message: { select: { providerMessageId: true } } },
    });
    expect(item.status).toBe("sent");
    expect(item.attempts).toBe(2);
    expect(item.message.providerMessageId).not.toBe(first);
  });

  it("refuses a callback URL with a malformed item id, and ignores an unknown one", async () => {
    const params = { MessageSid: `SM${"9".repeat(32)}`, MessageStatus: "sent" };
    expect((await t.postTwilio("/webhooks/twilio/status?outbox=not-a-uuid", params)).status).toBe(400);
    expect(
      (await t.postTwilio("/webhooks/twilio/status?outbox=00000000-0000-4000-8000-000000000000", params)).status,
    ).toBe(200);
  });
});
