import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../support/startTestService.js";

describe("conversation state in the database", () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("survives a restart: the conversation continues exactly where it was", async () => {
    const phone = "+243990002001";
    for (const text of ["bonjour", "2", "4"]) expect((await t.sms(phone, text)).status).toBe(200);
    await t.drainOutbox();
    expect(t.sentTo(phone).at(-1)).toMatch(/thanks|suggestion|complaint/i);

    await t.restart();
    expect((await t.sms(phone, "2")).status).toBe(200);
    await t.drainOutbox();
    // Still in the feedback flow, in English: the suggestion type was taken and the text is asked for.
    expect(t.sentTo(phone).at(-1)).toMatch(/write|suggestion/i);
    const conversation = await t.service.db.prisma.conversation.findFirstOrThrow({
      where: { contact: { addresses: { some: { address: phone } } }, status: "active" },
    });
    expect(conversation.flowId).toBe("feedback");
    expect(conversation.variables).toMatchObject({ feedbackType: "suggestion" });
  });

  it("expires after inactivity: the next message starts fresh with a short note", async () => {
    const phone = "+243990002002";
    for (const text of ["bonjour", "1", "4"]) await t.sms(phone, text);
    await t.drainOutbox();
    const prisma = t.service.db.prisma;
    const active = await prisma.conversation.findFirstOrThrow({
      where: { contact: { addresses: { some: { address: phone } } }, status: "active" },
    });
    await prisma.conversation.update({ where: { id: active.id }, data: { expiresAt: new Date(Date.now() - 1000) } });

    await t.sms(phone, "1");
    await t.drainOutbox();
    const sent = t.sentTo(phone);
    const lastTwo = sent.slice(-2).join("\n");
    expect(lastTwo).toMatch(/expir|inactiv|nouveau|reprend/i);
    expect(lastTwo).toContain("Menu principal");
    expect((await prisma.conversation.findUniqueOrThrow({ where: { id: active.id } })).status).toBe("expired");
  });

  it("keeps STOP: nothing more is sent until START", async () => {
    const phone = "+243990002003";
    await t.sms(phone, "bonjour");
    await t.sms(phone, "1");
    await t.sms(phone, "  Arrêt ");
    await t.drainOutbox();
    const afterStop = t.sentTo(phone).length;
    await t.sms(phone, "menu");
    await t.sms(phone, "3");
    await t.drainOutbox();
    expect(t.sentTo(phone)).toHaveLength(afterStop);
    const contact = await t.service.db.prisma.contact.findFirstOrThrow({
      where: { addresses: { some: { address: phone } } },
    });
    expect(contact.optedOut).toBe(true);
    await t.sms(phone, "START");
    await t.drainOutbox();
    expect(t.sentTo(phone).length).toBeGreaterThan(afterStop);
    expect(t.sentTo(phone).at(-1)).toContain("Menu principal");
  });

  it("records MEAL events without phone numbers or free text", async () => {
    const phone = "+243990002004";
    for (const text of ["bonjour", "1", "4", "3", "La route de Tumbwe est coupee"]) await t.sms(phone, text);
    await t.drainOutbox();
    const events = await t.service.db.prisma.mealEvent.findMany();
    expect(events.length).toBeGreaterThan(0);
    const dump = JSON.stringify(events, (_k, v) => (typeof v === "bigint" ? String(v) : v));
    expect(dump).not.toContain("990002004");
    expect(dump).not.toContain("Tumbwe est coupee");
    expect(events.some((e) => e.type === "feedback.created" && e.category === "complaint")).toBe(true);
    const feedback = await t.service.db.prisma.feedback.findFirstOrThrow({
      where: { text: "La route de Tumbwe est coupee" },
    });
    expect(feedback.ref).toMatch(/^F-\d{4}$/);
    expect(t.sentTo(phone).at(-1)).toContain(feedback.ref);
  });
});
