import { Prisma } from "../generated/prisma/client.js";
import type { Dimension, EventSelector } from "./logframeSchema.js";
import type { MealFilters } from "./mealFilters.js";
import type { Span } from "./splitPeriod.js";

type Scalar = string | number | boolean;

/** A UTC instant compared with a `timestamp` column that holds UTC (whatever the session time zone). */
export function utc(date: Date): Prisma.Sql {
  return Prisma.sql`(${date.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
}

function list(value: Scalar | Scalar[]): string[] {
  return (Array.isArray(value) ? value : [value]).map(String);
}

function inList(column: Prisma.Sql, value: Scalar | Scalar[]): Prisma.Sql {
  const values = list(value);
  return values.length === 1 ? Prisma.sql`${column} = ${values[0]}` : Prisma.sql`${column} IN (${Prisma.join(values)})`;
}

/** Column identifiers come from this fixed map only (never from input). */
const columnSql: Record<string, Prisma.Sql> = {
  channel: Prisma.raw(`"channel"::text`),
  location: Prisma.raw(`"location"`),
  sex: Prisma.raw(`"sex"`),
  ageGroup: Prisma.raw(`"ageGroup"`),
  category: Prisma.raw(`"category"`),
  service: Prisma.raw(`"service"`),
  urgency: Prisma.raw(`"urgency"`),
  flowId: Prisma.raw(`"flowId"`),
  type: Prisma.raw(`"type"`),
};

function column(name: string): Prisma.Sql {
  const sql = columnSql[name];
  if (!sql) throw new Error(`unknown MealEvent column ${name}`);
  return sql;
}

/** `(type = ... AND ...) OR (...)` for the selectors of one indicator. */
export function selectorsSql(selectors: readonly EventSelector[]): Prisma.Sql {
  const parts = selectors.map((s) => {
    const conditions: Prisma.Sql[] = [inList(Prisma.raw(`"type"`), s.type)];
    for (const [name, value] of Object.entries(s.where ?? {})) {
      if (value !== undefined) conditions.push(inList(column(name), value));
    }
    for (const [key, value] of Object.entries(s.data ?? {}))
      conditions.push(inList(Prisma.sql`("data"->>(${key}::text))`, value));
    return Prisma.sql`(${Prisma.join(conditions, " AND ")})`;
  });
  return Prisma.sql`(${Prisma.join(parts, " OR ")})`;
}

/** The dashboard filters on `MealEvent`. */
export function eventFiltersSql(filters: MealFilters): Prisma.Sql {
  return Prisma.sql`${spansSql([{ from: filters.from, until: filters.until }], "at")} AND ${eventDimensionFiltersSql(filters)}`;
}

/**
 * The place, channel, sex and age group filters: the same columns in `MealEvent` and in
 * `MealDailySummary`, so the same condition serves both.
 */
export function eventDimensionFiltersSql(filters: MealFilters): Prisma.Sql {
  const conditions: Prisma.Sql[] = [];
  if (filters.locations) {
    conditions.push(
      filters.locations.length > 0 ? Prisma.sql`"location" IN (${Prisma.join(filters.locations)})` : Prisma.sql`FALSE`,
    );
  }
  if (filters.channel) conditions.push(Prisma.sql`"channel"::text = ${filters.channel}`);
  if (filters.sex) conditions.push(Prisma.sql`"sex" = ${filters.sex}`);
  if (filters.ageGroup) conditions.push(Prisma.sql`"ageGroup" = ${filters.ageGroup}`);
  return conditions.length > 0 ? Prisma.join(conditions, " AND ") : Prisma.sql`TRUE`;
}

/** The tables an event query reads: one row per event, or one per day and combination of columns. */
export type EventTable = "MealEvent" | "MealDailySummary";

/** The month of a row: from the event's instant, or from the summary's (UTC) day. */
export function monthSql(table: EventTable | "Message" | "MealDailyMessages"): Prisma.Sql {
  if (table === "MealEvent") return Prisma.raw(`to_char("at", 'YYYY-MM')`);
  if (table === "Message") return Prisma.raw(`to_char("createdAt", 'YYYY-MM')`);
  return Prisma.raw(`to_char("day"::timestamp, 'YYYY-MM')`);
}

/** The SQL of one breakdown over `MealEvent` (or its daily summary), `unknown` for missing values. */
export function eventDimensionSql(dimension: Dimension, table: EventTable = "MealEvent"): Prisma.Sql {
  if (dimension === "month") return monthSql(table);
  if (dimension.startsWith("data.")) return Prisma.sql`COALESCE("data"->>(${dimension.slice(5)}::text), 'unknown')`;
  return Prisma.sql`COALESCE(${column(dimension)}, 'unknown')`;
}

/** A numeric `data` field, null when absent or not a number. */
export function numericFieldSql(field: string): Prisma.Sql {
  return Prisma.sql`CASE WHEN jsonb_typeof("data"->(${field}::text)) = 'number' THEN ("data"->>(${field}::text))::float8 END`;
}

/**
 * Rows within any of the spans: instants (`at`, `createdAt`, UTC timestamps) or summary days
 * (`day`, whose spans start and end at midnight). No span: no row.
 */
export function spansSql(spans: readonly Span[], column: "at" | "createdAt" | "day"): Prisma.Sql {
  const name = Prisma.raw(`"${column}"`);
  const bound = (d: Date) => (column === "day" ? Prisma.sql`${d.toISOString().slice(0, 10)}::date` : utc(d));
  const parts = spans.map((span) => {
    const conditions: Prisma.Sql[] = [];
    if (span.from) conditions.push(Prisma.sql`${name} >= ${bound(span.from)}`);
    if (span.until) conditions.push(Prisma.sql`${name} < ${bound(span.until)}`);
    return conditions.length > 0 ? Prisma.join(conditions, " AND ") : Prisma.sql`TRUE`;
  });
  if (parts.length === 0) return Prisma.sql`FALSE`;
  return parts.length === 1 ? (parts[0] ?? Prisma.sql`FALSE`) : Prisma.sql`((${Prisma.join(parts, ") OR (")}))`;
}

/** Groupings for a breakdown of up to two dimensions: the total, each first-level group, each pair. */
export function groupingSetsSql(dimensionCount: number): Prisma.Sql {
  if (dimensionCount === 0) return Prisma.sql``;
  if (dimensionCount === 1) return Prisma.raw("GROUP BY GROUPING SETS ((), (k0))");
  return Prisma.raw("GROUP BY GROUPING SETS ((), (k0), (k0, k1))");
}

/** `GROUPING(k0, k1)` bits tell the total and subtotal rows apart from real groups. */
export function groupingSql(dimensionCount: number): Prisma.Sql {
  if (dimensionCount === 0) return Prisma.raw("0");
  if (dimensionCount === 1) return Prisma.raw("GROUPING(k0)");
  return Prisma.raw("GROUPING(k0, k1)");
}
