import type { PgTransaction } from "./createPgTransaction.js";

/** One transaction opened by `DirectTransactions`, and how to hand its connection back. */
export interface DirectTransaction {
  tx: PgTransaction;
  /**
   * Hands the connection back once the transaction is over. `error`: what failed it, if anything;
   * `broken`: the connection itself failed (its rollback did), and must not be used again.
   */
  end: (outcome?: { error?: unknown; broken?: Error }) => void;
}

/**
 * Transactions straight on the database driver, beside Prisma, for the inbound fast lane: bare `pg`
 * connections from Prisma's pool on PostgreSQL (`pgTransactions`), the one PGlite connection
 * otherwise (`pgliteTransactions`). They run hand-written statements only.
 */
export interface DirectTransactions {
  open: () => Promise<DirectTransaction>;
  /** Transactions worth running at once: a few on PostgreSQL, one on PGlite (one connection). */
  concurrency: number;
}
