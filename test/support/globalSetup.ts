import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../src/db/openDatabase.js";
import { databaseUrl, testAdminUrl, testDbKind } from "./testDbConfig.js";

declare module "vitest" {
  export interface ProvidedContext {
    testDbTemplate: string;
  }
}

/**
 * Builds one migrated template database for the whole run; each test file copies it
 * (`createTestDatabase`). PGlite: a folder; PostgreSQL: a template database.
 */
export default async function setup(project: TestProject) {
  if (testDbKind === "postgres") {
    const name = `relais_tpl_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: testAdminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const db = await openDatabase({ url: databaseUrl(testAdminUrl, name), dataDir: "unused" });
    await db.close();
    project.provide("testDbTemplate", name);
    return async () => {
      const rows = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [
        `relais_t%_${process.pid}_%`,
      ]);
      for (const row of rows.rows) await admin.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`);
      await admin.end();
    };
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), "relais-template-"));
  const db = await openDatabase({ dataDir: dir });
  await db.close();
  project.provide("testDbTemplate", dir);
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
