import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reofferUnanswered } from "../../src/referrals/reofferUnanswered.js";
import { startTestService, type TestService } from "../support/startTestService.js";
import {
  api,
  choiceNumber,
  linkIn,
  openAuth,
  received,
  refIn,
  runFollowUps,
  say,
  testProvider,
} from "./referralTestKit.js";

const providerPhone = "+224620990001";

/** Walks the orientation flow up to the provider menu (French, SMS or WhatsApp). */
async function orientToKindia(
  t: TestService,
  from: string,
  options: { consent: "yes" | "no"; language?: "1" | "2"; sex?: string; age?: string },
): Promise<string> {
  await say(t, from, "bonjour", options.language ?? "1", "1");
  await say(t, from, options.consent === "yes" ? "1" : "2");
  if (options.consent === "yes") await say(t, from, "1");
  const address = from.replace(/^whatsapp:/, "");
  const needs = received(t, address).at(-1) ?? "";
  await say(t, from, choiceNumber(needs, options.language === "2" ? "Mental health" : "Soutien psy"), "2");
  await say(t, from, choiceNumber(received(t, address).at(-1) ?? "", "Guinée"));
  await say(t, from, choiceNumber(received(t, address).at(-1) ?? "", "Kindia"));
  await say(t, from, choiceNumber(received(t, address).at(-1) ?? "", "Kindia"));
  await say(t, from, options.sex ?? "1", options.age ?? "2", "1");
  return received(t, address).at(-1) ?? "";
}

function noticeFor(t: TestService, ref: string): string {
  const notice = received(t, providerPhone).find((text) => text.includes(`orientation ${ref}`));
  if (!notice) throw new Error(`no notice for ${ref}`);
  return notice;
}

describe("orientation and referral over the real webhooks", () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({}, { auth: openAuth });
    expect((await api(t, "PUT", `/api/providers/${testProvider.code}`, testProvider)).status).toBe(201);
    // The demo Kindia health centre also serves Kindia: keep this test's provider the only local one.
    expect((await api(t, "PATCH", "/api/providers/PRV-GN-KIN-SANTE", { takesReferrals: false })).status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("SMS: consent, a provider and a reference; the provider accepts by SMS; the follow-up records satisfaction", async () => {
    const phone = "+224620001001";
    await say(t, phone, "bonjour", "1", "1");
    const opening = received(t, phone);
    expect(opening.join("\n")).toContain("confidentielles");
    expect(opening.at(-1)).toMatch(/transmettions votre demande et votre numéro/);
    await say(t, phone, "1", "1");
    await say(t, phone, choiceNumber(received(t, phone).at(-1) ?? "", "Soutien psy"), "Non");
    await say(t, phone, choiceNumber(received(t, phone).at(-1) ?? "", "Guinée"));
    await say(t, phone, choiceNumber(received(t, phone).at(-1) ?? "", "Kindia"));
    const prefectures = received(t, phone).at(-1) ?? "";
    expect(prefectures).toMatch(/Dans quelle préfecture/);
    await say(t, phone, choiceNumber(prefectures, "Kindia"));
    const before = received(t, phone).length;
    await say(t, phone, "1", "2", "1");
    const shown = received(t, phone, before);
    // Most local first (the Kindia centre), then the national line; name, place, hours and phone.
    expect(shown.join("\n")).toMatch(
      /1\. Centre test[\s\S]*Kindia[\s\S]*Lun-Ven 8h-16h[\s\S]*\+224620990000[\s\S]*2\. Ligne d'écoute nationale/,
    );
    await say(t, phone, choiceNumber(shown.at(-1) ?? "", "Centre test"));
    const confirmation = received(t, phone, before + shown.length).join("\n");
    const ref = refIn(confirmation);
    expect(confirmation).toMatch(/Le service va vous contacter/);

    const notice = noticeFor(t, ref);
    expect(notice).toContain("Soutien psy, Kindia (Kindia)");
    expect(notice).toContain(phone);
    await say(t, providerPhone, `ACCEPTE ${ref}`);
    expect(received(t, providerPhone).at(-1)).toMatch(new RegExp(`Orientation ${ref} acceptée`));
    expect(received(t, phone).at(-1)).toMatch(/Bonne nouvelle: Centre test/);
    await say(t, providerPhone, `accepte ${ref.toLowerCase()}`);
    expect(received(t, providerPhone).at(-1)).toMatch(/déjà: acceptée/);

    const prisma = t.service.db.prisma;
    const accepted = await prisma.referral.findUniqueOrThrow({ where: { ref } });
    expect(accepted).toMatchObject({ status: "accepted", shareIdentity: true, followUpConsent: true, priority: 0 });
    expect(accepted.followUpDueAt?.getTime()).toBe((accepted.acceptedAt?.getTime() ?? 0) + 7 * 86_400_000);
    expect(
      await prisma.consent.findMany({
        where: { contactId: accepted.contactId ?? "" },
        select: { purpose: true, granted: true, version: true },
      }),
    ).toEqual(
      expect.arrayContaining([
        { purpose: "referral_share", granted: true, version: "1" },
        { purpose: "followup_contact", granted: true, version: "1" },
      ]),
    );

    expect(await runFollowUps(t, new Date())).toEqual({ sent: 0, skipped: 0, postponed: 0 });
    await prisma.referral.update({ where: { ref }, data: { followUpDueAt: new Date(Date.now() - 60_000) } });
    expect(await runFollowUps(t, new Date())).toEqual({ sent: 1, skipped: 0, postponed: 0 });
    await t.drainOutbox();
    expect(received(t, phone).at(-1)).toMatch(
      new RegExp(`Centre test de soutien psychosocial \\(fictif\\) \\(référence ${ref}\\)`),
    );
    await say(t, phone, "1", "4", "1", "Tres bon accueil");
    expect(received(t, phone).at(-1)).toMatch(/Merci pour votre réponse/);
    const answered = await prisma.referral.findUniqueOrThrow({ where: { ref } });
    expect(answered).toMatchObject({ satisfaction: 4, serviceReceived: true, comment: "Tres bon accueil" });
    expect(await runFollowUps(t, new Date())).toEqual({ sent: 0, skipped: 0, postponed: 0 });

    const meal = await prisma.mealEvent.findMany({
      where: { type: { startsWith: "referral." } },
      orderBy: { id: "asc" },
    });
    const types = meal.map((e) => e.type);
    for (const type of [
      "referral.consented",
      "referral.requested",
      "referral.referred",
      "referral.accepted",
      "referral.followup_sent",
      "referral.followup_answered",
    ]) {
      expect(types).toContain(type);
    }
    const referred = meal.find((e) => e.type === "referral.referred");
    expect(referred).toMatchObject({
      service: "mhpss",
      location: "GN-D-KINDIA",
      sex: "female",
      ageGroup: "18-24",
      channel: "sms",
    });
    const serialized = JSON.stringify(meal.map((e) => ({ ...e, id: String(e.id) })));
    expect(serialized).not.toContain(phone);
    expect(serialized).not.toContain("Tres bon accueil");
  });

  it("WhatsApp: the provider accepts through the signed link and reports the outcome there", async () => {
    const phone = "+224620001002";
    const menu = await orientToKindia(t, `whatsapp:${phone}`, { consent: "yes", language: "2" });
    expect(menu).toMatch(/Which service do you want us to refer you to/);
    await say(t, `whatsapp:${phone}`, choiceNumber(menu, "Centre test"));
    const ref = refIn(received(t, phone).join("\n"));
    const link = linkIn(noticeFor(t, ref));

    const page = await fetch(`${t.baseUrl}${link}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(ref);
    expect(html).toContain(phone);
    expect(html).toContain('src="/provider/assets/provider.js"');
    expect(html).not.toMatch(/<script>(?!<)/);
    expect(page.headers.get("content-security-policy")).toMatch(/script-src 'self'/);

    const accept = await fetch(`${t.baseUrl}${link}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action: "accept" }),
    });
    expect(accept.status).toBe(200);
    expect(await accept.json()).toMatchObject({
      result: "accepted",
      referral: { status: "accepted", actions: ["outcome"] },
    });
    const again = await fetch(`${t.baseUrl}${link}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action: "accept" }),
    });
    expect(await again.json()).toMatchObject({ result: "unchanged" });
    await t.drainOutbox();
    expect(received(t, phone).at(-1)).toMatch(/Good news: Centre test/);

    const form = await fetch(`${t.baseUrl}${link}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ action: "outcome", outcome: "served" }).toString(),
      redirect: "manual",
    });
    expect(form.status).toBe(303);
    expect(form.headers.get("location")).toBe(`${link}?done=1`);
    const referral = await t.service.db.prisma.referral.findUniqueOrThrow({ where: { ref } });
    expect(referral.status).toBe("served");
    const history = await api(t, "GET", `/api/referrals/${ref}`);
    expect((await history.json()).events.map((e: { type: string }) => e.type)).toEqual([
      "created",
      "accepted",
      "outcome",
    ]);

    expect((await fetch(`${t.baseUrl}${link.slice(0, -3)}abc`)).status).toBe(404);
    expect((await fetch(`${t.baseUrl}/r/not-a-token`)).status).toBe(404);
  });

  it("a refusal of consent leaves no identity on any referral", async () => {
    const phone = "+224620001003";
    const menu = await orientToKindia(t, phone, { consent: "no" });
    expect(received(t, phone).join("\n")).toMatch(/Nous ne transmettrons pas votre numéro/);
    expect(menu).toMatch(/Il ne recevra ni votre nom ni votre numéro/);
    expect(received(t, phone).join("\n")).toMatch(/Ligne d'écoute nationale/);
    await say(t, phone, choiceNumber(menu, "Tous ces services"));
    const confirmation = received(t, phone).at(-2) ?? "";
    expect(confirmation).toMatch(/sans votre nom ni numéro/);
    const refs = confirmation.match(/R-\d+/g) ?? [];
    expect(refs).toHaveLength(2);
    const prisma = t.service.db.prisma;
    const referrals = await prisma.referral.findMany({ where: { ref: { in: refs } } });
    expect(referrals).toHaveLength(2);
    for (const r of referrals) {
      expect(r).toMatchObject({ contactId: null, shareIdentity: false, followUpConsent: false, vulnerabilities: [] });
    }
    const notice = noticeFor(t, refs[0] ?? "");
    expect(notice).not.toContain(phone);
    expect(notice).toMatch(/Sans numéro/);
    const contact = await prisma.contactAddress.findFirstOrThrow({ where: { address: phone } });
    expect(
      await prisma.consent.findMany({
        where: { contactId: contact.contactId },
        select: { purpose: true, granted: true },
      }),
    ).toEqual([{ purpose: "referral_share", granted: false }]);
    const page = await (await fetch(`${t.baseUrl}${linkIn(notice)}`)).text();
    expect(page).not.toContain(phone);
    const meal = await prisma.mealEvent.findMany({
      where: { type: "referral.referred", data: { path: ["ref"], equals: refs[0] } },
    });
    expect(meal[0]?.subject).toBeNull();
    expect(await prisma.mealEvent.count({ where: { type: "referral.consent_refused" } })).toBe(1);
  });

  it("a decline offers the referral to the next provider and tells the returnee; silence past the delay does too", async () => {
    const phone = "+224620001004";
    const menu = await orientToKindia(t, phone, { consent: "yes", sex: "2", age: "3" });
    await say(t, phone, choiceNumber(menu, "Centre test"));
    const ref = refIn(received(t, phone).join("\n"));
    // Someone who is no provider's focal point: not a command, the engine greets them.
    await say(t, "+224620999999", `ACCEPTE ${ref}`);
    expect(received(t, "+224620999999").join("\n")).not.toContain(ref);
    await say(t, providerPhone, `REFUSE ${ref} plus de place cette semaine`);
    expect(received(t, providerPhone).at(-1)).toMatch(/proposée à un autre service/);
    expect(received(t, phone).at(-1)).toMatch(/ne peut pas prendre votre demande.*Ligne d'écoute nationale/s);
    const prisma = t.service.db.prisma;
    const moved = await prisma.referral.findUniqueOrThrow({ where: { ref }, include: { provider: true } });
    expect(moved).toMatchObject({ status: "pending", provider: { code: "PRV-GN-NAT-ECOUTE" } });
    await say(t, providerPhone, `ACCEPTE ${ref}`);
    expect(received(t, providerPhone).at(-1)).toMatch(/pas adressée à votre structure/);
    // The national line's focal points (simulator addresses) got the notice.
    expect(
      await prisma.outboxItem.count({
        where: { recipient: { startsWith: "sim:" }, body: { path: ["text"], string_contains: ref } },
      }),
    ).toBeGreaterThan(0);

    expect(await reofferUnanswered(prisma, t.service.ctx, new Date())).toEqual({
      timedOut: 0,
      reoffered: 0,
      closed: 0,
    });
    expect(moved.respondBy?.getTime()).toBeGreaterThan(Date.now() + 47 * 3_600_000);
    await prisma.referral.update({ where: { ref }, data: { respondBy: new Date(Date.now() - 1000) } });
    // Nobody else serves Kindia for this need: it expires and the returnee is told.
    expect(await reofferUnanswered(prisma, t.service.ctx, new Date())).toEqual({
      timedOut: 1,
      reoffered: 0,
      closed: 1,
    });
    const closed = await prisma.referral.findUniqueOrThrow({ where: { ref } });
    expect(closed.status).toBe("expired");
    await t.drainOutbox();
    expect(received(t, phone).at(-1)).toMatch(new RegExp(`aucun autre service n'a pu prendre votre demande ${ref}`));
    expect(await reofferUnanswered(prisma, t.service.ctx, new Date())).toEqual({
      timedOut: 0,
      reoffered: 0,
      closed: 0,
    });
    // One MEAL event per step, each naming the provider that acted (4W reports).
    const meal = await prisma.mealEvent.findMany({
      where: { data: { path: ["ref"], equals: ref } },
      orderBy: { id: "asc" },
    });
    expect(meal.map((e) => [e.type, JSON.stringify(e.data).match(/"provider":"([^"]+)"/)?.[1]])).toEqual([
      ["referral.referred", testProvider.code],
      ["referral.declined", testProvider.code],
      ["referral.reoffered", "PRV-GN-NAT-ECOUTE"],
      ["referral.expired", "PRV-GN-NAT-ECOUTE"],
      ["referral.closed", "PRV-GN-NAT-ECOUTE"],
    ]);
  });

  it("the follow-up respects STOP: no question is sent, ever, for that referral", async () => {
    const phone = "+224620001005";
    const menu = await orientToKindia(t, phone, { consent: "yes" });
    await say(t, phone, choiceNumber(menu, "Centre test"));
    const ref = refIn(received(t, phone).join("\n"));
    await say(t, providerPhone, `ACCEPTE ${ref}`);
    await say(t, phone, "STOP");
    const prisma = t.service.db.prisma;
    await prisma.referral.update({ where: { ref }, data: { followUpDueAt: new Date(Date.now() - 60_000) } });
    const sent = received(t, phone).length;
    expect(await runFollowUps(t, new Date())).toEqual({ sent: 0, skipped: 1, postponed: 0 });
    await t.drainOutbox();
    expect(received(t, phone)).toHaveLength(sent);
    const referral = await prisma.referral.findUniqueOrThrow({ where: { ref }, include: { events: true } });
    expect(referral.followUpDueAt).toBeNull();
    expect(referral.events.map((e) => e.type)).toContain("followup_skipped");
  });

  it("admin API: providers list, referral filters, audit log", async () => {
    const providers = await (await api(t, "GET", "/api/providers?country=GN&service=mhpss")).json();
    expect(providers.items.map((p: { code: string }) => p.code)).toContain(testProvider.code);
    const pending = await (await api(t, "GET", "/api/referrals?location=GN-D&service=mhpss")).json();
    expect(pending.total).toBeGreaterThan(0);
    const none = await (await api(t, "GET", "/api/referrals?location=CM")).json();
    expect(none.total).toBe(0);
    expect(
      await t.service.db.prisma.auditLog.count({ where: { action: { startsWith: "provider." } } }),
    ).toBeGreaterThanOrEqual(2);
  });
});
