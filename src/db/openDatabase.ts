import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../generated/prisma/client.js";
import { checkReadiness } from "./checkReadiness.js";
import { pgTransactions } from "./createPgTransaction.js";
import { createStatementNamer } from "./createStatementNamer.js";
import type { DirectTransactions } from "./DirectTransactions.js";
import { applyMigrations } from "./migrations.js";
import { lockDataDir } from "./pgliteLock.js";
import { pgliteTransactions } from "./pgliteTransactions.js";
import { type PgConnections, pgliteSql, pgSql, type SqlRunner } from "./SqlRunner.js";

export type Db = PrismaClient;

export interface Database {
  prisma: PrismaClient;
  kind: "pglite" | "postgres";
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** Describes where the data is, without credentials. */
  location: string;
  /** PostgreSQL only: the pool Prisma uses, for the inbound fast lane's direct statements. */
  pg?: PgConnections;
  /**
   * Hand-written statements outside a transaction, the cheapest way: straight on `pg` on
   * PostgreSQL, straight on PGlite otherwise (the outbox worker's claims and records).
   */
  sql: SqlRunner;
  /** Transactions straight on the driver, for the inbound fast lane. */
  direct: DirectTransactions;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL URL; when absent, embedded PGlite in `dataDir`. */
  url?: string | undefined;
  dataDir: string;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  /** pg pool size. */
  poolSize?: number;
}

/**
 * Opens the database: PostgreSQL through `@prisma/adapter-pg` when a URL is given, otherwise
 * PGlite in `dataDir` (created on first use, locked against a second process). Applies pending
 * migrations unless told not to.
 *
 * @example
 * const db = await openDatabase({ url: process.env.DATABASE_URL, dataDir: "./data" });
 * await db.prisma.contact.count();
 * await db.close();
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const database = options.url ? openPostgres(options.url, options.poolSize) : await openPglite(options.dataDir);
  try {
    // Loading the wasm schema engine costs ~100 MB and a second; skip it when nothing is pending.
    if (options.migrate !== false && !(await checkReadiness(database.prisma)).ready) {
      await applyMigrations(database.adapterFactory);
    }
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}

function openPostgres(url: string, poolSize = 10): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle connection that fails (the server restarted) is dropped by the pool; without a
  // listener the error would end the process. Failed statements are reported where they run.
  pool.on("error", () => {});
  const name = createStatementNamer();
  const adapterFactory = new PrismaPg(pool, { statementNameGenerator: name });
  const prisma = new PrismaClient({ adapter: adapterFactory });
  return {
    prisma,
    kind: "postgres",
    adapterFactory,
    location: describePostgresUrl(url),
    pg: { pool, name },
    sql: pgSql(pool, name),
    direct: pgTransactions({ pool, name }),
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function openPglite(dataDir: string): Promise<Database> {
  mkdirSync(dataDir, { recursive: true });
  const unlock = lockDataDir(dataDir);
  try {
    const pglite = await PGlite.create(`${dataDir}/pgdata`);
    const adapterFactory = new PrismaPGlite(pglite);
    const prisma = new PrismaClient({ adapter: adapterFactory });
    return {
      prisma,
      kind: "pglite",
      sql: pgliteSql(pglite),
      direct: pgliteTransactions(pglite),
      adapterFactory,
      location: dataDir,
      close: async () => {
        await prisma.$disconnect();
        await pglite.close();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}

/** `postgresql://user:secret@host:5432/db?x` → `postgresql://host:5432/db`. */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "postgresql://(unparseable url)";
  }
}
