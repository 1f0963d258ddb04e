import { Prisma } from "../generated/prisma/client.js";
import { preparedMarker } from "./createStatementNamer.js";

/**
 * Values for hand-written SQL on the hot paths (inbound messages, the outbox), where one statement
 * replaces several Prisma queries. Prisma stores `DateTime` as `timestamp(3)` holding UTC without a
 * zone, enums as PostgreSQL enum types and `Json` as `jsonb`; these helpers write values the same way.
 */

/** A time for a `timestamp(3)` column: UTC, without a zone, as Prisma writes `DateTime`. */
export function utc(at: Date): Prisma.Sql {
  return Prisma.sql`(${at.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
}

/** A nullable time. */
export function utcOrNull(at: Date | null | undefined): Prisma.Sql {
  return at ? utc(at) : Prisma.sql`NULL::timestamp`;
}

/** A `jsonb` value; `null`/`undefined` is SQL NULL (Prisma's `DbNull`), not the JSON `null`. */
export function jsonb(value: unknown): Prisma.Sql {
  return value === undefined || value === null ? Prisma.sql`NULL::jsonb` : Prisma.sql`${JSON.stringify(value)}::jsonb`;
}

/** A uuid column value (ids travel as text). */
export function uuid(id: string | null | undefined): Prisma.Sql {
  return id ? Prisma.sql`${id}::uuid` : Prisma.sql`NULL::uuid`;
}

/** The enum types of the schema that hand-written SQL writes. */
export type SqlEnum = "Channel" | "Direction" | "MessageStatus" | "OutboxStatus" | "ConversationStatus";

/** A value of one of the schema's enum types. */
export function enumValue(type: SqlEnum, value: string): Prisma.Sql {
  return Prisma.sql`CAST(${value}::text AS ${Prisma.raw(`"${type}"`)})`;
}

/** A nullable value of one of the schema's enum types. */
export function enumOrNull(type: SqlEnum, value: string | null | undefined): Prisma.Sql {
  return value ? enumValue(type, value) : Prisma.sql`CAST(NULL AS ${Prisma.raw(`"${type}"`)})`;
}

/** `WITH a AS (...), b AS (...) <final>`: data-modifying CTEs all run once, whatever `final` reads. */
export function withStatements(ctes: Prisma.Sql[], final: Prisma.Sql): Prisma.Sql {
  if (ctes.length === 0) return final;
  const named = ctes.map((cte, i) => Prisma.sql`${Prisma.raw(`s${i}`)} AS (${cte})`);
  return Prisma.sql`WITH ${Prisma.join(named, ", ")} ${final}`;
}

/**
 * Marks a statement that runs for every message (parameters only change keys and values) to be
 * prepared once per connection and keep its plan: see `createStatementNamer`.
 */
export function prepared(sql: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`${Prisma.raw(preparedMarker)} ${sql}`;
}
