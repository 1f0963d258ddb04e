/**
 * MEAL dashboard queries on PostgreSQL with 1,000,000 events (BENCH_EVENTS): every logframe
 * indicator, as `GET /api/meal/indicators` computes them, for the filter sets a MEAL officer uses.
 * Prints p50/p95 per scenario for the whole dashboard (all indicators at once over the pool) and the
 * slowest single indicator, with the load average (the machine may be shared). Target: p95 under
 * 500 ms.
 *
 *   npx tsx bench/mealDashboard.ts                 (BENCH_DATABASE_URL, default the local test server)
 *   BENCH_SUMMARY=0 npx tsx bench/mealDashboard.ts (every indicator from raw events: the "before")
 */
import os from "node:os";

import type { Dimension } from "../src/meal/logframeSchema.js";
import { MealReports } from "../src/meal/MealReports.js";
import { resolveFilters } from "../src/meal/mealFilters.js";
import { benchYear, eventCount, openBenchDatabase, percentile, useSummary } from "./mealBenchData.js";

const runs = Number(process.env.BENCH_RUNS ?? 15);

const today = new Date().toISOString().slice(0, 10);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

const scenarios: { label: string; filters: Parameters<typeof resolveFilters>[0]; by: Dimension[] }[] = [
  { label: "this month, default charts", filters: { from: `${benchYear}-05-01`, to: `${benchYear}-05-31` }, by: [] },
  {
    label: "this month by ETD x sex",
    filters: { from: `${benchYear}-05-01`, to: `${benchYear}-05-31` },
    by: ["location", "sex"],
  },
  { label: "whole year by month", filters: { from: `${benchYear}-01-01`, to: `${benchYear}-12-31` }, by: ["month"] },
  {
    label: "whole year by ETD x sex",
    filters: { from: `${benchYear}-01-01`, to: `${benchYear}-12-31` },
    by: ["location", "sex"],
  },
  {
    label: "year, Tanganyika, female, SMS",
    filters: { from: `${benchYear}-01-01`, to: `${benchYear}-12-31`, location: "CD-TA", sex: "female", channel: "sms" },
    by: ["location"],
  },
  { label: "all time (with today), no filter", filters: {}, by: [] },
  { label: "today, default charts", filters: { from: today, to: today }, by: [] },
];

const db = await openBenchDatabase();
try {
  const reports = await MealReports.load(db.prisma, undefined, { cacheMs: 0, summary: useSummary });
  console.log(
    `${eventCount} events, ${reports.logframe.indicators.length} indicators, ${runs} runs per scenario (after 2 warm-up runs), ${useSummary ? "daily summary + raw tail" : "raw events only"}`,
  );
  console.log("scenario | dashboard p50 | dashboard p95 | slowest indicator p95 | load average (1 5 15 min)");
  for (const s of scenarios) {
    const filters = resolveFilters(s.filters, reports.places);
    const whole: number[] = [];
    const perIndicator = new Map<string, number[]>();
    for (let i = 0; i < runs + 2; i++) {
      const started = performance.now();
      await Promise.all(
        reports.logframe.indicators.map(async (indicator) => {
          const t0 = performance.now();
          await reports.report(indicator, filters, s.by, "fr");
          if (i >= 2)
            perIndicator.set(indicator.id, [...(perIndicator.get(indicator.id) ?? []), performance.now() - t0]);
        }),
      );
      if (i >= 2) whole.push(performance.now() - started);
    }
    // Alone (not competing for the pool), to see each query's own cost.
    const alone = new Map<string, number[]>();
    for (let i = 0; i < 5; i++) {
      for (const indicator of reports.logframe.indicators) {
        const t0 = performance.now();
        await reports.report(indicator, filters, s.by, "fr");
        alone.set(indicator.id, [...(alone.get(indicator.id) ?? []), performance.now() - t0]);
      }
    }
    const slowest = [...alone.entries()]
      .map(([id, v]) => [id, percentile(v, 95)] as const)
      .sort((a, b) => b[1] - a[1])[0];
    console.log(
      `${s.label} | ${percentile(whole, 50).toFixed(0)} ms | ${percentile(whole, 95).toFixed(0)} ms | ${slowest?.[0]} ${slowest?.[1].toFixed(0)} ms | ${load()}`,
    );
  }
} finally {
  await db.close();
}
