import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { type Database, openDatabase } from "../../src/db/openDatabase.js";
import { databaseUrl, testAdminUrl, testDbKind } from "./testDbConfig.js";

let counter = 0;

export interface TestDatabase extends Database {
  /** PostgreSQL URL of this test database (PostgreSQL runs), for a second connection or a child process. */
  url: string | undefined;
  dataDir: string;
}

/**
 * A fresh, migrated database for one test file: a copy of the run's template (PGlite folder or
 * PostgreSQL template database). Close it in `afterAll`; the folder or database is then removed.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = inject("testDbTemplate");
  if (testDbKind === "postgres") {
    const name = `relais_t${counter++}_${process.ppid}_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: testAdminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    await admin.end();
    const url = databaseUrl(testAdminUrl, name);
    const db = await openDatabase({ url, dataDir: "unused", migrate: false });
    return {
      ...db,
      url,
      dataDir: "unused",
      close: async () => {
        await db.close();
        const drop = new pg.Client({ connectionString: testAdminUrl });
        await drop.connect();
        await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await drop.end();
      },
    };
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), "relais-test-"));
  await cp(template, dir, { recursive: true });
  const db = await openDatabase({ dataDir: dir, migrate: false });
  return {
    ...db,
    url: undefined,
    dataDir: dir,
    close: async () => {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
