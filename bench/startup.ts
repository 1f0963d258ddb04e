/**
 * Start-up figures for the foundation issue: time from process start to `/readyz` answering 200,
 * and resident memory once idle, on PGlite (first start on an empty folder, restart on an existing
 * one) and on PostgreSQL (DATABASE_URL, default the local test server).
 *
 *   npx tsx bench/startup.ts
 *
 * Runs the built service (`npm run build` first) as `node dist/src/main.js`, like production.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

const pgUrl = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

interface Run {
  label: string;
  readyMs: number;
  rssMb: number;
}

async function measure(label: string, env: Record<string, string>): Promise<Run> {
  const port = 3900 + Math.floor(Math.random() * 90);
  const started = performance.now();
  const child = spawn(process.execPath, ["dist/src/main.js"], {
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", PORT: String(port), ...env },
    stdio: "ignore",
  });
  try {
    let readyMs = Number.NaN;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${label}: service exited with ${child.exitCode}`);
      const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      if (res?.status === 200) {
        readyMs = performance.now() - started;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 3000));
    const status = await readFile(`/proc/${child.pid}/status`, "utf8");
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    return { label, readyMs, rssMb: rssKb / 1024 };
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

const dir = await mkdtemp(path.join(os.tmpdir(), "relais-bench-"));
const runs: Run[] = [];
runs.push(await measure("PGlite, first start on an empty folder", { DATA_DIR: dir }));
runs.push(await measure("PGlite, restart on the existing folder", { DATA_DIR: dir }));
runs.push(await measure("PGlite, second restart", { DATA_DIR: dir }));
runs.push(await measure("PostgreSQL, start (migrations already applied)", { DATA_DIR: dir, DATABASE_URL: pgUrl }));
runs.push(await measure("PostgreSQL, restart", { DATA_DIR: dir, DATABASE_URL: pgUrl }));
await rm(dir, { recursive: true, force: true });

console.log("| run | to /readyz | RSS idle |\n|---|---|---|");
for (const r of runs) console.log(`| ${r.label} | ${(r.readyMs / 1000).toFixed(2)} s | ${r.rssMb.toFixed(0)} MB |`);
