import { z } from "zod";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import {
  eventDimensionSql,
  eventFiltersSql,
  groupingSetsSql,
  groupingSql,
  numericFieldSql,
  selectorsSql,
  utc,
} from "./indicatorSql.js";
import type { Dimension, EventSelector, Indicator } from "./logframeSchema.js";
import { filtersNotApplicableToMessages, type MealFilters } from "./mealFilters.js";

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

/** Sorts and hashes of a year of events fit in memory with this (PostgreSQL's default 4 MB spills to disk). */
const queryWorkMem = "32MB";

/**
 * Computes one logframe indicator in one SQL statement per part (two for shares): the total and
 * the groups come from `GROUPING SETS` over the same scan, so a table's groups always add up to
 * the figure shown beside it, on the dashboard and in the exports alike.
 *
 * @example
 * const values = await computeIndicator(prisma, indicator, filters, ["location", "sex"]);
 */
export async function computeIndicator(
  db: Db,
  indicator: Indicator,
  filters: MealFilters,
  requestedBy: readonly Dimension[] = [],
): Promise<IndicatorValues> {
  const by = requestedBy.filter((d) => indicator.disaggregations.includes(d)).slice(0, 2);
  switch (indicator.measure) {
    case "messages": {
      const rows = await queryRows(db, messagesSql(indicator.direction ?? null, filters, by));
      return {
        ...shape(rows, by.length, (r) => ({ value: r.value ?? 0 })),
        by,
        notApplicable: filtersNotApplicableToMessages(filters),
      };
    }
    case "share": {
      const [numerator, denominator] = await Promise.all([
        queryRows(db, eventsSql(indicator.numerator.events, indicator.numerator.measure, null, filters, by)),
        queryRows(db, eventsSql(indicator.denominator.events, indicator.denominator.measure, null, filters, by)),
      ]);
      return { ...mergeShare(numerator, denominator, by.length), by, notApplicable: [] };
    }
    case "count":
    case "people": {
      const rows = await queryRows(db, eventsSql(indicator.events, indicator.measure, null, filters, by));
      return { ...shape(rows, by.length, (r) => ({ value: r.value ?? 0 })), by, notApplicable: [] };
    }
    default: {
      const rows = await queryRows(db, eventsSql(indicator.events, indicator.measure, indicator.field, filters, by));
      return { ...shape(rows, by.length, (r) => ({ value: r.value, n: r.n })), by, notApplicable: [] };
    }
  }
}

async function queryRows(db: Db, sql: Prisma.Sql): Promise<Row[]> {
  const rows: unknown = await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT set_config('work_mem', ${queryWorkMem}, true)`;
      return tx.$queryRaw(sql);
    },
    { maxWait: 30_000, timeout: 120_000 },
  );
  return z.array(rowSchema).parse(rows);
}

function aggregateSql(measure: "count" | "people" | "mean" | "median" | "sum"): Prisma.Sql {
  switch (measure) {
    case "count":
      return Prisma.raw("count(*)::float8");
    case "people":
      return Prisma.raw("count(DISTINCT subject)::float8");
    case "mean":
      return Prisma.raw("avg(num)::float8");
    case "median":
      return Prisma.raw("(percentile_cont(0.5) WITHIN GROUP (ORDER BY num))::float8");
    case "sum":
      return Prisma.raw("sum(num)::float8");
  }
}

function keysSql(dimensions: Prisma.Sql[]): Prisma.Sql {
  return Prisma.sql`${dimensions[0] ?? Prisma.raw("NULL::text")} AS k0, ${dimensions[1] ?? Prisma.raw("NULL::text")} AS k1`;
}

function outerSql(inner: Prisma.Sql, aggregate: Prisma.Sql, count: number): Prisma.Sql {
  const k0 = Prisma.raw(count >= 1 ? "k0" : "NULL::text");
  const k1 = Prisma.raw(count >= 2 ? "k1" : "NULL::text");
  return Prisma.sql`SELECT ${k0} AS k0, ${k1} AS k1, ${groupingSql(count)} AS g, ${aggregate} AS value, count(num)::float8 AS n
    FROM (${inner}) e ${groupingSetsSql(count)}`;
}

function eventsSql(
  selectors: readonly EventSelector[],
  measure: "count" | "people" | "mean" | "median" | "sum",
  field: string | null,
  filters: MealFilters,
  by: readonly Dimension[],
): Prisma.Sql {
  const num = field ? numericFieldSql(field) : Prisma.raw("NULL::float8");
  const inner = Prisma.sql`SELECT ${keysSql(by.map(eventDimensionSql))}, "subject" AS subject, ${num} AS num
    FROM "MealEvent" WHERE ${selectorsSql(selectors)} AND ${eventFiltersSql(filters)}`;
  if (measure === "people") return peopleSql(inner, by.length);
  return outerSql(inner, aggregateSql(measure), by.length);
}

/**
 * Distinct people per group without `count(DISTINCT)` (which sorts each grouping set): the
 * (groups, pseudonym) pairs are made distinct once with a hash, then each level counts its own
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

const messageDimensions: Record<string, Prisma.Sql> = {
  channel: Prisma.raw(`"channel"::text`),
  direction: Prisma.raw(`"direction"::text`),
  month: Prisma.raw(`to_char("createdAt", 'YYYY-MM')`),
};

function messagesSql(
  direction: "inbound" | "outbound" | null,
  filters: MealFilters,
  by: readonly Dimension[],
): Prisma.Sql {
  const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (direction) conditions.push(Prisma.sql`"direction"::text = ${direction}`);
  if (filters.from) conditions.push(Prisma.sql`"createdAt" >= ${utc(filters.from)}`);
  if (filters.until) conditions.push(Prisma.sql`"createdAt" < ${utc(filters.until)}`);
  if (filters.channel) conditions.push(Prisma.sql`"channel"::text = ${filters.channel}`);
  const dimensions = by.map((d) => messageDimensions[d] ?? Prisma.raw("'n/a'"));
  const inner = Prisma.sql`SELECT ${keysSql(dimensions)}, NULL::float8 AS num
    FROM "Message" WHERE ${Prisma.join(conditions, " AND ")}`;
  return outerSql(inner, Prisma.raw("count(*)::float8"), by.length);
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
