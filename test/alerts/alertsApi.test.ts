import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthPort } from "../../src/service/Feature.js";
import type { TestService } from "../support/startTestService.js";
import { fp, reportBySms, startAlertService } from "./alertSupport.js";

const letEveryoneIn: AuthPort = { requireRole: () => (_req, _res, next) => next() };

describe("the alerts admin API", () => {
  let t: TestService;
  let refs: string[] = [];
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${t.baseUrl}${path}`, { ...init, headers: { "content-type": "application/json", ...init.headers } });
  const body = async (response: Response): Promise<Record<string, unknown>> => {
    const parsed: unknown = await response.json();
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw new Error("expected a JSON object");
    return Object.fromEntries(Object.entries(parsed));
  };
  const items = async (path: string) => {
    const page = await body(await api(path));
    return { total: page.total, items: Array.isArray(page.items) ? page.items : [] };
  };

  beforeAll(async () => {
    t = await startAlertService({ auth: letEveryoneIn });
    refs = [
      await reportBySms(t, "+243990002001", {
        category: "3",
        urgency: "2",
        etd: "1",
        place: "Kalunga",
        description: "0",
        anonymity: "2",
      }),
      await reportBySms(t, "+243990002002", {
        category: "1",
        urgency: "1",
        etd: "2",
        place: "Mbulula",
        description: "0",
        anonymity: "1",
      }),
      await reportBySms(t, "+243990002003", {
        category: "3",
        urgency: "3",
        etd: "5",
        place: "Quartier Kituku",
        description: "0",
        anonymity: "2",
      }),
    ];
    await t.telegramText(Number(fp.tumbweMember2), `OK ${refs[0]}`);
    await t.drainOutbox();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("lists alerts newest first, with filters on status, place, category, urgency, dates and pages", async () => {
    expect((await items("/api/alerts")).total).toBe(3);
    const all = await items("/api/alerts");
    expect(all.items).toMatchObject([...refs].reverse().map((ref) => ({ ref })));
    expect((await items("/api/alerts?status=acknowledged")).items).toMatchObject([{ ref: refs[0], recipients: 4 }]);
    expect((await items("/api/alerts?status=open,closed")).total).toBe(2);
    expect((await items("/api/alerts?category=theft")).total).toBe(2);
    expect((await items("/api/alerts?category=theft&urgency=information")).items).toMatchObject([{ ref: refs[2] }]);
    expect((await items("/api/alerts?location=CD-TA-KAL")).items).toMatchObject([{ ref: refs[0] }]);
    expect((await items("/api/alerts?location=CD-TA")).total).toBe(3);
    expect((await items("/api/alerts?location=CD-TA-VKAL-LUKUGA")).items).toMatchObject([
      { ref: refs[2], place: "Quartier Kituku" },
    ]);
    expect((await items(`/api/alerts?from=${new Date(Date.now() + 60_000).toISOString()}`)).total).toBe(0);
    expect((await items("/api/alerts?to=2000-01-01")).total).toBe(0);
    const page2 = await body(await api("/api/alerts?pageSize=2&page=2"));
    expect(page2).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(page2.items).toHaveLength(1);
    expect((await api("/api/alerts?status=lost")).status).toBe(400);
    expect((await api("/api/alerts?location=CD-NOPE")).status).toBe(400);
  });

  it("shows one alert with its recipients and history; the reporter only when named and consenting", async () => {
    const named = await body(await api(`/api/alerts/${refs[0]?.toLowerCase()}`));
    expect(named).toMatchObject({ ref: refs[0], status: "acknowledged", location: { code: "CD-TA-KAL-TUMBWE" } });
    expect(named.reporter).toEqual({
      consentToContact: true,
      addresses: [{ channel: "sms", address: "+243990002001" }],
    });
    expect(named.recipients).toHaveLength(4);
    expect(named.recipients).toContainEqual(
      expect.objectContaining({ focalPoint: expect.objectContaining({ code: "FP-TUMBWE-MEM2" }), tier: 1 }),
    );
    expect(Array.isArray(named.events) ? named.events.map((e: { type: string }) => e.type) : []).toEqual(
      expect.arrayContaining(["created", "routed", "acknowledged", "reporter_notified"]),
    );
    expect(named.events).toContainEqual(
      expect.objectContaining({ type: "acknowledged", focalPoint: "FP-TUMBWE-MEM2" }),
    );
    expect(named).not.toHaveProperty("reporterContactId");
    const anonymous = await body(await api(`/api/alerts/${refs[1]}`));
    expect(anonymous).toMatchObject({ anonymous: true, reporter: null });
    expect((await api("/api/alerts/A-999999")).status).toBe(404);
    expect((await api("/api/alerts/nonsense")).status).toBe(400);
  });

  it("creates, updates and deletes committees, focal points and routing rules, each change audited", async () => {
    const audits = () => t.service.db.prisma.auditLog.count();
    const before = await audits();
    const committee = await api("/api/committees", {
      method: "POST",
      body: JSON.stringify({
        code: "CLS-CD-TA-TEST",
        name: "CLS test",
        kind: "cls",
        tier: 1,
        location: "CD-TA-KAL-TUMBWE",
      }),
    });
    expect(committee.status).toBe(201);
    expect(
      (
        await api("/api/committees", {
          method: "POST",
          body: JSON.stringify({ code: "CLS-CD-TA-TEST", name: "x", kind: "cls", tier: 1, location: null }),
        })
      ).status,
    ).toBe(409);
    expect(
      (await api("/api/committees/CLS-CD-TA-TEST", { method: "PATCH", body: JSON.stringify({ name: "CLS test 2" }) }))
        .status,
    ).toBe(200);
    expect(await body(await api("/api/committees/CLS-CD-TA-TEST"))).toMatchObject({
      name: "CLS test 2",
      location: { code: "CD-TA-KAL-TUMBWE" },
    });
    expect(
      (await api("/api/committees/CLS-CD-TA-TEST", { method: "PATCH", body: JSON.stringify({ location: "CD-XX" }) }))
        .status,
    ).toBe(400);

    const created = await api("/api/focal-points", {
      method: "POST",
      body: JSON.stringify({
        code: "FP-TEST-1",
        name: "Test",
        role: "cls_member",
        language: "fr",
        committee: "CLS-CD-TA-TEST",
        sms: "+243990002099",
      }),
    });
    expect(created.status).toBe(201);
    expect(
      (
        await api("/api/focal-points", {
          method: "POST",
          body: JSON.stringify({
            code: "FP-TEST-2",
            name: "T",
            role: "cls_member",
            language: "fr",
            committee: "CLS-CD-TA-TEST",
            sms: "+243990000002",
          }),
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await api("/api/focal-points", {
          method: "POST",
          body: JSON.stringify({ code: "FP-TEST-3", name: "T", role: "chief", language: "fr", committee: null }),
        })
      ).status,
    ).toBe(400);
    const patched = await api("/api/focal-points/FP-TEST-1", {
      method: "PATCH",
      body: JSON.stringify({ telegram: "990002099", removeAddresses: ["sms"] }),
    });
    expect(patched.status).toBe(200);
    expect(await body(await api("/api/focal-points/FP-TEST-1"))).toMatchObject({
      addresses: [{ channel: "telegram", address: "990002099" }],
    });
    expect((await items("/api/focal-points?committee=CLS-CD-TA-TEST")).items).toHaveLength(2);
    expect((await api("/api/committees/CLS-CD-TA-TEST", { method: "DELETE" })).status).toBe(409);
    expect(await body(await api("/api/focal-points/FP-TEST-1", { method: "DELETE" }))).toEqual({
      code: "FP-TEST-1",
      active: false,
    });

    const rule = await body(
      await api("/api/routing-rules", {
        method: "POST",
        body: JSON.stringify({
          etd: "CD-TA-KAL-TUMBWE",
          category: "theft",
          urgency: null,
          committee: "CLS-CD-TA-TEST",
          roles: ["cls_member"],
          tier: 1,
        }),
      }),
    );
    expect(rule).toMatchObject({ status: "created" });
    const ruleId = String(rule.id);
    expect(
      (await api(`/api/routing-rules/${ruleId}`, { method: "PATCH", body: JSON.stringify({ urgency: "danger_now" }) }))
        .status,
    ).toBe(200);
    expect(await body(await api(`/api/routing-rules/${ruleId}`))).toMatchObject({
      urgency: "danger_now",
      committee: "CLS-CD-TA-TEST",
      exclude: false,
    });
    expect((await api(`/api/routing-rules/${ruleId}`, { method: "DELETE" })).status).toBe(204);
    expect((await api(`/api/routing-rules/${ruleId}`)).status).toBe(404);
    expect((await api("/api/focal-points/FP-TEST-2", { method: "DELETE" })).status).toBe(200);

    const log = await t.service.db.prisma.auditLog.findMany({ orderBy: { id: "asc" }, skip: before });
    expect(log.map((l) => l.action)).toEqual([
      "committee.create",
      "committee.update",
      "focal_point.create",
      "focal_point.create",
      "focal_point.update",
      "focal_point.deactivate",
      "routing_rule.create",
      "routing_rule.update",
      "routing_rule.delete",
      "focal_point.deactivate",
    ]);
    expect(await audits()).toBe(before + 10);
    expect(JSON.stringify(log.map((l) => l.data))).not.toContain("990002099");
    expect(JSON.stringify(log.map((l) => l.data))).not.toContain("+243990002099");
    const rules = await items("/api/routing-rules");
    expect(rules.items.length).toBeGreaterThan(10);
    expect((await items("/api/committees")).items).toContainEqual(
      expect.objectContaining({ code: "CLS-CD-TA-KAL-TUMBWE", focalPoints: 4 }),
    );
  });
});

describe("the alerts admin API without sign-in", () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startAlertService();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("refuses everyone until an authentication feature is mounted", async () => {
    for (const path of [
      "/api/alerts",
      "/api/alerts/A-1001",
      "/api/committees",
      "/api/focal-points",
      "/api/routing-rules",
    ]) {
      expect((await fetch(`${t.baseUrl}${path}`)).status, path).toBe(401);
    }
    const post = await fetch(`${t.baseUrl}/api/committees`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: "CLS-X", name: "x", kind: "cls", tier: 1, location: null }),
    });
    expect(post.status).toBe(401);
    expect(await t.service.db.prisma.committee.count({ where: { code: "CLS-X" } })).toBe(0);
    expect(await t.service.db.prisma.auditLog.count()).toBe(0);
  });
});
