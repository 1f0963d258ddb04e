import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escalateAlerts } from "../../src/alerts/escalateAlerts.js";
import { scrubAnonymousTraces } from "../../src/alerts/scrubAnonymousTraces.js";
import { pseudonymise } from "../../src/meal/pseudonymise.js";
import type { TestService } from "../support/startTestService.js";
import { ageAlert, fp, lastRef, pseudonymSecret, reportBySms, startAlertService } from "./alertSupport.js";

const allFocalPoints: string[] = Object.values(fp);
const tumbwe: string[] = [fp.tumbwePresident, fp.tumbweMember1, fp.tumbweMember2, fp.tumbwePnc];

describe("security alerts over SMS and Telegram, end to end", () => {
  let t: TestService;
  const counts = () => new Map(allFocalPoints.map((r) => [r, t.sentTo(r).length]));
  const since = (before: Map<string, number>, recipient: string) =>
    t.sentTo(recipient).slice(before.get(recipient) ?? 0);

  beforeAll(async () => {
    t = await startAlertService();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("routes a report in Tumbwe to Tumbwe's focal points only, each on its own channel and language", async () => {
    const before = counts();
    const reporter = "+243990001201";
    const ref = await reportBySms(t, reporter, {
      category: "1",
      urgency: "2",
      etd: "1",
      place: "Kalunga",
      description: "Des hommes armés près du marché",
      anonymity: "2",
    });
    const confirmation = t.sentTo(reporter).at(-1) ?? "";
    expect(confirmation).toContain(`Alerte ${ref} transmise`);
    for (const recipient of tumbwe) {
      const got = since(before, recipient);
      expect(got, recipient).toHaveLength(1);
      expect(got[0]).toContain(ref);
      expect(got[0]).toContain("Chefferie Tumbwe, Kalunga");
    }
    // The president reads Swahili (on Telegram), member 2 French (on Telegram), member 1 Swahili (SMS).
    expect(since(before, fp.tumbwePresident)[0]).toMatch(/TAHADHARI .*Watu au kikundi chenye silaha/s);
    expect(since(before, fp.tumbweMember2)[0]).toMatch(/ALERTE .*Hommes ou groupe armés.*OK A-/s);
    expect(since(before, fp.tumbweMember1)[0]).toMatch(/Jibu OK A-\d+/);
    for (const other of allFocalPoints.filter((r) => !tumbwe.includes(r) && r !== fp.tumbwePncSms)) {
      expect(since(before, other), other).toEqual([]);
    }
    expect(since(before, fp.tumbwePncSms)).toEqual([]); // its Telegram is preferred

    const prisma = t.service.db.prisma;
    const alert = await prisma.alert.findUniqueOrThrow({ where: { ref }, include: { recipients: true } });
    expect(alert).toMatchObject({
      category: "armed_group",
      urgency: "recent",
      anonymous: false,
      status: "open",
      tier: 1,
    });
    expect(alert.reporterContactId).not.toBeNull();
    expect(alert.recipients).toHaveLength(4);
    const consent = await prisma.consent.findFirst({ where: { contactId: alert.reporterContactId ?? "" } });
    expect(consent).toMatchObject({ purpose: "alert_callback", version: "1", granted: true, channel: "sms" });
    const meal = await prisma.mealEvent.findMany({ where: { type: { startsWith: "alert." } } });
    expect(meal.map((e) => e.type)).toEqual(expect.arrayContaining(["alert.created", "alert.routed"]));
    expect(meal.every((e) => e.subject === null)).toBe(true);
    expect(meal.find((e) => e.type === "alert.created")).toMatchObject({
      location: "CD-TA-KAL-TUMBWE",
      category: "armed_group",
      urgency: "recent",
      channel: "sms",
    });
  });

  it("lets a recipient acknowledge with OK and close with FIN; the others and the reporter hear of it", async () => {
    const reporter = "+243990001202";
    const ref = await reportBySms(t, reporter, {
      category: "3",
      urgency: "2",
      etd: "1",
      place: "Kasanga",
      description: "0",
      anonymity: "2",
    });
    const before = counts();
    const reporterBefore = t.sentTo(reporter).length;

    expect((await t.telegramText(Number(fp.tumbweMember2), `ok ${ref.toLowerCase()}`)).status).toBe(200);
    await t.drainOutbox();
    expect(since(before, fp.tumbweMember2)[0]).toContain(`Alerte ${ref} prise en charge par vous`);
    expect(since(before, fp.tumbwePresident)[0]).toMatch(
      new RegExp(`${ref} inashughulikiwa na Fictif — Jean-Pierre L\\. \\(mjumbe wa CLS\\)`),
    );
    expect(since(before, fp.tumbweMember1)[0]).toContain("Jean-Pierre L.");
    expect(t.sentTo(reporter).slice(reporterBefore)).toEqual([
      `Votre alerte ${ref} a été prise en charge par le comité. Merci de votre vigilance.`,
    ]);

    // FIN without a reason: asked, then "1" closes it as resolved.
    expect((await t.sms(fp.tumbweMember1, `FIN ${ref} calme revenu`)).status).toBe(200);
    await t.drainOutbox();
    expect(since(before, fp.tumbweMember1).at(-1)).toMatch(/1\. Imetatuliwa\n2\. Tahadhari ya uongo/);
    expect((await t.sms(fp.tumbweMember1, "1")).status).toBe(200);
    await t.drainOutbox();
    expect(since(before, fp.tumbweMember1).at(-1)).toBe(`Tahadhari ${ref} imefungwa (imetatuliwa). Asante.`);
    expect(since(before, fp.tumbweMember2).at(-1)).toContain(`Alerte ${ref} cloturée par`);
    expect(t.sentTo(reporter).at(-1)).toBe(`Votre alerte ${ref} a été traitée et cloturée par le comité. Merci.`);

    const alert = await t.service.db.prisma.alert.findUniqueOrThrow({ where: { ref }, include: { events: true } });
    expect(alert).toMatchObject({ status: "closed", closeReason: "resolved", closeNote: "calme revenu" });
    expect(alert.acknowledgedAt).not.toBeNull();
    expect(alert.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(["created", "routed", "acknowledged", "close_requested", "closed", "reporter_notified"]),
    );

    // Once closed, further commands are told so.
    expect((await t.sms(fp.tumbweMember1, `OK ${ref}`)).status).toBe(200);
    await t.drainOutbox();
    expect(t.sentTo(fp.tumbweMember1).at(-1)).toBe(`Tahadhari ${ref} tayari imefungwa.`);
  });

  it("refuses commands from focal points the alert was not routed to, and unknown references", async () => {
    const ref = await reportBySms(t, "+243990001203", {
      category: "4",
      urgency: "3",
      etd: "1",
      place: "Lambo",
      description: "Bagarre",
      anonymity: "1",
    });
    const before = counts();
    expect((await t.telegramText(Number(fp.bayaziPresident), `OK ${ref}`)).status).toBe(200);
    expect((await t.sms(fp.bayaziMember, `FIN ${ref} 1`)).status).toBe(200);
    expect((await t.sms("+243990001299", `OK ${ref}`)).status).toBe(200);
    expect((await t.sms(fp.tumbweMember1, "OK A-999999")).status).toBe(200);
    await t.drainOutbox();
    expect(since(before, fp.bayaziPresident)).toEqual([
      `Tahadhari ${ref}: wewe si mmoja wa wapokeaji wa tahadhari hii. Imekataliwa.`,
    ]);
    expect(since(before, fp.bayaziMember).at(-1)).toContain("wewe si mmoja wa wapokeaji");
    expect(t.sentTo("+243990001299").at(-1)).toContain("vous ne faites pas partie des destinataires");
    expect(since(before, fp.tumbweMember1).at(-1)).toBe("Hakuna tahadhari A-999999. Angalia namba.");
    expect(await t.service.db.prisma.alert.findUniqueOrThrow({ where: { ref } })).toMatchObject({ status: "open" });
  });

  it("never routes police misconduct to the PNC liaison, not even on escalation", async () => {
    const before = counts();
    const ref = await reportBySms(t, "+243990001204", {
      category: "9",
      urgency: "1",
      etd: "1",
      place: "Katanika",
      description: "Policiers qui rackettent",
      anonymity: "1",
    });
    for (const recipient of [fp.tumbwePresident, fp.tumbweMember1, fp.tumbweMember2]) {
      expect(since(before, recipient), recipient).toHaveLength(1);
    }
    const prisma = t.service.db.prisma;
    const alert = await prisma.alert.findUniqueOrThrow({ where: { ref } });
    await ageAlert(t, ref, 20);
    await escalateAlerts(prisma, t.service.ctx, { now: new Date() });
    await ageAlert(t, ref, 20);
    await escalateAlerts(prisma, t.service.ctx, { now: new Date() });
    await t.drainOutbox();
    expect(since(before, fp.tumbwePnc)).toEqual([]);
    expect(since(before, fp.tumbwePncSms)).toEqual([]);
    const pnc = await prisma.focalPoint.findUniqueOrThrow({ where: { code: "FP-TUMBWE-PNC" } });
    expect(await prisma.alertRecipient.count({ where: { alertId: alert.id, focalPointId: pnc.id } })).toBe(0);
    expect(since(before, fp.provincial)).toHaveLength(1);
    expect(since(before, fp.duty)).toHaveLength(1);
  });

  it("escalates an unacknowledged urgent alert on time: province after 15 min, then the duty officer", async () => {
    const ref = await reportBySms(t, "+243990001205", {
      category: "6",
      urgency: "1",
      etd: "1",
      place: "Mpala",
      description: "Un enfant enlevé",
      anonymity: "2",
    });
    const before = counts();
    const prisma = t.service.db.prisma;
    const alert = await prisma.alert.findUniqueOrThrow({ where: { ref } });
    expect(alert.nextEscalationAt?.getTime()).toBe(alert.createdAt.getTime() + 15 * 60_000);
    // The pass runs at a chosen `now`; the alert is moved back in time so its notifications are due now.
    const escalateAt = async (minutes: number) => {
      const current = await prisma.alert.findUniqueOrThrow({ where: { ref } });
      const now = new Date();
      const shift = minutes * 60_000 - (now.getTime() - current.createdAt.getTime());
      await ageAlert(t, ref, shift / 60_000);
      return escalateAlerts(prisma, t.service.ctx, { now });
    };

    expect(await escalateAt(14.9)).toMatchObject({ escalated: 0 });
    expect(await escalateAt(15)).toMatchObject({ escalated: 1 });
    await t.drainOutbox();
    expect(since(before, fp.provincial)).toHaveLength(1);
    expect(since(before, fp.provincial)[0]).toMatch(
      new RegExp(`^ESCALADE ${ref} - Danger maintenant, sans réponse depuis 15 min`),
    );
    expect(since(before, fp.duty)).toEqual([]);
    expect(since(before, fp.tumbwePresident)).toEqual([]); // already notified: not again

    expect(await escalateAt(29.9)).toMatchObject({ escalated: 0 });
    expect(await escalateAt(30)).toMatchObject({ escalated: 1 });
    await t.drainOutbox();
    expect(since(before, fp.duty)).toHaveLength(1);
    const escalated = await prisma.alert.findUniqueOrThrow({ where: { ref }, include: { events: true } });
    expect(escalated).toMatchObject({ tier: 3, nextEscalationAt: null, status: "open" });
    expect(escalated.events.filter((e) => e.type === "escalated").map((e) => e.data)).toEqual([
      { from: 1, tier: 2, recipients: 1, minutes: 15 },
      { from: 2, tier: 3, recipients: 1, minutes: 30 },
    ]);
    expect(
      await prisma.mealEvent.count({ where: { type: "alert.escalated", location: "CD-TA-KAL-TUMBWE" } }),
    ).toBeGreaterThanOrEqual(2);

    // The provincial focal point was routed to at tier 2: it may acknowledge.
    expect((await t.telegramText(Number(fp.provincial), `OK ${ref}`)).status).toBe(200);
    await t.drainOutbox();
    expect(t.sentTo(fp.provincial).at(-1)).toContain("prise en charge par vous");
    expect(await prisma.alert.findUniqueOrThrow({ where: { ref } })).toMatchObject({ status: "acknowledged" });
  });

  it("leaves no trace of who sent an anonymous report (Telegram)", async () => {
    const chat = 70_501;
    for (const text of ["/start alert", "5", "1", "2", "Quartier Kabalo", "Une femme agressée", "1"]) {
      expect((await t.telegramText(chat, text)).status).toBe(200);
    }
    await t.drainOutbox();
    const sent = t.sentTo(String(chat));
    const ref = lastRef(sent);
    expect(sent.at(-1)).toContain("Votre numéro n'est pas gardé");
    expect(sent.at(-1)).toContain("Mettez-vous d'abord à l'abri");
    expect(t.sentTo(fp.protection).at(-1)).toContain(ref); // sexual violence: the protection focal point too
    expect(t.sentTo(fp.bayaziPresident).at(-1)).toContain(ref);

    const prisma = t.service.db.prisma;
    const contact = await prisma.contactAddress.findUniqueOrThrow({
      where: { channel_address: { channel: "telegram", address: String(chat) } },
      include: { contact: true },
    });
    const alert = await prisma.alert.findUniqueOrThrow({ where: { ref } });
    expect(alert).toMatchObject({ anonymous: true, reporterContactId: null, consentToContact: false });
    expect(await prisma.consent.count({ where: { contactId: contact.contactId } })).toBe(0);
    await scrubAnonymousTraces(prisma, new Date());

    // No message of that contact keeps a text; nothing in the database ties the contact to the reference.
    const messages = await prisma.message.findMany({ where: { contactId: contact.contactId } });
    expect(messages.filter((m) => m.text !== null || m.payload !== null)).toEqual([]);
    expect(await prisma.conversation.count({ where: { contactId: contact.contactId } })).toBe(0);
    expect(await prisma.message.count({ where: { text: { contains: ref }, contactId: null } })).toBe(0);
    const outbox = await prisma.outboxItem.findMany({ where: { recipient: String(chat) } });
    expect(outbox).toEqual([]);
    const subject = pseudonymise(pseudonymSecret, "telegram", String(chat));
    expect(contact.contact.pseudonym).toBe(subject);
    expect(await prisma.mealEvent.count({ where: { subject, flowId: "alert" } })).toBe(0);
    expect(await prisma.mealEvent.count({ where: { subject, at: { gte: alert.createdAt } } })).toBe(0);
    const dump = JSON.stringify(await prisma.alertEvent.findMany({ where: { alertId: alert.id } }));
    expect(dump).not.toContain(contact.contactId);
    expect(dump).not.toContain(String(chat));
  });

  it("links a probable duplicate and tells the recipients other reports exist", async () => {
    const first = await reportBySms(t, "+243990001206", {
      category: "7",
      urgency: "3",
      etd: "2",
      place: "Kongolo centre",
      description: "0",
      anonymity: "1",
    });
    const before = counts();
    const second = await reportBySms(t, "+243990001207", {
      category: "7",
      urgency: "2",
      etd: "2",
      place: "Mbulula",
      description: "0",
      anonymity: "1",
    });
    const prisma = t.service.db.prisma;
    const original = await prisma.alert.findUniqueOrThrow({ where: { ref: first } });
    expect(await prisma.alert.findUniqueOrThrow({ where: { ref: second } })).toMatchObject({
      duplicateOfId: original.id,
    });
    expect(since(before, fp.bayaziPresident)[0]).toContain(`Ripoti nyingine karibu: ${first}`);
  });

  it("takes the place as a WhatsApp location pin", async () => {
    const before = counts();
    const from = "whatsapp:+243990001210";
    for (const text of ["ALERTE", "8", "2", "6"]) expect((await t.sms(from, text)).status).toBe(200);
    const pin = await t.sms(from, "", { Latitude: "-5.9475", Longitude: "29.1947", Address: "Port de Kalemie" });
    expect(pin.status).toBe(200);
    for (const text of ["Le lac déborde", "2"]) expect((await t.sms(from, text)).status).toBe(200);
    await t.drainOutbox();
    const ref = lastRef(t.sentTo("+243990001210"));
    const alert = await t.service.db.prisma.alert.findUniqueOrThrow({ where: { ref } });
    expect(alert).toMatchObject({
      category: "natural_hazard",
      latitude: -5.9475,
      longitude: 29.1947,
      place: "Port de Kalemie",
      channel: "whatsapp",
    });
    expect(await t.service.db.prisma.alertRecipient.count({ where: { alertId: alert.id } })).toBe(3);
    expect(t.sentTo("990000019").at(-1)).toContain("GPS -5.94750,29.19470"); // the president of the CLS du Lac
    expect(since(before, fp.tumbwePresident)).toEqual([]);
  });

  it("opens the alert menu from the main menu and from a missed call", async () => {
    const phone = "+243990001208";
    for (const text of ["bonjour", "1", "2"]) expect((await t.sms(phone, text)).status).toBe(200);
    await t.drainOutbox();
    expect(t.sentTo(phone).at(-1)).toContain("Alerte sécurité. Que se passe-t-il?");
    const caller = "+243990001209";
    const call = await t.postTwilio("/webhooks/twilio/voice", {
      CallSid: `CA${"1".repeat(32)}`,
      AccountSid: t.twilio.accountSid,
      From: caller,
      To: "+15005550006",
      CallStatus: "ringing",
    });
    expect(call.status).toBe(200);
    await t.drainOutbox();
    expect(t.sentTo(caller).at(-1)).toMatch(/^Alerte sécurité\. Que se passe-t-il\?\n1\. Hommes ou groupe armés/);
  });
});
