import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";
import type { Prisma } from "../generated/prisma/client.js";
import type { StatementNamer } from "./createStatementNamer.js";
import type { Tx } from "./Tx.js";

/**
 * Runs one hand-written statement and returns its rows. The inbound hot path is written against
 * this, so it runs the same SQL inside a Prisma transaction or straight on a `pg` connection
 * (`createInboundHandler`'s fast lane on PostgreSQL). Statements return only text, numbers,
 * booleans and JSON (no timestamps, bigints or decimals), which both drivers return alike.
 */
export type SqlRunner = (sql: Prisma.Sql) => Promise<unknown[]>;

/**
 * Runs statements in order and returns each one's rows: in one round trip on a bare `pg`
 * transaction (`createPgTransaction`), one after the other elsewhere. Each statement still sees
 * what the ones before it did, as if run alone.
 */
export type SqlBatch = (statements: Prisma.Sql[]) => Promise<unknown[][]>;

/** A batch run one statement after the other. */
export function sequentialBatch(sql: SqlRunner): SqlBatch {
  return async (statements) => {
    const results: unknown[][] = [];
    for (const statement of statements) results.push(await sql(statement));
    return results;
  };
}

/** Statements through Prisma: a transaction client, or the client itself. */
export function prismaSql(tx: Pick<Tx, "$queryRaw">): SqlRunner {
  return (sql) => tx.$queryRaw<unknown[]>(sql);
}

/**
 * Statements straight on a `pg` connection, or on a pool (each statement on any free connection).
 * `name` names the statements worth preparing (`createStatementNamer`); Prisma's adapter uses the
 * same namer on the same connections.
 */
export function pgSql(client: Pick<pg.ClientBase, "query">, name: StatementNamer): SqlRunner {
  return async (sql) => {
    const text = sql.text;
    const result = await client.query({ name: name({ sql: text }) || undefined, text, values: sql.values });
    return result.rows;
  };
}

/**
 * Statements straight on PGlite, outside any transaction: PGlite runs them once the transaction
 * in progress (Prisma's, on the same single connection) is over, never inside it.
 */
export function pgliteSql(pglite: Pick<PGlite, "query">): SqlRunner {
  return async (sql) => (await pglite.query<unknown>(sql.text, sql.values)).rows;
}

/** Direct `pg` connections beside Prisma on PostgreSQL. */
export interface PgConnections {
  /**
   * Prisma's own pool. The inbound fast lane and the outbox workers take connections from it: under
   * overload the outbox waits its turn behind inbound messages, whose webhooks must be answered
   * (Twilio retries after 15 s), and catches up when the burst is over.
   */
  pool: pg.Pool;
  name: StatementNamer;
}
