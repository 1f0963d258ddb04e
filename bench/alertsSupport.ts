/** Scratch databases and the inbound wiring for the alert benchmarks (bench/alertsLatency.ts, bench/alertsEscalation.ts). */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { seedPilotArea } from "../src/alerts/seedPilotArea.js";
import { type Config, loadConfig } from "../src/config/loadConfig.js";
import { createInboundHandler } from "../src/conversations/createInboundHandler.js";
import type { HandleInbound } from "../src/conversations/InboundMessage.js";
import { type Database, openDatabase } from "../src/db/openDatabase.js";
import type { I18n } from "../src/engine/i18n.js";
import type { ActionHandler } from "../src/engine/types.js";
import { createLogger, type Logger } from "../src/log/createLogger.js";
import { buildEngine } from "../src/service/buildEngine.js";
import type { DomainDeps } from "../src/service/Feature.js";
import { features } from "../src/service/features.js";

export const benchSecret = "bench-pseudonym-secret-0123456789";

export interface BenchDb {
  kind: "PGlite" | "PostgreSQL";
  db: Database;
  close(): Promise<void>;
}

/** A fresh PGlite folder. */
export async function pgliteDb(label: string): Promise<BenchDb> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `relais-${label}-`));
  const db = await openDatabase({ dataDir: dir });
  return {
    kind: "PGlite",
    db,
    close: async () => {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A throw-away database on the PostgreSQL server of BENCH_DATABASE_URL (default: the local test server). */
export async function postgresDb(label: string): Promise<BenchDb> {
  const url = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
  const name = `relais_bench_${label}_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  const db = await openDatabase({ url: scratch.toString(), dataDir: "unused", poolSize: 10 });
  return {
    kind: "PostgreSQL",
    db,
    close: async () => {
      await db.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

export interface Wiring {
  config: Config;
  i18n: I18n;
  log: Logger;
  handleInbound: HandleInbound;
  deps: DomainDeps;
}

/** The service's inbound path (every feature's actions and commands) over `db`, without HTTP or outbox workers. */
export async function wireInbound(db: Database): Promise<Wiring> {
  const loaded = loadConfig({ LOG_LEVEL: "silent", PSEUDONYM_SECRET: benchSecret });
  if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
  const config = loaded.config;
  const log = createLogger({ level: "silent" });
  const { engine, i18n } = buildEngine(
    config,
    features.flatMap((f) => f.actionNames ?? []),
  );
  const deps: DomainDeps = { config, i18n, pseudonymSecret: benchSecret, log };
  await seedPilotArea(db.prisma, { pseudonymSecret: benchSecret, addresses: "real" });
  const handleInbound = createInboundHandler({
    prisma: db.prisma,
    engine,
    config,
    pseudonymSecret: benchSecret,
    log,
    actions: (tx, sender) => {
      const all: Record<string, ActionHandler> = {};
      for (const feature of features) Object.assign(all, feature.actions?.(tx, sender, deps));
      return all;
    },
    commands: features.flatMap((f) => f.commands?.(deps) ?? []),
  });
  return { config, i18n, log, handleInbound, deps };
}

/** p-th percentile (0..100) of sorted numbers. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}
