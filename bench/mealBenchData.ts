/**
 * A PostgreSQL database holding `BENCH_EVENTS` (default 1,000,000) MEAL events over one past year
 * (`BENCH_YEAR`, default last year), plus today's share of events up to now (the open day a live
 * service has), plus messages, for the MEAL benchmarks. Built once with `generate_series` (a few
 * seconds) and kept (`relais_bench_meal_<events>_<year>`) so the dashboard and export benchmarks can
 * run again quickly. `BENCH_FRESH=1` rebuilds it.
 *
 * The daily summary is then brought up to date the way production does it, by the roll-up job
 * (`rollUpMealDays`): the history is written first with the summary triggers off, as when the
 * summary migration reaches a deployment that already has a year of events, and the job sums it.
 * `BENCH_SUMMARY=0` neither rolls up nor reads the summary: every indicator from the raw rows (the "before").
 */
import pg from "pg";
import { type Database, openDatabase } from "../src/db/openDatabase.js";
import { loadLogframe } from "../src/meal/loadLogframe.js";
import { type RollUpResult, rollUpMealDays } from "../src/meal/rollUpMealDays.js";
import { logframeDataKeys } from "../src/meal/summaryDataKeys.js";

export const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
export const eventCount = Number(process.env.BENCH_EVENTS ?? 1_000_000);

function urlFor(name: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The past year the events cover (one month per twelfth of the rows). */
export const benchYear = Number(process.env.BENCH_YEAR ?? new Date().getUTCFullYear() - 1);

/** Whether the summary is rolled up (default) or left empty. */
export const useSummary = process.env.BENCH_SUMMARY !== "0";

/** Rows `first..last` of the series, spread evenly from `start` over `span` (SQL expressions). */
interface Slice {
  first: number;
  last: number;
  start: string;
  span: string;
}

const yearSlice = (count: number): Slice => ({
  first: 1,
  last: count,
  start: `TIMESTAMP '${benchYear}-01-01'`,
  span: `TIMESTAMP '${benchYear + 1}-01-01' - TIMESTAMP '${benchYear}-01-01'`,
});
/** Today's share of a year's rows, from midnight (UTC) to now: the open day of a live service. */
const todaySlice = (count: number): Slice => {
  const today = "date_trunc('day', now() AT TIME ZONE 'UTC')";
  return {
    first: count + 1,
    last: count + Math.round(count / 365),
    start: today,
    span: `(now() AT TIME ZONE 'UTC') - ${today}`,
  };
};
const instant = (slice: Slice) =>
  `${slice.start} + ((g - ${slice.first})::float8 / ${slice.last - slice.first + 1}) * (${slice.span})`;

const fill = (slice: Slice) => `
INSERT INTO "MealEvent" ("type", "at", "subject", "channel", "location", "sex", "ageGroup", "category", "service", "urgency", "flowId", "data")
SELECT
  t.type,
  ${instant(slice)},
  CASE WHEN t.type = 'alert.created' AND g % 3 = 0 THEN NULL ELSE 'p' || lpad(to_hex(g % 150000), 12, '0') END,
  (ARRAY['sms','whatsapp','telegram','web'])[1 + (g * 7) % 4]::"Channel",
  (ARRAY['CD-TA-KAL-TUMBWE','CD-TA-KON-BAYAZI','CD-TA-NYU-NORD_LUKUGA','CD-TA-NYU-SUD_LUKUGA','CD-TA-VKAL-LUKUGA','CD-TA-VKAL-LAC','GN-R-CONAKRY','CM-LT-WOURI'])[1 + (g * 13) % 8],
  CASE WHEN t.type LIKE 'referral.%' OR t.type LIKE 'followup.%' OR g % 4 = 0 THEN (ARRAY['female','male'])[1 + (g * 3) % 2] END,
  CASE WHEN t.type LIKE 'referral.%' OR t.type LIKE 'followup.%' THEN (ARRAY['0-17','18-24','25-35','36-59','60+'])[1 + (g * 11) % 5] END,
  CASE WHEN t.type LIKE 'alert.%' THEN (ARRAY['armed_group','intercommunity_conflict','theft','physical_violence','sgbv','abduction','population_movement','natural_hazard','police_misconduct','other'])[1 + (g * 17) % 10]
       WHEN t.type = 'feedback.created' THEN (ARRAY['thanks','suggestion','complaint','sensitive'])[1 + g % 4] END,
  CASE WHEN t.type LIKE 'referral.%' OR t.type LIKE 'followup.%' THEN (ARRAY['health','mhpss','legal','shelter','livelihood','education'])[1 + (g * 19) % 6] END,
  CASE WHEN t.type LIKE 'alert.%' THEN (ARRAY['danger_now','recent','information'])[1 + (g * 23) % 3] END,
  CASE WHEN t.type IN ('conversation.started','flow.result') THEN (ARRAY['menu','alert','orientation','feedback','information'])[1 + g % 5] END,
  CASE t.type
    WHEN 'alert.acknowledged' THEN jsonb_build_object('minutes', (g * 31) % 400, 'tier', CASE WHEN (g * 31) % 400 < 120 THEN 1 ELSE 2 END, 'role', 'cls_member')
    WHEN 'alert.created' THEN jsonb_build_object('anonymous', g % 3 = 0)
    WHEN 'referral.created' THEN jsonb_build_object('provider', 'PRV-' || (g % 40))
    WHEN 'referral.outcome' THEN jsonb_build_object('provider', 'PRV-' || (g % 40), 'outcome', (ARRAY['served','served','served','no_show','no_capacity','unreachable'])[1 + g % 6])
    WHEN 'followup.answered' THEN jsonb_build_object('satisfaction', 1 + (g * 7) % 5, 'provider', 'PRV-' || (g % 40))
    WHEN 'flow.result' THEN jsonb_build_object('step', 'main', 'name', 'service', 'value', 'information')
    WHEN 'consent.granted' THEN jsonb_build_object('purpose', 'referral_share')
    WHEN 'consent.refused' THEN jsonb_build_object('purpose', 'referral_share')
  END
FROM generate_series(${slice.first}, ${slice.last}) AS g
CROSS JOIN LATERAL (
  SELECT CASE
    WHEN g % 100 < 30 THEN 'conversation.started'
    WHEN g % 100 < 50 THEN 'flow.result'
    WHEN g % 100 < 57 THEN 'contact.created'
    WHEN g % 100 < 63 THEN 'alert.created'
    WHEN g % 100 < 68 THEN 'alert.acknowledged'
    WHEN g % 100 < 70 THEN 'alert.escalated'
    WHEN g % 100 < 78 THEN 'referral.created'
    WHEN g % 100 < 81 THEN 'referral.accepted'
    WHEN g % 100 < 82 THEN 'referral.declined'
    WHEN g % 100 < 87 THEN 'referral.outcome'
    WHEN g % 100 < 90 THEN 'followup.answered'
    WHEN g % 100 < 93 THEN 'feedback.created'
    WHEN g % 100 < 97 THEN 'consent.granted'
    WHEN g % 100 < 98 THEN 'consent.refused'
    ELSE 'contact.opted_out' END AS type
) t`;

const fillMessages = (slice: Slice) => `
INSERT INTO "Message" ("id", "direction", "channel", "text", "status", "createdAt", "updatedAt")
SELECT gen_random_uuid(), (ARRAY['inbound','outbound'])[1 + g % 2]::"Direction",
  (ARRAY['sms','whatsapp','telegram','web'])[1 + (g * 7) % 4]::"Channel", NULL, 'delivered'::"MessageStatus",
  ${instant(slice)}, now()
FROM generate_series(${slice.first}, ${slice.last}) AS g`;

/** Opens (building when missing) the benchmark database, its daily summary brought up to date. */
export async function openBenchDatabase(): Promise<
  Database & { url: string; built: boolean; rollUp: RollUpResult | null }
> {
  const name = `relais_bench_meal_${eventCount}_${benchYear}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const exists = (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount === 1;
  if (exists && process.env.BENCH_FRESH === "1") await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
  const build = !exists || process.env.BENCH_FRESH === "1";
  if (build) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = urlFor(name);
  const db = await openDatabase({ url, dataDir: "unused", poolSize: 10 });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    if (build) {
      const started = performance.now();
      const messages = Math.round(eventCount / 2);
      // History written before the summary existed: no trigger marks its (past) days dirty.
      await client.query("SET session_replication_role = replica");
      await client.query(fill(yearSlice(eventCount)));
      await client.query(fill(todaySlice(eventCount)));
      await client.query(fillMessages(yearSlice(messages)));
      await client.query(fillMessages(todaySlice(messages)));
      await client.query("SET session_replication_role = origin");
      console.log(
        `built ${name}: ${eventCount} events + ${messages} messages in ${benchYear}, and today's share, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    }
    // New indexes from migrations apply to an existing database too; refresh statistics.
    await client.query(`VACUUM ANALYZE "MealEvent"`);
    await client.query(`VACUUM ANALYZE "Message"`);
    let rollUp: RollUpResult | null = null;
    if (useSummary) {
      const started = performance.now();
      rollUp = await rollUpMealDays(db.prisma, { dataKeys: logframeDataKeys(loadLogframe()), budgetMs: 3_600_000 });
      const seconds = (performance.now() - started) / 1000;
      const days = rollUp.rolled + rollUp.rerolled;
      console.log(
        `summary: ${days} days summed in ${seconds.toFixed(1)} s${days > 0 ? ` (${((seconds * 1000) / days).toFixed(0)} ms a day)` : ""}, through ${rollUp.through}`,
      );
      await client.query(`VACUUM ANALYZE "MealDailySummary"`);
      await client.query(`VACUUM ANALYZE "MealDailyMessages"`);
      await client.query(`VACUUM ANALYZE "MealSubject"`);
    }
    return { ...db, url, built: build, rollUp };
  } finally {
    await client.end();
  }
}

/** Percentile of a list of durations. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
