import { z } from "zod";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import {
  type EventTable,
  eventDimensionFiltersSql,
  eventDimensionSql,
  groupingSetsSql,
  groupingSql,
  monthSql,
  numericFieldSql,
  selectorsSql,
  spansSql,
} from "./indicatorSql.js";
import type { Dimension, EventSelector, Indicator } from "./logframeSchema.js";
import { filtersNotApplicableToMessages, type MealFilters } from "./mealFilters.js";
import { readSummaryCoverage } from "./readSummaryCoverage.js";
import { type SummaryCoverage, splitPeriod } from "./splitPeriod.js";
import { queryDataKeys } from "./summaryDataKeys.js";

/** One figure: the value, and what it is made of for shares (numerator/denominator) and averages (n). */
export interface Cell {
  value: number | null;
  numerator?: number;
  denominator?: number;
  /** Events with a numeric value, for means and medians. */
  n?: number;
}

/** A group of a breakdown: its codes (one per dimension) and its figure. */
export interface GroupCell extends Cell {
  keys: string[];
}

/** An indicator computed for some filters and breakdown. */
export interface IndicatorValues {
  /** The breakdown actually used (dimensions the indicator does not offer are dropped). */
  by: Dimension[];
  total: Cell;
  /** Groups of every dimension of `by` (pairs when there are two). */
  rows: GroupCell[];
  /** With two dimensions: the subtotal of each group of the first. */
  subtotals: GroupCell[];
  /** Filters that could not apply (messages carry no place, sex or age group). */
  notApplicable: Dimension[];
}

const rowSchema = z.object({
  k0: z.string().nullable(),
  k1: z.string().nullable(),
  g: z.coerce.number(),
  value: z.coerce.number().nullable(),
  n: z.coerce.number(),
});
type Row = z.infer<typeof rowSchema>;

type Db = Pick<PrismaClient, "$transaction">;

/** How an indicator is read. */
export interface ComputeOptions {
  /**
   * Read whole summarised days from the daily summary (default). False reads every event: the
   * reference the summary is checked against, same numbers, slower over long periods.
   */
  summary?: boolean;
}

/** Sorts and hashes of a year of events fit in memory with this (PostgreSQL's default 4 MB spills to disk). */
const queryWorkMem = "32MB";

/**
 * Computes one logframe indicator in one SQL statement per part (two for shares): the total and
 * the groups come from `GROUPING SETS` over the same rows, so a table's groups always add up to
 * the figure shown beside it, on the dashboard and in the exports alike. Whole UTC days already
 * summarised are read from `MealDailySummary` / `MealDailyMessages`, the rest (today, a partial day,
 * days changed since) from the events and messages themselves: the same numbers as reading every
 * event, at a cost that no longer grows with the length of the period.
 *
 * @example
 * const values = await computeIndicator(prisma, indicator, filters, ["location", "sex"]);
 */
export async function computeIndicator(
  db: Db,
  indicator: Indicator,
  filters: MealFilters,
  requestedBy: readonly Dimension[] = [],
  options: ComputeOptions = {},
): Promise<IndicatorValues> {
  const by = requestedBy.filter((d) => indicator.disaggregations.includes(d)).slice(0, 2);
  const summary = options.summary ?? true;
  switch (indicator.measure) {
    case "messages": {
      const direction = indicator.direction ?? null;
      const rows = await queryRows(db, summary, (coverage) => messagesSql(direction, filters, by, coverage));
      return {
        ...shape(rows, by.length, (r) => ({ value: r.value ?? 0 })),
        by,
        notApplicable: filtersNotApplicableToMessages(filters),
      };
    }
    case "share": {
      const { numerator: top, denominator: bottom } = indicator;
      const [numerator, denominator] = await Promise.all([
        queryRows(db, summary, (c) =>
          eventsSql({ selectors: top.events, measure: top.measure, field: null }, filters, by, c),
        ),
        queryRows(db, summary, (c) =>
          eventsSql({ selectors: bottom.events, measure: bottom.measure, field: null }, filters, by, c),
        ),
      ]);
      return { ...mergeShare(numerator, denominator, by.length), by, notApplicable: [] };
    }
    case "count":
    case "people": {
      const query = { selectors: indicator.events, measure: indicator.measure, field: null };
      const rows = await queryRows(db, summary, (c) => eventsSql(query, filters, by, c));
      return { ...shape(rows, by.length, (r) => ({ value: r.value ?? 0 })), by, notApplicable: [] };
    }
    default: {
      const query = { selectors: indicator.events, measure: indicator.measure, field: indicator.field };
      const rows = await queryRows(db, summary, (c) => eventsSql(query, filters, by, c));
      return { ...shape(rows, by.length, (r) => ({ value: r.value, n: r.n })), by, notApplicable: [] };
    }
  }
}

/**
 * Runs a query built for what the summary holds, reading that in the same repeatable-read
 * transaction: the summary, its dirty days and the raw rows are then one snapshot, so a roll-up
 * committing meanwhile cannot make a day count twice or not at all.
 */
async function queryRows(
  db: Db,
  summary: boolean,
  build: (coverage: SummaryCoverage | null) => Prisma.Sql,
): Promise<Row[]> {
  const rows: unknown = await db.$transaction(
    async (tx) => {
      // JIT compilation starts when the planner's estimates run high (an unnested array, a year of
      // events) and then costs 100-300 ms, more than these queries take.
      await tx.$executeRaw`SELECT set_config('work_mem', ${queryWorkMem}, true), set_config('jit', 'off', true)`;
      const coverage = summary ? await readSummaryCoverage(tx) : null;
      return tx.$queryRaw(build(coverage));
    },
    { maxWait: 30_000, timeout: 120_000, isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
  );
  return z.array(rowSchema).parse(rows);
}

type EventMeasure = "count" | "people" | "mean" | "median" | "sum";

/** Which events, what is computed of them, from which numeric `data` field. */
interface EventQuery {
  selectors: readonly EventSelector[];
  measure: EventMeasure;
  field: string | null;
}

function aggregateSql(measure: Exclude<EventMeasure, "people">): Prisma.Sql {
  switch (measure) {
    case "count":
      return Prisma.raw("count(*)::float8");
    case "mean":
      return Prisma.raw("avg(num)::float8");
    case "median":
      return Prisma.raw("(percentile_cont(0.5) WITHIN GROUP (ORDER BY num))::float8");
    case "sum":
      return Prisma.raw("sum(num)::float8");
  }
}

/**
 * The same over rows that stand for `w` events each (a summary row, or an event with `w` = 1).
 * Means and sums of integer fields are exact; the median is computed over the rows repeated.
 */
function weightedAggregateSql(measure: Exclude<EventMeasure, "people" | "median">): Prisma.Sql {
  switch (measure) {
    case "count":
      return Prisma.raw("COALESCE(sum(w), 0)::float8");
    case "mean":
      return Prisma.raw("(sum(num * w) / sum(w) FILTER (WHERE num IS NOT NULL))::float8");
    case "sum":
      return Prisma.raw("sum(num * w)::float8");
  }
}

function keysSql(dimensions: Prisma.Sql[]): Prisma.Sql {
  return Prisma.sql`${dimensions[0] ?? Prisma.raw("NULL::text")} AS k0, ${dimensions[1] ?? Prisma.raw("NULL::text")} AS k1`;
}

function outerSql(inner: Prisma.Sql, aggregate: Prisma.Sql, count: number, n?: Prisma.Sql): Prisma.Sql {
  const k0 = Prisma.raw(count >= 1 ? "k0" : "NULL::text");
  const k1 = Prisma.raw(count >= 2 ? "k1" : "NULL::text");
  return Prisma.sql`SELECT ${k0} AS k0, ${k1} AS k1, ${groupingSql(count)} AS g, ${aggregate} AS value,
      ${n ?? Prisma.raw("count(num)::float8")} AS n
    FROM (${inner}) e ${groupingSetsSql(count)}`;
}

/** Where a query reads: the summary when it keeps every `data` field the query needs. */
function eventSplit(
  query: EventQuery,
  filters: MealFilters,
  by: readonly Dimension[],
  coverage: SummaryCoverage | null,
) {
  const keys = queryDataKeys(query.selectors, query.field, by);
  const usable = coverage !== null && keys.every((k) => coverage.dataKeys.includes(k));
  return splitPeriod({ from: filters.from, until: filters.until }, usable ? coverage : null);
}

function eventsSql(
  query: EventQuery,
  filters: MealFilters,
  by: readonly Dimension[],
  coverage: SummaryCoverage | null,
): Prisma.Sql {
  const { summary, raw } = eventSplit(query, filters, by, coverage);
  const where = (table: EventTable) =>
    Prisma.sql`${selectorsSql(query.selectors)} AND ${eventDimensionFiltersSql(filters)}
      AND ${table === "MealEvent" ? spansSql(raw, "at") : spansSql(summary, "day")}`;
  const keys = (table: EventTable) => keysSql(by.map((d) => eventDimensionSql(d, table)));
  const num = query.field ? numericFieldSql(query.field) : Prisma.raw("NULL::float8");
  const rawRows = Prisma.sql`SELECT ${keys("MealEvent")}, "subject" AS subject, ${num} AS num
    FROM "MealEvent" WHERE ${where("MealEvent")}`;

  if (summary.length === 0) {
    if (query.measure === "people") return peopleSql(rawRows, by.length);
    return outerSql(rawRows, aggregateSql(query.measure), by.length);
  }
  if (query.measure === "people") {
    // Summarised people are MealSubject ids; raw rows join to them, and pseudonyms not yet
    // numbered get distinct negative numbers, so each person is one number on both sides. The
    // rows are sorted by group before their arrays are unnested, so the grouping needs no sort of
    // every (group, person) pair, and count(DISTINCT) then sorts plain integers.
    const rawPeople = Prisma.sql`SELECT r.k0, r.k1, COALESCE(m."id", -dense_rank() OVER (ORDER BY r.subject)) AS subject
      FROM (SELECT ${keys("MealEvent")}, "subject" FROM "MealEvent" WHERE ${where("MealEvent")} AND "subject" IS NOT NULL) r
      LEFT JOIN "MealSubject" m ON m."pseudonym" = r.subject`;
    const groups = Prisma.sql`SELECT ${keys("MealDailySummary")}, "subjects" FROM "MealDailySummary" WHERE ${where("MealDailySummary")}
      UNION ALL SELECT p.k0, p.k1, array_agg(p.subject) FROM (${rawPeople}) p GROUP BY p.k0, p.k1
      ORDER BY 1, 2`;
    const people = Prisma.sql`SELECT a.k0, a.k1, u.subject FROM (${groups}) a CROSS JOIN LATERAL unnest(a."subjects") AS u(subject)`;
    return outerSql(people, Prisma.raw("count(DISTINCT subject)::float8"), by.length, Prisma.raw("0::float8"));
  }
  const summaryRows = Prisma.sql`SELECT ${keys("MealDailySummary")}, ${num} AS num, "events" AS w
    FROM "MealDailySummary" WHERE ${where("MealDailySummary")}`;
  const rows = Prisma.sql`${summaryRows} UNION ALL SELECT k0, k1, num, 1 AS w FROM (${rawRows}) r`;
  if (query.measure === "median") {
    const repeated = Prisma.sql`SELECT k0, k1, num FROM (${rows}) x CROSS JOIN LATERAL generate_series(1, x.w)`;
    return outerSql(repeated, aggregateSql("median"), by.length);
  }
  const n = Prisma.raw("COALESCE(sum(w) FILTER (WHERE num IS NOT NULL), 0)::float8");
  return outerSql(rows, weightedAggregateSql(query.measure), by.length, n);
}

/**
 * Distinct people per group without `count(DISTINCT)` (which sorts each grouping set): the
 * (groups, person) pairs are made distinct once with a hash, then each level counts its own
 * distinct pairs. Same rows as the GROUPING SETS form (`g` bits included).
 */
function peopleSql(inner: Prisma.Sql, count: number): Prisma.Sql {
  const levels: Prisma.Sql[] = [
    Prisma.sql`SELECT NULL::text AS k0, NULL::text AS k1, ${(1 << count) - 1}::int AS g, count(*)::float8 AS value, 0::float8 AS n
      FROM (SELECT DISTINCT subject FROM d) x`,
  ];
  if (count === 1) {
    // With one breakdown, d is already distinct on (k0, subject).
    levels.push(
      Prisma.sql`SELECT k0, NULL::text AS k1, 0::int AS g, count(*)::float8 AS value, 0::float8 AS n FROM d GROUP BY k0`,
    );
  }
  if (count === 2) {
    levels.push(Prisma.sql`SELECT k0, NULL::text AS k1, 1::int AS g, count(*)::float8 AS value, 0::float8 AS n
      FROM (SELECT DISTINCT k0, subject FROM d) x GROUP BY k0`);
  }
  if (count === 2) {
    levels.push(
      Prisma.sql`SELECT k0, k1, 0::int AS g, count(*)::float8 AS value, 0::float8 AS n FROM d GROUP BY k0, k1`,
    );
  }
  return Prisma.sql`WITH d AS MATERIALIZED (SELECT DISTINCT k0, k1, subject FROM (${inner}) e WHERE subject IS NOT NULL)
    ${Prisma.join(levels, " UNION ALL ")}`;
}

const messageDimensions: Record<string, (table: "Message" | "MealDailyMessages") => Prisma.Sql> = {
  channel: () => Prisma.raw(`"channel"::text`),
  direction: () => Prisma.raw(`"direction"::text`),
  month: monthSql,
};

function messagesSql(
  direction: "inbound" | "outbound" | null,
  filters: MealFilters,
  by: readonly Dimension[],
  coverage: SummaryCoverage | null,
): Prisma.Sql {
  const { summary, raw } = splitPeriod({ from: filters.from, until: filters.until }, coverage);
  const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (direction) conditions.push(Prisma.sql`"direction"::text = ${direction}`);
  if (filters.channel) conditions.push(Prisma.sql`"channel"::text = ${filters.channel}`);
  const keys = (table: "Message" | "MealDailyMessages") =>
    keysSql(by.map((d) => messageDimensions[d]?.(table) ?? Prisma.raw("'n/a'")));
  const rawRows = Prisma.sql`SELECT ${keys("Message")}, NULL::float8 AS num, 1 AS w
    FROM "Message" WHERE ${Prisma.join(conditions, " AND ")} AND ${spansSql(raw, "createdAt")}`;
  if (summary.length === 0) return outerSql(rawRows, Prisma.raw("count(*)::float8"), by.length);
  const summaryRows = Prisma.sql`SELECT ${keys("MealDailyMessages")}, NULL::float8 AS num, "messages" AS w
    FROM "MealDailyMessages" WHERE ${Prisma.join(conditions, " AND ")} AND ${spansSql(summary, "day")}`;
  return outerSql(Prisma.sql`${summaryRows} UNION ALL ${rawRows}`, weightedAggregateSql("count"), by.length);
}

/** Splits GROUPING SETS rows into the total, the groups and the first-level subtotals. */
function shape(rows: Row[], count: number, cell: (row: Row) => Cell): Omit<IndicatorValues, "by" | "notApplicable"> {
  const all = (1 << count) - 1;
  const total = rows.find((r) => r.g === all);
  const groups = rows.filter((r) => r.g === 0 && count > 0);
  const subtotals = count === 2 ? rows.filter((r) => r.g === 1) : [];
  const keysOf = (r: Row, n: number) => [r.k0 ?? "unknown", r.k1 ?? "unknown"].slice(0, n);
  const emptyTotal = cell({ k0: null, k1: null, g: all, value: null, n: 0 });
  return {
    total: total ? cell(total) : emptyTotal,
    rows: groups.map((r) => ({ keys: keysOf(r, count), ...cell(r) })).sort(byKeys),
    subtotals: subtotals.map((r) => ({ keys: keysOf(r, 1), ...cell(r) })).sort(byKeys),
  };
}

function byKeys(a: GroupCell, b: GroupCell): number {
  return a.keys.join("\u0000").localeCompare(b.keys.join("\u0000"));
}

/** A share in percent, null when nothing was expected. */
function share(numerator: number, denominator: number): Cell {
  return { value: denominator > 0 ? (numerator / denominator) * 100 : null, numerator, denominator };
}

function mergeShare(
  numerator: Row[],
  denominator: Row[],
  count: number,
): Omit<IndicatorValues, "by" | "notApplicable"> {
  const key = (r: Row) => `${r.g}|${r.k0 ?? ""}|${r.k1 ?? ""}`;
  const num = new Map(numerator.map((r) => [key(r), r.value ?? 0]));
  const den = new Map(denominator.map((r) => [key(r), r]));
  // Groups present only in the numerator (e.g. acknowledged this month, created last month) still show.
  for (const r of numerator) if (!den.has(key(r))) den.set(key(r), { ...r, value: 0 });
  const merged = [...den.values()].map((r) => ({ ...r, value: r.value ?? 0 }));
  return shape(merged, count, (r) => share(num.get(key(r)) ?? 0, r.value ?? 0));
}
