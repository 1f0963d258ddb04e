import type { PGlite, Transaction } from "@electric-sql/pglite";
import type { PgTransaction } from "./createPgTransaction.js";
import type { DirectTransactions } from "./DirectTransactions.js";
import type { SqlBatch } from "./SqlRunner.js";

/**
 * Transactions straight on PGlite, without Prisma's interactive-transaction machinery. PGlite runs
 * one transaction at a time on its one connection, Prisma's included, so one is enough. There are
 * no round trips to save in-process: statements run one after the other.
 *
 * @example
 * const { tx, end } = await pgliteTransactions(pglite).open();
 * await tx.run([statement]);
 * await tx.commit();
 * end();
 */
export function pgliteTransactions(pglite: PGlite): DirectTransactions {
  return {
    concurrency: 1,
    open: () =>
      new Promise((resolve, reject) => {
        let decide: (commit: boolean) => void = () => {};
        const decided = new Promise<boolean>((r) => {
          decide = r;
        });
        let opened = false;
        // PGlite commits when the callback returns and rolls back when it throws; the callback
        // waits here for the caller's decision.
        const over = pglite.transaction(async (t) => {
          opened = true;
          resolve({ tx: wrap(t, decide, () => over), end: () => {} });
          if (!(await decided)) await t.rollback();
        });
        over.catch((error: unknown) => {
          if (!opened) reject(error);
        });
      }),
  };
}

function wrap(t: Transaction, decide: (commit: boolean) => void, over: () => Promise<unknown>): PgTransaction {
  let committed = false;
  let ended = false;
  const run: SqlBatch = async (statements) => {
    const results: unknown[][] = [];
    for (const statement of statements) results.push((await t.query<unknown>(statement.text, statement.values)).rows);
    return results;
  };
  const end = async (commit: boolean) => {
    if (ended) return;
    ended = true;
    decide(commit);
    await over();
    committed = commit;
  };
  return {
    run,
    sql: async (statement) => (await run([statement]))[0] ?? [],
    commitWith: async (statements) => {
      const results = await run(statements);
      await end(true);
      return results;
    },
    commit: () => end(true),
    rollback: () => end(false),
    get committed() {
      return committed;
    },
  };
}
