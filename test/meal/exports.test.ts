import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportableData, safeCell } from "../../src/meal/safeCell.js";
import { serviceFeatures } from "../admin/serviceFeatures.js";
import { signIn, type WebSession } from "../admin/webSession.js";
import { startTestService, type TestService } from "../support/startTestService.js";
import { insertMayData, mayEvents, TUMBWE } from "./mealFixtures.js";

const may = "from=2026-05-01&to=2026-05-31";

function csvRows(text: string): Record<string, string>[] {
  return parse(text.replace(/^\uFEFF/, ""), { columns: true });
}

describe("exports in CSV and XLSX", () => {
  let t: TestService;
  let meal: WebSession;

  beforeAll(async () => {
    t = await startTestService(
      { ADMIN_EMAIL: "admin@relais.test", ADMIN_PASSWORD: "correct horse battery staple", JOBS_ENABLED: "false" },
      { features: serviceFeatures() },
    );
    await insertMayData(t.service.db.prisma);
    await t.service.db.prisma.mealEvent.create({
      data: {
        type: "alert.created",
        at: new Date(Date.UTC(2026, 4, 9)),
        location: TUMBWE,
        category: '=HYPERLINK("http://evil","x")',
      },
    });
    const admin = await signIn(t.baseUrl, "admin@relais.test", "correct horse battery staple");
    await admin.send("POST", "/api/users", {
      email: "meal@relais.test",
      role: "meal",
      password: "meal officer password",
    });
    meal = await signIn(t.baseUrl, "meal@relais.test", "meal officer password");
  });
  afterAll(async () => {
    await t?.close();
  });

  it("neutralises formulas and keeps only codes, numbers and booleans from event data", () => {
    for (const start of ["=", "+", "-", "@", "\t", "\r"]) expect(safeCell(`${start}1+1`)).toBe(`'${start}1+1`);
    expect(safeCell("Tumbwe")).toBe("Tumbwe");
    expect(safeCell(-3)).toBe(-3);
    expect(
      exportableData({
        status: "served",
        minutes: 12,
        ok: true,
        phone: "+243990001234",
        note: "free text here",
        x: "+243 99 000 1234",
      }),
    ).toEqual({
      status: "served",
      minutes: 12,
      ok: true,
    });
  });

  it("streams the events of the period as CSV: pseudonyms, no phone number, no free text, formulas defused", async () => {
    const response = await meal.get(`/api/meal/export/events.csv?${may}&purpose=donor_report`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/csv");
    expect(response.headers.get("content-disposition")).toContain(
      'attachment; filename="relais-events-2026-05-01_2026-05-31.csv"',
    );
    const text = await response.text();
    expect(text).not.toContain("+243990001234");
    expect(text).not.toContain("calc");
    const rows = csvRows(text);
    const inMay = mayEvents.filter((e) => new Date(e.at ?? 0).getUTCMonth() === 4).length + 1;
    expect(rows).toHaveLength(inMay);
    expect(Object.keys(rows[0] ?? {})).toEqual([
      "id",
      "at_utc",
      "type",
      "subject_pseudonym",
      "channel",
      "location",
      "location_name",
      "sex",
      "age_group",
      "category",
      "service",
      "urgency",
      "flow",
      "data",
    ]);
    expect(rows.find((r) => r.type === "referral.created" && r.subject_pseudonym === "s1")).toMatchObject({
      location_name: "Chefferie Tumbwe",
      sex: "female",
      data: '{"provider":"PRV-HEALTH"}',
    });
    expect(rows.find((r) => r.type === "feedback.created")?.data).toBe("");
    expect(rows.find((r) => r.category?.includes("HYPERLINK"))?.category).toBe(`'=HYPERLINK("http://evil","x")`);
  });

  it("filters the events export like the dashboard (type, place, sex)", async () => {
    const text = await (
      await meal.get(`/api/meal/export/events.csv?${may}&purpose=evaluation&types=referral.created&sex=female`)
    ).text();
    expect(csvRows(text).map((r) => r.subject_pseudonym)).toEqual(["s1", "s3", "s4"]);
  });

  it("writes an XLSX workbook a spreadsheet opens, with the same rows", async () => {
    const response = await meal.get(`/api/meal/export/events.xlsx?${may}&purpose=donor_report&types=alert.created`);
    expect(response.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.getWorksheet("events");
    expect(sheet?.rowCount).toBe(1 + 5);
    const categories: string[] = [];
    sheet?.getColumn(10).eachCell((cell) => {
      categories.push(String(cell.value));
    });
    expect(categories).toContain(`'=HYPERLINK("http://evil","x")`);
  });

  it("exports indicator tables with the dashboard's numbers", async () => {
    const screen = (await (
      await meal.get(`/api/meal/indicators?${may}&by=location,sex&ids=referrals_made`)
    ).json()) as {
      reports: { total: { value: number }; rows: { keys: string[]; value: number }[] }[];
    };
    const text = await (
      await meal.get(`/api/meal/export/indicators.csv?${may}&by=location,sex&purpose=donor_report`)
    ).text();
    const rows = csvRows(text).filter((r) => r.indicator_id === "referrals_made");
    expect(rows[0]).toMatchObject({ group_1_code: "total", value: String(screen.reports[0]?.total.value) });
    for (const row of screen.reports[0]?.rows ?? []) {
      expect(rows.find((r) => r.group_1_code === row.keys[0] && r.group_2_code === row.keys[1])?.value).toBe(
        String(row.value),
      );
    }
    expect(rows.find((r) => r.group_1_code === TUMBWE && r.group_2_code === "female")).toMatchObject({
      group_1: "Chefferie Tumbwe",
      group_2: "Femme",
      value: "2",
    });

    const xlsx = await meal.get(`/api/meal/export/indicators.xlsx?${may}&purpose=donor_report`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    expect(workbook.getWorksheet("indicators")?.rowCount).toBeGreaterThan(20);
  });

  it("summarises who does what, where, when, for whom (4W)", async () => {
    const rows = csvRows(await (await meal.get(`/api/meal/export/4w.csv?${may}&purpose=donor_report`)).text());
    expect(rows).toContainEqual(
      expect.objectContaining({
        who_code: "PRV-HEALTH",
        activity: "referral",
        what_code: "health",
        where_code: TUMBWE,
        when_month: "2026-05",
        sex: "Femme",
        events: "1",
        people: "1",
      }),
    );
    expect(
      rows
        .filter((r) => r.activity === "referral_served")
        .map((r) => r.what_code)
        .sort(),
    ).toEqual(["health", "legal"]);
    expect(rows.filter((r) => r.activity === "alert").reduce((n, r) => n + Number(r.events), 0)).toBe(5);
  });

  it("finds the organisation of events that only name their referral or their ETD", async () => {
    const prisma = t.service.db.prisma;
    const location = await prisma.location.create({
      data: {
        code: "CD-TA-KON-BAYAZI",
        name: "Chefferie Bayazi",
        level: "etd",
        country: "CD",
        path: "CD/CD-TA/CD-TA-KON/CD-TA-KON-BAYAZI",
        depth: 3,
      },
    });
    const provider = await prisma.provider.create({
      data: { code: "PRV-BAYAZI-PSY", name: "Centre psychosocial de Bayazi", country: "CD" },
    });
    const service = await prisma.service.create({ data: { code: "mhpss", labels: { fr: "Soutien psy" } } });
    await prisma.referral.create({
      data: { ref: "R-7001", providerId: provider.id, serviceId: service.id, channel: "sms", locationId: location.id },
    });
    await prisma.committee.create({
      data: { code: "CLS-BAYAZI", name: "CLS de Bayazi", kind: "cls", locationId: location.id },
    });
    const at = new Date(Date.UTC(2026, 4, 18));
    await prisma.mealEvent.createMany({
      data: [
        {
          type: "referral.referred",
          at,
          location: "CD-TA-KON-BAYAZI",
          service: "mhpss",
          sex: "male",
          data: { ref: "R-7001", priority: 0 },
        },
        { type: "alert.created", at, location: "CD-TA-KON-BAYAZI", category: "abduction", data: { anonymous: true } },
      ],
    });
    const rows = csvRows(
      await (await meal.get(`/api/meal/export/4w.csv?${may}&purpose=donor_report&location=CD-TA-KON`)).text(),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({
        who_code: "PRV-BAYAZI-PSY",
        who: "Centre psychosocial de Bayazi",
        activity: "referral",
        what_code: "mhpss",
      }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({
        who_code: "CLS-BAYAZI",
        who: "CLS de Bayazi",
        activity: "alert",
        what_code: "abduction",
      }),
    );
  });

  it("audits every export with its purpose, and refuses an export without one", async () => {
    expect((await meal.get(`/api/meal/export/events.csv?${may}`)).status).toBe(400);
    const audits = await t.service.db.prisma.auditLog.findMany({
      where: { action: { startsWith: "export." } },
      orderBy: { id: "asc" },
    });
    expect(audits.length).toBeGreaterThanOrEqual(6);
    expect(audits[0]?.data).toMatchObject({
      format: "csv",
      purpose: "donor_report",
      filters: { from: "2026-05-01", to: "2026-05-31" },
    });
  });
});
