import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseLogframe } from "../../src/meal/loadLogframe.js";
import { type IndicatorReport, MealReports } from "../../src/meal/MealReports.js";
import { type MealFiltersInput, resolveFilters } from "../../src/meal/mealFilters.js";
import { createTestDatabase, type TestDatabase } from "../support/createTestDatabase.js";
import { BAYAZI, insertMayData, LAC, TUMBWE } from "./mealFixtures.js";

describe("logframe indicators computed from MealEvent", () => {
  let db: TestDatabase;
  let reports: MealReports;
  const may: MealFiltersInput = { from: "2026-05-01", to: "2026-05-31" };

  beforeAll(async () => {
    db = await createTestDatabase();
    await insertMayData(db.prisma);
    reports = await MealReports.load(db.prisma);
  });
  afterAll(async () => {
    await db?.close();
  });

  const report = async (
    id: string,
    filters: MealFiltersInput = may,
    by: string[] = [],
    language = "fr",
  ): Promise<IndicatorReport> => {
    const indicator = reports.indicator(id);
    if (!indicator) throw new Error(`no indicator ${id}`);
    // biome-ignore lint/suspicious/noExplicitAny: test input
    return reports.report(indicator, resolveFilters(filters, reports.places), by as any, language);
  };
  const rows = (r: IndicatorReport) => Object.fromEntries(r.rows.map((row) => [row.keys.join("|"), row.value]));

  it("counts distinct people reached this month, by channel", async () => {
    const r = await report("people_reached");
    expect(r.total.value).toBe(5);
    expect(r.by.map((b) => b.code)).toEqual(["channel"]);
    expect(rows(r)).toEqual({ sms: 3, telegram: 1, whatsapp: 1 });
    expect(r.rows.find((x) => x.keys[0] === "sms")?.labels).toEqual(["SMS"]);
    expect(r.total.target).toBe(5000);
  });

  it("counts alerts by category, by ETD (with names) and by month; a territory covers its ETDs", async () => {
    expect(rows(await report("alerts_received", may, ["category"]))).toEqual({ armed_group: 1, other: 1, theft: 2 });
    const byPlace = await report("alerts_received", may, ["location"]);
    expect(rows(byPlace)).toEqual({ [BAYAZI]: 1, [LAC]: 1, [TUMBWE]: 2 });
    expect(byPlace.rows.find((x) => x.keys[0] === TUMBWE)?.labels).toEqual(["Chefferie Tumbwe"]);
    expect(rows(await report("alerts_received", {}, ["month"]))).toEqual({ "2026-04": 1, "2026-05": 4 });
    expect((await report("alerts_received", { ...may, location: "CD-TA-KAL" })).total.value).toBe(2);
    expect((await report("alerts_received", { ...may, location: "CD-TA" })).total.value).toBe(4);
    expect((await report("alerts_received", { ...may, sex: "female" })).total.value).toBe(1);
  });

  it("gives the share acknowledged within the delay and the median time to acknowledge", async () => {
    const share = await report("alerts_acknowledged_in_time", may, ["location"]);
    expect(share.total).toMatchObject({ value: 50, numerator: 2, denominator: 4 });
    expect(share.unit).toBe("%");
    expect(rows(share)).toEqual({ [BAYAZI]: 100, [LAC]: 0, [TUMBWE]: 50 });
    const median = await report("alert_ack_median_minutes");
    expect(median.total).toMatchObject({ value: 30, n: 3 });
    expect(rows(await report("alert_ack_median_minutes", may, ["urgency"]))).toEqual({ danger_now: 10, recent: 115 });
  });

  it("breaks referrals down by ETD and sex at once, with subtotals that add up to the total", async () => {
    const r = await report("referrals_made", may, ["location", "sex"]);
    expect(r.total.value).toBe(4);
    expect(rows(r)).toEqual({ [`${BAYAZI}|female`]: 1, [`${TUMBWE}|female`]: 2, [`${TUMBWE}|male`]: 1 });
    expect(r.subtotals.map((s) => [s.keys[0], s.value])).toEqual([
      [TUMBWE, 3],
      [BAYAZI, 1],
    ]);
    expect(r.rows.find((x) => x.keys.join() === `${TUMBWE},female`)?.labels).toEqual(["Chefferie Tumbwe", "Femme"]);
    expect((await report("referrals_made", may, ["sex"], "en")).rows.map((x) => x.labels[0])).toEqual([
      "Female",
      "Male",
    ]);
    const bySex = await report("referrals_made", may, ["sex"]);
    expect(bySex.rows.find((x) => x.keys[0] === "female")?.target).toBe(300);
  });

  it("computes completion, provider responses by outcome, satisfaction, and feedback", async () => {
    expect((await report("referrals_completed")).total).toMatchObject({ value: 50, numerator: 2, denominator: 4 });
    expect(rows(await report("referral_responses", may, ["data.outcome"]))).toEqual({
      no_show: 1,
      served: 1,
      unknown: 1,
    });
    const satisfaction = await report("satisfaction");
    expect(satisfaction.total.value).toBeCloseTo(11 / 3, 5);
    expect(rows(await report("satisfaction", may, ["sex"]))).toEqual({ female: 4.5, male: 2 });
    expect((await report("feedback_received")).total.value).toBe(1);
  });

  it("counts messages by channel from the Message table, saying which filters cannot apply", async () => {
    const received = await report("messages_received");
    expect(rows(received)).toEqual({ sms: 3, whatsapp: 1 });
    expect((await report("messages_sent")).total.value).toBe(2);
    const filtered = await report("messages_received", { ...may, sex: "female", location: TUMBWE });
    expect(filtered.total.value).toBe(4);
    expect(filtered.notApplicable).toEqual(["location", "sex"]);
  });

  it("reports empty periods as zero (counts) or nothing (shares, medians)", async () => {
    const june = { from: "2026-06-01", to: "2026-06-30" };
    expect((await report("alerts_received", june)).total.value).toBe(0);
    expect((await report("alerts_acknowledged_in_time", june)).total.value).toBeNull();
    expect((await report("alert_ack_median_minutes", june)).total.value).toBeNull();
  });

  it("adds an indicator from YAML alone", async () => {
    const logframe = parseLogframe(`
title: { fr: Test }
indicators:
  - id: theft_alerts_in_tumbwe
    label: { fr: Vols signalés à Tumbwe, en: Thefts reported in Tumbwe }
    measure: count
    events: [{ type: alert.created, where: { category: theft, location: ${TUMBWE} } }]
    disaggregations: [urgency]
`);
    const custom = new MealReports(db.prisma, logframe, reports.places, reports.labels);
    const indicator = logframe.indicators[0];
    if (!indicator) throw new Error("no indicator");
    const r = await custom.report(indicator, resolveFilters({}, reports.places), [], "en");
    expect(r.label).toBe("Thefts reported in Tumbwe");
    expect(r.total.value).toBe(2);
    expect(rows(r)).toEqual({ recent: 2 });
  });

  it("rejects a logframe with mistakes, naming where they are", () => {
    expect(() =>
      parseLogframe(`
title: { fr: Test }
indicators:
  - { id: a, label: { fr: A }, measure: count, events: [{ type: x }], disaggregations: [sex], chart: { by: month } }
  - { id: a, label: { en: B }, measure: count, events: [{ type: x }] }
`),
    ).toThrow(
      /indicators\.0\.chart\.by: "month" is not one of disaggregations.*indicators\.1\.label: needs at least a French/s,
    );
  });
});
