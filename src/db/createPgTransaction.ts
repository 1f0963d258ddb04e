import pg from "pg";
import type { Prisma } from "../generated/prisma/client.js";
import type { StatementNamer } from "./createStatementNamer.js";
import type { DirectTransactions } from "./DirectTransactions.js";
import { type PgConnections, pgSql, type SqlBatch, type SqlRunner } from "./SqlRunner.js";

/** One transaction on a bare `pg` connection, whose statements travel in as few round trips as possible. */
export interface PgTransaction {
  /** Runs statements in order and returns each one's rows; the first call also opens the transaction. */
  run: SqlBatch;
  /** Runs one statement. */
  sql: SqlRunner;
  /** Runs the transaction's last statements and commits, in one round trip. */
  commitWith: SqlBatch;
  /** Commits, unless `commitWith` already did. */
  commit: () => Promise<void>;
  /** Rolls back (nothing to do before the first statement or after the commit). */
  rollback: () => Promise<void>;
  readonly committed: boolean;
}

/** The statements prepared with SQL `PREPARE` on each connection (they live as long as it does). */
const preparedOn = new WeakMap<pg.ClientBase, Set<string>>();

/**
 * A transaction on `client` that saves round trips, which on a loopback socket cost more CPU than
 * the statements themselves (~0.1 ms of system time on each side per round trip, measured on the
 * 2-core bench machine, against ~0.2 ms for a whole inbound statement). The extended protocol that
 * carries parameters takes one statement per round trip; the simple protocol takes several, but no
 * parameters. So statements worth preparing (`createStatementNamer`) are prepared once per
 * connection with SQL `PREPARE`, and run as `EXECUTE name('value', ...)` with every value a quoted
 * literal, untyped as a parameter is, so PostgreSQL reads it exactly as it would a parameter:
 * `BEGIN` travels with the first statements and `COMMIT` with the last. A statement that is not
 * worth preparing runs alone over the extended protocol.
 *
 * @example
 * const tx = createPgTransaction(client, namer);
 * const [stored, active] = await tx.run([storeStatement, readStatement]); // BEGIN; EXECUTE ...; EXECUTE ...
 * await tx.commitWith([lastStatement]); // EXECUTE ...; COMMIT
 */
export function createPgTransaction(client: pg.ClientBase, name: StatementNamer): PgTransaction {
  let begun = false;
  let committed = false;
  const extended = pgSql(client, name);

  const prepare = async (statement: Prisma.Sql): Promise<string | null> => {
    const named = name({ sql: statement.text });
    if (!named) return null;
    const sqlName = pg.escapeIdentifier(`sq_${named}`);
    let prepared = preparedOn.get(client);
    if (!prepared) {
      prepared = new Set();
      preparedOn.set(client, prepared);
    }
    if (!prepared.has(sqlName)) {
      // In a round trip of its own: a prepared statement outlives a rollback, so preparing it
      // in a batch that fails would leave it unknown whether it exists.
      await client.query(`PREPARE ${sqlName} AS ${statement.text}`);
      prepared.add(sqlName);
    }
    return sqlName;
  };

  /** Sends `texts` (simple protocol) in one round trip; the rows of each. */
  const send = async (texts: string[]): Promise<unknown[][]> => {
    const results: unknown = await client.query(texts.join(";\n"));
    const list: unknown[] = Array.isArray(results) ? results : [results];
    return list.map((result) => {
      const rows: unknown = typeof result === "object" && result !== null ? Reflect.get(result, "rows") : undefined;
      return Array.isArray(rows) ? rows : [];
    });
  };

  const runTexts = async (statements: Prisma.Sql[], after: string[]): Promise<unknown[][]> => {
    const executes: string[] = [];
    for (const statement of statements) {
      const sqlName = await prepare(statement);
      if (!sqlName) return runOneByOne(statements, after);
      executes.push(execute(sqlName, statement.values));
    }
    const before = begun ? [] : ["BEGIN"];
    // Whatever happens to this round trip, a transaction may be open: `rollback` must end it.
    begun = true;
    const results = await send([...before, ...executes, ...after]);
    return results.slice(before.length, before.length + executes.length);
  };

  const runOneByOne = async (statements: Prisma.Sql[], after: string[]): Promise<unknown[][]> => {
    if (!begun) {
      begun = true;
      await client.query("BEGIN");
    }
    const results: unknown[][] = [];
    for (const statement of statements) results.push(await extended(statement));
    if (after.length > 0) await send(after);
    return results;
  };

  return {
    run: (statements) => runTexts(statements, []),
    sql: async (statement) => (await runTexts([statement], []))[0] ?? [],
    commitWith: async (statements) => {
      const results = begun || statements.length > 0 ? await runTexts(statements, ["COMMIT"]) : [];
      committed = true;
      return results;
    },
    commit: async () => {
      if (committed) return;
      if (begun) await client.query("COMMIT");
      committed = true;
    },
    rollback: async () => {
      if (begun && !committed) await client.query("ROLLBACK");
    },
    get committed() {
      return committed;
    },
  };
}

/** Forgets what was prepared on `client` (after `DISCARD ALL`, or when its statements went missing). */
export function forgetPrepared(client: pg.ClientBase): void {
  preparedOn.delete(client);
}

/**
 * `createPgTransaction`s on connections from Prisma's pool, a few at a time: with two cores, more
 * transactions at once only wait on each other.
 */
export function pgTransactions(connections: PgConnections, concurrency = 3): DirectTransactions {
  return {
    concurrency,
    open: async () => {
      const client = await connections.pool.connect();
      return {
        tx: createPgTransaction(client, connections.name),
        end: (outcome) => {
          if (isMissingPreparedStatement(outcome?.error)) forgetPrepared(client);
          client.release(outcome?.broken);
        },
      };
    },
  };
}

/** PostgreSQL's 26000: the connection lost its prepared statements (a `DISCARD ALL`, say). */
export function isMissingPreparedStatement(error: unknown): boolean {
  return typeof error === "object" && error !== null && Reflect.get(error, "code") === "26000";
}

/** `EXECUTE name('v1', 'v2', NULL)`: each value as `pg` itself would send it as an untyped parameter. */
function execute(sqlName: string, values: unknown[]): string {
  return values.length === 0 ? `EXECUTE ${sqlName}` : `EXECUTE ${sqlName}(${values.map(literal).join(", ")})`;
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "string") return pg.escapeLiteral(value);
  if (typeof value === "number" || typeof value === "bigint") return pg.escapeLiteral(String(value));
  if (typeof value === "boolean") return value ? "'true'" : "'false'";
  throw new TypeError(`a ${typeof value} cannot be sent as a literal; pass text, numbers or booleans`);
}
