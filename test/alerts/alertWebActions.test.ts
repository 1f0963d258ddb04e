import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedPilotArea } from "../../src/alerts/seedPilotArea.js";
import { features } from "../../src/service/features.js";
import { signIn, type WebSession } from "../admin/webSession.js";
import { startTestService, type TestService } from "../support/startTestService.js";
import { fp, pseudonymSecret, reportBySms, withForeignActionStubs } from "./alertSupport.js";

const adminEmail = "admin@relais.test";
const adminPassword = "correct horse battery staple";
const password = "a long enough password";
const tumbwe: string[] = [fp.tumbwePresident, fp.tumbweMember1, fp.tumbweMember2, fp.tumbwePnc];

/**
 * Case handlers acknowledge and close alerts over HTTP (`POST /api/alerts/:ref/acknowledge|close`)
 * through the whole service: the same history, MEAL events and messages as a focal point's `OK` and
 * `FIN`, the user named in the history and the audit log, and precise refusals.
 */
describe("acting on alerts from the web", () => {
  let t: TestService;
  let handler: WebSession;
  let meal: WebSession;
  let handlerId: string;
  let token: string;

  const json = async (response: Response): Promise<Record<string, unknown>> => {
    const parsed: unknown = await response.json();
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not a JSON object");
    return Object.fromEntries(Object.entries(parsed));
  };
  const counts = () => new Map(tumbwe.map((r) => [r, t.sentTo(r).length]));
  const since = (before: Map<string, number>, recipient: string) => t.sentTo(recipient).slice(before.get(recipient));
  const report = (phone: string, anonymity: "1" | "2") =>
    reportBySms(t, phone, { category: "3", urgency: "2", etd: "1", place: "Kalunga", description: "0", anonymity });

  beforeAll(async () => {
    t = await startTestService(
      { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword, JOBS_ENABLED: "false" },
      { features: withForeignActionStubs(features) },
    );
    await seedPilotArea(t.service.db.prisma, { pseudonymSecret, addresses: "real" });
    const admin = await signIn(t.baseUrl, adminEmail, adminPassword);
    const created = await admin.send("POST", "/api/users", {
      email: "handler@relais.test",
      name: "Chantal K.",
      role: "case_handler",
      password,
    });
    expect(created.status).toBe(201);
    handlerId = (await t.service.db.prisma.user.findUniqueOrThrow({ where: { email: "handler@relais.test" } })).id;
    expect((await admin.send("POST", "/api/users", { email: "meal@relais.test", role: "meal", password })).status).toBe(
      201,
    );
    const issued = await admin.send("POST", `/api/users/${handlerId}/tokens`, { name: "case tool" });
    token = String((await json(issued)).token);
    handler = await signIn(t.baseUrl, "handler@relais.test", password);
    meal = await signIn(t.baseUrl, "meal@relais.test", password);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("acknowledges: history and audit name the user, MEAL as for OK, every focal point and the reporter told", async () => {
    const reporter = "+243990003001";
    const ref = await report(reporter, "2");
    const before = counts();
    const reporterBefore = t.sentTo(reporter).length;

    const response = await handler.send("POST", `/api/alerts/${ref.toLowerCase()}/acknowledge`);
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ result: "acknowledged", alert: { ref, status: "acknowledged" } });
    await t.drainOutbox();

    // No focal point acted, so all four hear who took it on, each in its language.
    expect(since(before, fp.tumbweMember2)).toEqual([
      `Alerte ${ref} prise en charge par Chantal K. (chargé de suivi du programme).`,
    ]);
    expect(since(before, fp.tumbwePresident)).toEqual([
      `Tahadhari ${ref} inashughulikiwa na Chantal K. (msimamizi wa kesi wa mpango).`,
    ]);
    for (const recipient of tumbwe) expect(since(before, recipient), recipient).toHaveLength(1);
    expect(t.sentTo(reporter).slice(reporterBefore)).toEqual([
      `Votre alerte ${ref} a été prise en charge par le comité. Merci de votre vigilance.`,
    ]);

    const prisma = t.service.db.prisma;
    const alert = await prisma.alert.findUniqueOrThrow({ where: { ref }, include: { events: true } });
    expect(alert).toMatchObject({ status: "acknowledged", nextEscalationAt: null });
    expect(alert.events.find((e) => e.type === "acknowledged")).toMatchObject({
      userId: handlerId,
      focalPointId: null,
    });
    const detail = await json(await handler.get(`/api/alerts/${ref}`));
    expect(detail.events).toContainEqual(
      expect.objectContaining({ type: "acknowledged", user: "handler@relais.test", focalPoint: null }),
    );
    const queue = await json(await handler.get(`/api/queues/alerts?ref=${ref}`));
    expect(queue.alerts).toMatchObject([
      {
        ref,
        status: "acknowledged",
        events: expect.arrayContaining([
          { type: "acknowledged", at: expect.any(String), note: null, by: "handler@relais.test" },
        ]),
      },
    ]);
    expect(
      await prisma.auditLog.findMany({ where: { target: ref }, select: { userId: true, action: true, data: true } }),
    ).toEqual([
      { userId: handlerId, action: "alert.acknowledge", data: { via: "web", role: "case_handler", tier: 1 } },
    ]);
    const [event] = await prisma.mealEvent.findMany({ where: { type: "alert.acknowledged" } });
    expect(event).toMatchObject({
      subject: null,
      channel: "sms",
      location: "CD-TA-KAL-TUMBWE",
      category: "theft",
      data: { tier: 1, role: "case_handler", minutes: expect.any(Number) },
    });

    const again = await handler.send("POST", `/api/alerts/${ref}/acknowledge`);
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({
      error: "conflict",
      message: `alert ${ref} is already acknowledged`,
      details: { ref, status: "acknowledged" },
    });
  });

  it("closes with the same closing word to the reporter as FIN, the same MEAL event, and refuses to close twice", async () => {
    const prisma = t.service.db.prisma;
    // The same kind of alert closed by a focal point's FIN, for comparison.
    const bySmsReporter = "+243990003002";
    const bySms = await report(bySmsReporter, "2");
    await t.telegramText(Number(fp.tumbweMember2), `FIN ${bySms} 2 voisins en dispute`);
    await t.drainOutbox();
    const smsWord = t.sentTo(bySmsReporter).at(-1) ?? "";
    expect(smsWord).toBe(`Votre alerte ${bySms} a été traitée et cloturée par le comité. Merci.`);

    const reporter = "+243990003003";
    const ref = await report(reporter, "2");
    const before = counts();
    const response = await handler.send("POST", `/api/alerts/${ref}/close`, {
      reason: "false_alarm",
      note: "  voisins en dispute, vérifié par téléphone ",
    });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({
      result: "closed",
      alert: { ref, status: "closed", closeReason: "false_alarm", acknowledgedAt: null },
    });
    await t.drainOutbox();
    expect(t.sentTo(reporter).at(-1)).toBe(smsWord.replace(bySms, ref));
    expect(since(before, fp.tumbweMember2)).toEqual([`Alerte ${ref} cloturée par Chantal K. (fausse alerte).`]);
    for (const recipient of tumbwe) expect(since(before, recipient), recipient).toHaveLength(1);

    const alert = await prisma.alert.findUniqueOrThrow({ where: { ref }, include: { events: true } });
    expect(alert).toMatchObject({ status: "closed", closeNote: "voisins en dispute, vérifié par téléphone" });
    expect(alert.events.find((e) => e.type === "closed")).toMatchObject({
      userId: handlerId,
      focalPointId: null,
      note: "voisins en dispute, vérifié par téléphone",
      data: { reason: "false_alarm" },
    });
    expect(alert.events.find((e) => e.type === "reporter_notified")).toMatchObject({
      data: { about: "closed", sent: true },
    });

    // MEAL: the same event and fields as FIN, the web role in place of the focal point's; never the note.
    const closed = await prisma.mealEvent.findMany({ where: { type: "alert.closed" }, orderBy: { id: "asc" } });
    expect(closed).toHaveLength(2);
    const [smsEvent, webEvent] = closed;
    expect(Object.keys(Object(webEvent?.data)).sort()).toEqual(Object.keys(Object(smsEvent?.data)).sort());
    expect(webEvent).toMatchObject({
      subject: null,
      data: { reason: "false_alarm", tier: 1, role: "case_handler", acknowledged: false },
    });
    expect(smsEvent).toMatchObject({ data: { reason: "false_alarm", role: "cls_member" } });
    expect(JSON.stringify(closed.map((e) => e.data))).not.toContain("voisins");

    // Audit: the user for the web, the focal point's code for the command; never the note or a phone.
    const audit = await prisma.auditLog.findMany({
      where: { action: "alert.close" },
      orderBy: { id: "asc" },
      select: { userId: true, target: true, data: true },
    });
    expect(audit).toEqual([
      { userId: null, target: bySms, data: { via: "command", focalPoint: "FP-TUMBWE-MEM2", reason: "false_alarm" } },
      { userId: handlerId, target: ref, data: { via: "web", role: "case_handler", reason: "false_alarm" } },
    ]);
    expect(JSON.stringify(audit)).not.toMatch(/\+243|voisins/);

    const twice = await handler.send("POST", `/api/alerts/${ref}/close`, { reason: "resolved" });
    expect(twice.status).toBe(409);
    expect(await json(twice)).toMatchObject({ error: "conflict", message: `alert ${ref} is already closed` });
    const ack = await handler.send("POST", `/api/alerts/${ref}/acknowledge`);
    expect(ack.status).toBe(409);
    expect(await json(ack)).toMatchObject({ message: `alert ${ref} is closed: it cannot be acknowledged` });
    expect(await prisma.alertEvent.count({ where: { alertId: alert.id, type: "closed" } })).toBe(1);
  });

  it("takes an API token without CSRF; an anonymous reporter is told nothing", async () => {
    const reporter = "+243990003004";
    const ref = await report(reporter, "1");
    const reporterBefore = t.sentTo(reporter).length;
    const response = await fetch(`${t.baseUrl}/api/alerts/${ref}/close`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ reason: "resolved" }),
    });
    expect(response.status).toBe(200);
    await t.drainOutbox();
    expect(t.sentTo(reporter).slice(reporterBefore)).toEqual([]);
    const alert = await t.service.db.prisma.alert.findUniqueOrThrow({ where: { ref }, include: { events: true } });
    expect(alert).toMatchObject({ status: "closed", closeReason: "resolved", closeNote: null, anonymous: true });
    expect(alert.events.map((e) => e.type)).not.toContain("reporter_notified");
  });

  it("answers 404, 400, 401, 403 precisely and changes nothing", async () => {
    const ref = await report("+243990003005", "2");
    const prisma = t.service.db.prisma;
    const state = () => prisma.alert.findUniqueOrThrow({ where: { ref }, select: { status: true } });
    const audits = await prisma.auditLog.count({ where: { action: { startsWith: "alert." } } });

    const unknown = await handler.send("POST", "/api/alerts/A-999999/acknowledge");
    expect(unknown.status).toBe(404);
    expect(await json(unknown)).toMatchObject({ error: "not_found", message: "alert A-999999 does not exist" });
    expect((await handler.send("POST", "/api/alerts/A-999999/close", { reason: "resolved" })).status).toBe(404);

    const badRef = await handler.send("POST", "/api/alerts/nonsense/acknowledge");
    expect(badRef.status).toBe(400);
    expect(await json(badRef)).toMatchObject({ message: "an alert reference looks like A-1042" });
    const badReason = await handler.send("POST", `/api/alerts/${ref}/close`, { reason: "maybe" });
    expect(badReason.status).toBe(400);
    expect(await json(badReason)).toMatchObject({
      error: "bad_request",
      details: [expect.objectContaining({ path: "reason" })],
    });
    expect((await handler.send("POST", `/api/alerts/${ref}/close`, {})).status).toBe(400);
    expect((await handler.send("POST", `/api/alerts/${ref}/close`, { reason: "resolved", extra: 1 })).status).toBe(400);
    expect(
      (await handler.send("POST", `/api/alerts/${ref}/close`, { reason: "resolved", note: "x".repeat(1001) })).status,
    ).toBe(400);
    expect((await handler.send("POST", `/api/alerts/${ref}/acknowledge`, { now: true })).status).toBe(400);
    const malformed = await fetch(`${t.baseUrl}/api/alerts/${ref}/close`, {
      method: "POST",
      headers: { cookie: handler.cookie, "x-csrf-token": handler.csrfToken, "content-type": "application/json" },
      body: "{reason:",
    });
    expect(malformed.status).toBe(400);

    const noCsrf = await handler.send("POST", `/api/alerts/${ref}/acknowledge`, undefined, false);
    expect(noCsrf.status).toBe(403);
    expect(await json(noCsrf)).toMatchObject({ error: "forbidden", message: "missing or wrong CSRF token" });
    const wrongRole = await meal.send("POST", `/api/alerts/${ref}/close`, { reason: "resolved" });
    expect(wrongRole.status).toBe(403);
    expect(await json(wrongRole)).toMatchObject({ error: "forbidden", message: "your role does not allow this" });
    expect((await fetch(`${t.baseUrl}/api/alerts/${ref}/acknowledge`, { method: "POST" })).status).toBe(401);

    expect(await state()).toEqual({ status: "open" });
    expect(await prisma.auditLog.count({ where: { action: { startsWith: "alert." } } })).toBe(audits);
  });
});
