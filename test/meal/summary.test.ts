import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scrubAnonymousTraces } from "../../src/alerts/scrubAnonymousTraces.js";
import { computeIndicator } from "../../src/meal/computeIndicator.js";
import { LocationDirectory } from "../../src/meal/LocationDirectory.js";
import { loadLogframe, parseLogframe } from "../../src/meal/loadLogframe.js";
import type { Dimension, Indicator } from "../../src/meal/logframeSchema.js";
import { MealReports } from "../../src/meal/MealReports.js";
import { type MealFilters, type MealFiltersInput, resolveFilters } from "../../src/meal/mealFilters.js";
import { readSummaryCoverage } from "../../src/meal/readSummaryCoverage.js";
import { rollUpMealDays } from "../../src/meal/rollUpMealDays.js";
import { splitPeriod } from "../../src/meal/splitPeriod.js";
import { logframeDataKeys } from "../../src/meal/summaryDataKeys.js";
import { purgeExpiredData } from "../../src/retention/purgeExpiredData.js";
import { createTestDatabase, type TestDatabase } from "../support/createTestDatabase.js";
import { testDbKind } from "../support/testDbConfig.js";
import { TUMBWE } from "./mealFixtures.js";
import { insertSummaryDataset } from "./summaryFixtures.js";

const dayMs = 86_400_000;
const iso = (d: Date) => d.toISOString().slice(0, 10);

/** Every breakdown alone, none, and a few pairs (the first two offered, month with the first). */
function breakdowns(indicator: Indicator): Dimension[][] {
  const offered = indicator.disaggregations;
  const pairs: Dimension[][] = [];
  if (offered[0] && offered[1]) pairs.push([offered[0], offered[1]]);
  const other = offered.find((d) => d !== "month");
  if (offered.includes("month") && other) pairs.push(["month", other]);
  return [[], ...offered.map((d) => [d]), ...pairs];
}

describe("MEAL daily summary", () => {
  let db: TestDatabase;
  let places: LocationDirectory;
  const logframe = loadLogframe();
  const dataKeys = logframeDataKeys(logframe);
  const now = new Date();
  const today = new Date(Math.floor(now.getTime() / dayMs) * dayMs);
  const yesterday = new Date(today.getTime() - dayMs);

  beforeAll(async () => {
    db = await createTestDatabase();
    // Days are UTC days whatever the session's time zone (UTC+14 here: every local date differs).
    await db.prisma.$executeRawUnsafe(`DO $$ BEGIN
      EXECUTE format('ALTER DATABASE %I SET TIME ZONE %L', current_database(), 'Pacific/Kiritimati');
    END $$`);
    await db.prisma.$executeRawUnsafe(`SET TIME ZONE 'Pacific/Kiritimati'`);
    places = await LocationDirectory.load(db.prisma);
    await insertSummaryDataset(db.prisma, now);
  });
  afterAll(async () => {
    await db?.close();
  });

  const filtersOf = (input: MealFiltersInput) => resolveFilters(input, places);

  /** The indicator computed from the summary (and raw rows) equals the one computed from every event. */
  async function expectSameAsRaw(indicator: Indicator, filters: MealFilters, by: Dimension[]) {
    const fromSummary = await computeIndicator(db.prisma, indicator, filters, by);
    const fromEvents = await computeIndicator(db.prisma, indicator, filters, by, { summary: false });
    expect(fromSummary, `${indicator.id} by ${by.join(",")} ${JSON.stringify(filters)}`).toEqual(fromEvents);
    return fromSummary;
  }

  async function expectAllSameAsRaw(filters: MealFilters) {
    for (const indicator of logframe.indicators) {
      for (const by of breakdowns(indicator)) await expectSameAsRaw(indicator, filters, by);
    }
  }

  it("sums every ended day, leaves today to the events, and says so", async () => {
    expect(await db.prisma.$queryRawUnsafe(`SELECT current_setting('TimeZone') AS tz`)).toEqual([
      { tz: "Pacific/Kiritimati" },
    ]);
    const result = await rollUpMealDays(db.prisma, { dataKeys });
    expect(result).toMatchObject({ reset: false, rerolled: 0, through: iso(today) });
    expect(result.stopped).toBeUndefined();
    // From the first row (1 April) to yesterday.
    expect(result.rolled).toBe(Math.round((today.getTime() - Date.UTC(2026, 3, 1)) / dayMs));
    const coverage = await readSummaryCoverage(db.prisma);
    expect(coverage).toEqual({ through: today, dirty: [], dataKeys });
    expect(await db.prisma.mealDailySummary.count()).toBeGreaterThan(0);
    expect(await db.prisma.mealDailyMessages.count()).toBeGreaterThan(0);
    // Only the fields the logframe reads are kept (no provider codes).
    const kept = (await db.prisma.mealDailySummary.findMany({ select: { data: true } })).flatMap((r) =>
      r.data && typeof r.data === "object" ? Object.keys(r.data) : [],
    );
    expect(kept.length).toBeGreaterThan(0);
    expect([...new Set(kept)].every((k) => dataKeys.includes(k))).toBe(true);
    expect((await rollUpMealDays(db.prisma, { dataKeys })).rolled).toBe(0);
  });

  const periods: [string, MealFiltersInput][] = [
    ["all time", {}],
    ["May", { from: "2026-05-01", to: "2026-05-31" }],
    ["mid-April to mid-May", { from: "2026-04-15", to: "2026-05-10" }],
    ["one day", { from: "2026-05-01", to: "2026-05-01" }],
    ["from April 20, open end (today raw)", { from: "2026-04-20" }],
    ["until April 30", { to: "2026-04-30" }],
    ["May, Tanganyika, female", { from: "2026-05-01", to: "2026-05-31", location: "CD-TA", sex: "female" }],
    ["April-May, SMS, 18-24", { from: "2026-04-01", to: "2026-05-31", channel: "sms", ageGroup: "18-24" }],
    ["all time, one ETD", { location: TUMBWE }],
  ];

  it.each(periods)("gives the raw numbers for %s, every indicator and breakdown", async (_label, input) => {
    const filters = filtersOf(input);
    // The summary really serves these periods (else the comparison proves nothing).
    expect(splitPeriod(filters, await readSummaryCoverage(db.prisma)).summary.length).toBeGreaterThan(0);
    await expectAllSameAsRaw(filters);
  });

  it("gives the raw numbers for periods starting or ending inside a day, and for yesterday and today", async () => {
    const partial: MealFilters = {
      ...filtersOf({}),
      from: new Date(Date.UTC(2026, 3, 10, 13, 30)),
      until: new Date(Date.UTC(2026, 4, 20, 6)),
    };
    const split = splitPeriod(partial, await readSummaryCoverage(db.prisma));
    expect(split.summary).toEqual([{ from: new Date(Date.UTC(2026, 3, 11)), until: new Date(Date.UTC(2026, 4, 20)) }]);
    expect(split.raw).toEqual([
      { from: partial.from, until: new Date(Date.UTC(2026, 3, 11)) },
      { from: new Date(Date.UTC(2026, 4, 20)), until: partial.until },
    ]);
    await expectAllSameAsRaw(partial);
    await expectAllSameAsRaw(filtersOf({ from: iso(yesterday), to: iso(today) }));
    await expectAllSameAsRaw(filtersOf({ from: iso(today), to: iso(today) }));
  });

  it("counts days in UTC: an event at 23:59:59.999 belongs to its day, one at midnight to the next", async () => {
    const alerts: Indicator = parseLogframe(`
title: { fr: Test }
indicators:
  - { id: all_events, label: { fr: Tous }, measure: count, events: [{ type: [edge.test] }], disaggregations: [month] }
`).indicators[0] as Indicator;
    await db.prisma.mealEvent.createMany({
      data: [
        { type: "edge.test", at: new Date(Date.UTC(2026, 4, 31, 23, 59, 59, 999)) },
        { type: "edge.test", at: new Date(Date.UTC(2026, 5, 1)) },
        { type: "edge.test", at: new Date(Date.UTC(2026, 5, 1)) },
      ],
    });
    await rollUpMealDays(db.prisma, { dataKeys });
    const may = await expectSameAsRaw(alerts, filtersOf({ from: "2026-05-01", to: "2026-05-31" }), ["month"]);
    expect(may.total.value).toBe(1);
    const june = await expectSameAsRaw(alerts, filtersOf({ from: "2026-06-01", to: "2026-06-30" }), []);
    expect(june.total.value).toBe(2);
    const byMonth = await expectSameAsRaw(alerts, filtersOf({}), ["month"]);
    expect(byMonth.rows.map((r) => [r.keys[0], r.value])).toEqual([
      ["2026-05", 1],
      ["2026-06", 2],
    ]);
  });

  it("keeps the numbers exact when ended days change: late events, scrubbed subjects, deletions, messages", async () => {
    const may10 = new Date(Date.UTC(2026, 4, 10, 12));
    await db.prisma.mealEvent.createMany({
      data: [
        { type: "conversation.started", at: may10, subject: "late-person", channel: "sms", flowId: "menu" },
        { type: "alert.created", at: may10, channel: "sms", location: TUMBWE, category: "theft", urgency: "recent" },
      ],
    });
    await db.prisma.mealEvent.updateMany({
      where: { at: { gte: new Date(Date.UTC(2026, 4, 12)), lt: new Date(Date.UTC(2026, 4, 13)) } },
      data: { subject: null },
    });
    await db.prisma.mealEvent.deleteMany({
      where: { at: { gte: new Date(Date.UTC(2026, 3, 20)), lt: new Date(Date.UTC(2026, 3, 21)) } },
    });
    await db.prisma.message.create({
      data: { direction: "inbound", channel: "telegram", status: "received", createdAt: may10 },
    });
    await db.prisma.message.deleteMany({
      where: { createdAt: { gte: new Date(Date.UTC(2026, 3, 22)), lt: new Date(Date.UTC(2026, 3, 23)) } },
    });
    // A status change (delivery receipts, retention purges) does not change the counts: no mark.
    await db.prisma.message.updateMany({
      where: { createdAt: { gte: new Date(Date.UTC(2026, 3, 25)), lt: new Date(Date.UTC(2026, 3, 26)) } },
      data: { status: "purged" },
    });

    const coverage = await readSummaryCoverage(db.prisma);
    expect(coverage.dirty.map(iso)).toEqual(["2026-04-20", "2026-04-22", "2026-05-10", "2026-05-12"]);
    // Before the job runs again the changed days are read raw...
    await expectAllSameAsRaw(filtersOf({ from: "2026-04-01", to: "2026-05-31" }));
    const result = await rollUpMealDays(db.prisma, { dataKeys });
    expect(result).toMatchObject({ rerolled: 4, rolled: 0 });
    expect((await readSummaryCoverage(db.prisma)).dirty).toEqual([]);
    // ...and after it from the summary again.
    await expectAllSameAsRaw(filtersOf({ from: "2026-04-01", to: "2026-05-31" }));
  });

  it("stays exact through the retention purge and the scrubbing of anonymous alert traces", async () => {
    const alertFlow = { type: "conversation.started", channel: "sms" as const, flowId: "alert" };
    await db.prisma.mealEvent.createMany({
      data: [
        { ...alertFlow, at: new Date(yesterday.getTime() + 3_600_000), subject: "reporter-1" },
        { ...alertFlow, at: new Date(yesterday.getTime() + 7_200_000), subject: "s1" },
      ],
    });
    await rollUpMealDays(db.prisma, { dataKeys });
    expect((await readSummaryCoverage(db.prisma)).dirty).toEqual([]);
    // Yesterday's alert-flow events lose their subject (people counts change), old message texts go.
    const scrubbed = await scrubAnonymousTraces(db.prisma, now);
    expect(scrubbed.mealEvents).toBeGreaterThan(0);
    const purged = await purgeExpiredData(db.prisma, { messageDays: 30, contactDays: 365 }, now);
    expect(purged.messages).toBeGreaterThan(0);
    expect((await readSummaryCoverage(db.prisma)).dirty).toEqual([yesterday]);
    const recent = filtersOf({ from: iso(new Date(today.getTime() - 6 * dayMs)), to: iso(today) });
    await expectAllSameAsRaw(recent);
    await rollUpMealDays(db.prisma, { dataKeys });
    await expectAllSameAsRaw(recent);
    await expectAllSameAsRaw(filtersOf({ from: "2026-04-01", to: "2026-05-31" }));
  });

  it("reads summarised days from the summary: rows removed behind the triggers' back are still counted", async () => {
    const people = logframe.indicators.find((i) => i.id === "people_reached") as Indicator;
    const may = filtersOf({ from: "2026-05-01", to: "2026-05-31" });
    const before = await computeIndicator(db.prisma, people, may, ["channel"]);
    await db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`ALTER TABLE "MealEvent" DISABLE TRIGGER USER`);
      await tx.$executeRawUnsafe(`DELETE FROM "MealEvent" WHERE "type" = 'conversation.started'
        AND "at" >= '2026-05-05' AND "at" < '2026-05-06'`);
      await tx.$executeRawUnsafe(`ALTER TABLE "MealEvent" ENABLE TRIGGER USER`);
    });
    expect(await computeIndicator(db.prisma, people, may, ["channel"])).toEqual(before);
    expect(await computeIndicator(db.prisma, people, may, ["channel"], { summary: false })).not.toEqual(before);
    // Marked dirty (as the delete trigger would have done), the day is read raw again.
    await db.prisma.mealSummaryDirty.create({ data: { day: new Date(Date.UTC(2026, 4, 5)) } });
    await expectSameAsRaw(people, may, ["channel"]);
  });

  it("falls back to the events for an indicator reading a data field the summary does not keep, until it does", async () => {
    const custom = parseLogframe(`
title: { fr: Test }
indicators:
  - id: referrals_by_provider
    label: { fr: Orientations par prestataire }
    measure: people
    events: [{ type: [referral.created, referral.referred] }]
    disaggregations: [data.provider, month]
`);
    const indicator = custom.indicators[0] as Indicator;
    const filters = filtersOf({ from: "2026-04-01", to: "2026-05-31" });
    await expectSameAsRaw(indicator, filters, ["data.provider"]);
    const wider = logframeDataKeys(custom);
    const result = await rollUpMealDays(db.prisma, { dataKeys: wider });
    expect(result.reset).toBe(true);
    const coverage = await readSummaryCoverage(db.prisma);
    expect(coverage.dataKeys).toEqual([...new Set([...dataKeys, "provider"])].sort());
    expect(splitPeriod(filters, coverage).summary.length).toBeGreaterThan(0);
    await expectSameAsRaw(indicator, filters, ["data.provider"]);
    await expectSameAsRaw(indicator, filters, ["data.provider", "month"]);
    await expectAllSameAsRaw(filters);
    // The dashboard goes through the same path.
    const reports = new MealReports(db.prisma, custom, places, (await MealReports.load(db.prisma)).labels, 0);
    const report = await reports.report(indicator, filters, ["data.provider"], "fr");
    const raw = await computeIndicator(db.prisma, indicator, filters, ["data.provider"], { summary: false });
    expect(report.total.value).toBe(raw.total.value);
  });

  it.runIf(testDbKind === "postgres")(
    "lets one roll-up run at a time; the other stops and the numbers hold",
    async () => {
      await db.prisma.mealSummaryDirty.createMany({
        data: [3, 4, 5, 6, 7].map((d) => ({ day: new Date(Date.UTC(2026, 3, d)) })),
        skipDuplicates: true,
      });
      const results = await Promise.all([
        rollUpMealDays(db.prisma, { dataKeys: logframeDataKeys(loadLogframe()).concat("provider").sort() }),
        rollUpMealDays(db.prisma, { dataKeys: logframeDataKeys(loadLogframe()).concat("provider").sort() }),
      ]);
      expect(results.map((r) => r.rerolled).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(5);
      await rollUpMealDays(db.prisma, { dataKeys });
      expect((await readSummaryCoverage(db.prisma)).dirty).toEqual([]);
      await expectAllSameAsRaw(filtersOf({ from: "2026-04-01", to: "2026-04-30" }));
    },
  );

  it("starts over when the events table is truncated", async () => {
    await db.prisma.$executeRawUnsafe(`TRUNCATE "MealEvent"`);
    expect((await readSummaryCoverage(db.prisma)).through).toBeNull();
    expect(await db.prisma.mealDailySummary.count()).toBe(0);
    const people = logframe.indicators.find((i) => i.id === "people_reached") as Indicator;
    expect((await expectSameAsRaw(people, filtersOf({}), [])).total.value).toBe(0);
  });
});
