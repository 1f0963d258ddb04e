import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDirectory } from "../../src/directory/seedDirectory.js";
import { serviceFeatures } from "../admin/serviceFeatures.js";
import { signIn, type WebSession } from "../admin/webSession.js";
import { startTestService, type TestService } from "../support/startTestService.js";
import { choiceNumber, received, refIn, say, testProvider } from "./referralTestKit.js";

const adminEmail = "admin@relais.test";
const adminPassword = "correct horse battery staple";
const password = "a long enough password";
const providerPhone = "+224620990001";
const pseudonymSecret = "test-pseudonym-secret-0123456789abcdef";

/**
 * Case handlers record on the web what a provider told them (`POST /api/referrals/:ref/accept|
 * decline|outcome`), through the whole service: the same transitions, returnee messages, re-offers
 * and MEAL events as `ACCEPTE`, `REFUSE` and `FIN R-…`, the user named in the history and the audit
 * log, and precise refusals.
 */
describe("acting on referrals from the web", () => {
  let t: TestService;
  let handler: WebSession;
  let meal: WebSession;
  let handlerId: string;
  let token: string;
  let phoneSeq = 0;

  const json = async (response: Response): Promise<Record<string, unknown>> => {
    const parsed: unknown = await response.json();
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not a JSON object");
    return Object.fromEntries(Object.entries(parsed));
  };

  /** A returnee in Kindia asks for psychosocial support by SMS and picks the test centre. */
  async function refer(): Promise<{ phone: string; ref: string }> {
    phoneSeq++;
    const phone = `+2246200030${String(phoneSeq).padStart(2, "0")}`;
    await say(t, phone, "bonjour", "1", "1", "1", "1");
    await say(t, phone, choiceNumber(received(t, phone).at(-1) ?? "", "Soutien psy"), "2");
    await say(t, phone, choiceNumber(received(t, phone).at(-1) ?? "", "Guinée"));
    await say(t, phone, choiceNumber(received(t, phone).at(-1) ?? "", "Kindia"));
    await say(t, phone, choiceNumber(received(t, phone).at(-1) ?? "", "Kindia"));
    await say(t, phone, "1", "2", "1");
    const before = received(t, phone).length;
    await say(t, phone, choiceNumber(received(t, phone).at(-1) ?? "", "Centre test"));
    return { phone, ref: refIn(received(t, phone, before).join("\n")) };
  }

  beforeAll(async () => {
    t = await startTestService(
      { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword, JOBS_ENABLED: "false" },
      { features: serviceFeatures() },
    );
    await seedDirectory(t.service.db.prisma, { pseudonymSecret });
    const admin = await signIn(t.baseUrl, adminEmail, adminPassword);
    expect((await admin.send("PUT", `/api/providers/${testProvider.code}`, testProvider)).status).toBe(201);
    // The demo Kindia health centre also serves Kindia: keep the test centre the only local one.
    expect((await admin.send("PATCH", "/api/providers/PRV-GN-KIN-SANTE", { takesReferrals: false })).status).toBe(200);
    for (const [email, role] of [
      ["handler@relais.test", "case_handler"],
      ["meal@relais.test", "meal"],
    ] as const) {
      expect((await admin.send("POST", "/api/users", { email, role, password })).status).toBe(201);
    }
    handlerId = (await t.service.db.prisma.user.findUniqueOrThrow({ where: { email: "handler@relais.test" } })).id;
    token = String(
      (await json(await admin.send("POST", `/api/users/${handlerId}/tokens`, { name: "case tool" }))).token,
    );
    handler = await signIn(t.baseUrl, "handler@relais.test", password);
    meal = await signIn(t.baseUrl, "meal@relais.test", password);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it("accepts and records the outcome as ACCEPTE and FIN do, naming the user in history and audit", {
    timeout: 60_000,
  }, async () => {
    const prisma = t.service.db.prisma;
    // The provider's own commands, for comparison.
    const bySms = await refer();
    await say(t, providerPhone, `ACCEPTE ${bySms.ref}`, `FIN ${bySms.ref} servi`);
    const smsWord = received(t, bySms.phone).at(-1) ?? "";
    expect(smsWord).toMatch(/^Bonne nouvelle: Centre test/);

    const { phone, ref } = await refer();
    const early = await handler.send("POST", `/api/referrals/${ref}/outcome`, { outcome: "served" });
    expect(early.status).toBe(409);
    expect(await json(early)).toMatchObject({
      error: "conflict",
      message: `referral ${ref} is pending: it must be accepted before an outcome is recorded`,
      details: { ref, status: "pending" },
    });

    const accepted = await handler.send("POST", `/api/referrals/${ref.toLowerCase()}/accept`);
    expect(accepted.status).toBe(200);
    expect(await json(accepted)).toMatchObject({
      result: "accepted",
      referral: { ref, status: "accepted", provider: { code: testProvider.code } },
    });
    await t.drainOutbox();
    expect(received(t, phone).at(-1)).toBe(smsWord.replace(bySms.ref, ref));
    expect(await json(await handler.send("POST", `/api/referrals/${ref}/accept`, {}))).toMatchObject({
      result: "unchanged",
      referral: { status: "accepted" },
    });
    const decline = await handler.send("POST", `/api/referrals/${ref}/decline`, { reason: "trop tard" });
    expect(decline.status).toBe(409);
    expect(await json(decline)).toMatchObject({ message: `referral ${ref} is accepted: it can no longer be declined` });

    const served = await handler.send("POST", `/api/referrals/${ref}/outcome`, {
      outcome: "served",
      note: "reçue mardi",
    });
    expect(served.status).toBe(200);
    expect(await json(served)).toMatchObject({ result: "outcome", referral: { ref, status: "served" } });
    // An outcome may be corrected, as by a second FIN.
    const corrected = await handler.send("POST", `/api/referrals/${ref}/outcome`, { outcome: "no_show" });
    expect(await json(corrected)).toMatchObject({ result: "outcome", referral: { status: "no_show" } });

    const referral = await prisma.referral.findUniqueOrThrow({ where: { ref }, include: { events: true } });
    expect(referral).toMatchObject({ status: "no_show" });
    expect(referral.followUpDueAt).not.toBeNull();
    const webEvents = referral.events.filter((e) => e.userId !== null);
    expect(webEvents.map((e) => [e.type, e.focalPointId, e.note])).toEqual([
      ["accepted", null, null],
      ["outcome", null, "reçue mardi"],
      ["outcome", null, null],
    ]);
    expect(webEvents.every((e) => e.userId === handlerId)).toBe(true);
    const detail = await json(await handler.get(`/api/referrals/${ref}`));
    expect(detail.events).toContainEqual(
      expect.objectContaining({ type: "accepted", user: "handler@relais.test", focalPoint: null }),
    );
    const queue = await json(await handler.get(`/api/queues/referrals?ref=${ref}`));
    expect(queue.referrals).toMatchObject([
      {
        ref,
        status: "no_show",
        events: expect.arrayContaining([expect.objectContaining({ type: "outcome", by: "handler@relais.test" })]),
      },
    ]);

    expect(
      await prisma.auditLog.findMany({
        where: { target: { in: [ref, bySms.ref] } },
        orderBy: { id: "asc" },
        select: { userId: true, action: true, target: true, data: true },
      }),
    ).toEqual([
      {
        userId: null,
        action: "referral.accept",
        target: bySms.ref,
        data: { via: "command", focalPoint: "PRV-TEST-KIN-PSY-FP1", provider: testProvider.code },
      },
      {
        userId: null,
        action: "referral.outcome",
        target: bySms.ref,
        data: {
          via: "command",
          focalPoint: "PRV-TEST-KIN-PSY-FP1",
          provider: testProvider.code,
          outcome: "served",
          previous: "accepted",
        },
      },
      {
        userId: handlerId,
        action: "referral.accept",
        target: ref,
        data: { via: "web", role: "case_handler", provider: testProvider.code },
      },
      {
        userId: handlerId,
        action: "referral.outcome",
        target: ref,
        data: {
          via: "web",
          role: "case_handler",
          provider: testProvider.code,
          outcome: "served",
          previous: "accepted",
        },
      },
      {
        userId: handlerId,
        action: "referral.outcome",
        target: ref,
        data: { via: "web", role: "case_handler", provider: testProvider.code, outcome: "no_show", previous: "served" },
      },
    ]);

    // MEAL: the same events and fields as the provider's commands, `via` telling them apart.
    const mealOf = (r: string) =>
      prisma.mealEvent.findMany({
        where: { data: { path: ["ref"], equals: r }, type: { in: ["referral.accepted", "referral.outcome"] } },
        orderBy: { id: "asc" },
      });
    const [smsMeal, webMeal] = [await mealOf(bySms.ref), await mealOf(ref)];
    expect(webMeal.map((e) => [e.type, Object(e.data).via, Object(e.data).outcome])).toEqual([
      ["referral.accepted", "web", undefined],
      ["referral.outcome", "web", "served"],
      ["referral.outcome", "web", "no_show"],
    ]);
    const shape = (e: (typeof smsMeal)[number] | undefined) => ({
      type: e?.type,
      keys: Object.keys(Object(e?.data)).sort(),
      subject: typeof e?.subject,
      service: e?.service,
      location: e?.location,
    });
    expect(shape(webMeal[0])).toEqual(shape(smsMeal[0]));
    expect(shape(webMeal[1])).toEqual(shape(smsMeal[1]));
    expect(JSON.stringify(webMeal.map((e) => e.data))).not.toContain("mardi");

    // The admin list and the queue are one query: they agree.
    const listed = await json(await handler.get("/api/referrals?status=no_show,served"));
    const queued = await json(await handler.get("/api/queues/referrals?status=no_show"));
    expect(listed).toMatchObject({ total: 2, items: expect.arrayContaining([expect.objectContaining({ ref })]) });
    expect(queued.referrals).toMatchObject([{ ref }]);
  });

  it("a decline offers the referral to the next provider and tells the returnee, as REFUSE does", {
    timeout: 60_000,
  }, async () => {
    const prisma = t.service.db.prisma;
    const { phone, ref } = await refer();
    const response = await handler.send("POST", `/api/referrals/${ref}/decline`, { reason: "plus de place" });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({
      result: "declined",
      reoffered: true,
      referral: { ref, status: "pending", provider: { code: "PRV-GN-NAT-ECOUTE" } },
    });
    await t.drainOutbox();
    expect(received(t, phone).at(-1)).toMatch(/ne peut pas prendre votre demande.*Ligne d'écoute nationale/s);
    expect(
      await prisma.outboxItem.count({
        where: { recipient: { startsWith: "sim:" }, body: { path: ["text"], string_contains: ref } },
      }),
    ).toBeGreaterThan(0);

    // Nobody else serves this need here: a second decline closes it and the returnee is told.
    const last = await json(await handler.send("POST", `/api/referrals/${ref}/decline`));
    expect(last).toMatchObject({ result: "declined", reoffered: false, referral: { status: "declined" } });
    await t.drainOutbox();
    expect(received(t, phone).at(-1)).toMatch(new RegExp(`aucun autre service n'a pu prendre votre demande ${ref}`));
    const late = await handler.send("POST", `/api/referrals/${ref}/accept`);
    expect(late.status).toBe(409);
    expect(await json(late)).toMatchObject({ message: `referral ${ref} is declined: it can no longer be accepted` });

    const meal = await prisma.mealEvent.findMany({
      where: { data: { path: ["ref"], equals: ref } },
      orderBy: { id: "asc" },
    });
    expect(meal.map((e) => e.type)).toEqual([
      "referral.referred",
      "referral.declined",
      "referral.reoffered",
      "referral.declined",
      "referral.closed",
    ]);
    expect(Object(meal[1]?.data)).toMatchObject({ via: "web", reasonGiven: true });
    expect(await prisma.auditLog.count({ where: { action: "referral.decline", target: ref, userId: handlerId } })).toBe(
      2,
    );
    const declined = await prisma.referralEvent.findFirstOrThrow({ where: { referral: { ref }, type: "declined" } });
    expect(declined).toMatchObject({ userId: handlerId, note: "plus de place", data: { via: "web" } });
  });

  it("takes an API token without CSRF, and answers 404, 400, 401, 403 precisely without changing anything", {
    timeout: 60_000,
  }, async () => {
    const prisma = t.service.db.prisma;
    const { ref } = await refer();
    const audits = await prisma.auditLog.count({ where: { action: { startsWith: "referral." } } });

    const unknown = await handler.send("POST", "/api/referrals/R-999999/accept");
    expect(unknown.status).toBe(404);
    expect(await json(unknown)).toMatchObject({ error: "not_found", message: "referral R-999999 does not exist" });
    const badRef = await handler.send("POST", "/api/referrals/nonsense/accept");
    expect(badRef.status).toBe(400);
    expect(await json(badRef)).toMatchObject({ message: "a referral reference looks like R-2031" });
    expect((await handler.send("POST", `/api/referrals/${ref}/outcome`, { outcome: "done" })).status).toBe(400);
    expect((await handler.send("POST", `/api/referrals/${ref}/outcome`, {})).status).toBe(400);
    expect((await handler.send("POST", `/api/referrals/${ref}/accept`, { provider: "X" })).status).toBe(400);
    expect((await handler.send("POST", `/api/referrals/${ref}/decline`, { reason: "x".repeat(501) })).status).toBe(400);
    expect((await handler.send("POST", `/api/referrals/${ref}/cancel`)).status).toBe(404);

    const noCsrf = await handler.send("POST", `/api/referrals/${ref}/accept`, undefined, false);
    expect(noCsrf.status).toBe(403);
    expect(await json(noCsrf)).toMatchObject({ message: "missing or wrong CSRF token" });
    const wrongRole = await meal.send("POST", `/api/referrals/${ref}/accept`);
    expect(wrongRole.status).toBe(403);
    expect(await json(wrongRole)).toMatchObject({ message: "your role does not allow this" });
    expect((await fetch(`${t.baseUrl}/api/referrals/${ref}/accept`, { method: "POST" })).status).toBe(401);
    expect(await prisma.referral.findUniqueOrThrow({ where: { ref }, select: { status: true } })).toEqual({
      status: "pending",
    });
    expect(await prisma.auditLog.count({ where: { action: { startsWith: "referral." } } })).toBe(audits);

    const byToken = await fetch(`${t.baseUrl}/api/referrals/${ref}/accept`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(byToken.status).toBe(200);
    expect(await json(byToken)).toMatchObject({ result: "accepted" });
  });
});
