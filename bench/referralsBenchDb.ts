/** Scratch databases for the referral benchmarks: a fresh PGlite folder, and a throw-away database on DATABASE_URL's server. */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { type Database, openDatabase } from "../src/db/openDatabase.js";
import { seedDirectory } from "../src/directory/seedDirectory.js";

export interface BenchDb {
  kind: "PGlite" | "PostgreSQL";
  db: Database;
  close(): Promise<void>;
}

/** The databases to run on: PGlite always, PostgreSQL when DATABASE_URL is set. Each gets the reference locations and services. */
export async function* benchDatabases(label: string): AsyncGenerator<BenchDb> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `relais-${label}-`));
  const pglite = await openDatabase({ dataDir: dir });
  await seedDirectory(pglite.prisma, { demoProviders: false });
  yield {
    kind: "PGlite",
    db: pglite,
    close: async () => {
      await pglite.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.log("(DATABASE_URL not set: PostgreSQL skipped)");
    return;
  }
  const name = `relais_bench_${label}_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  const postgres = await openDatabase({ url: scratch.toString(), dataDir: "unused" });
  await seedDirectory(postgres.prisma, { demoProviders: false });
  yield {
    kind: "PostgreSQL",
    db: postgres,
    close: async () => {
      await postgres.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** A deterministic pseudo-random generator (mulberry32), so runs compare. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
