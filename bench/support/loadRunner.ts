/** Shared pieces of the load benchmarks: open-loop firing at a fixed rate, percentiles, databases. */
import { type ChildProcess, spawn } from "node:child_process";
import { openSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export interface LoadResult {
  rate: number;
  sent: number;
  ok: number;
  failed: number;
  seconds: number;
  throughput: number;
  p50: number;
  p99: number;
}

// Keep-alive connections, as Twilio's own webhook client keeps them; `http.request` costs the load
// generator, which shares the machine's two cores with what it measures, a third of `fetch`.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** POSTs a body to the local service; resolves to the status (the response body is read and dropped). */
export function postLocal(port: number, path: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: "POST",
        agent,
        headers: { ...headers, "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Fires `fire(i)` at `rate` per second for `seconds` (open loop: slow answers do not slow the firing). */
export async function openLoop(
  rate: number,
  seconds: number,
  fire: (i: number) => Promise<boolean>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  const total = Math.round(rate * seconds);
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    inFlight.push(
      fire(i).then(
        (good) => {
          latencies.push(performance.now() - t0);
          if (good) ok++;
          else failed++;
        },
        () => {
          failed++;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  return { rate, sent: total, ok, failed, seconds: elapsed, throughput: ok / elapsed, ...percentiles(latencies) };
}

/** Runs `fire` from `concurrency` loops for `seconds`: the highest sustained throughput. */
export async function closedLoop(
  concurrency: number,
  seconds: number,
  fire: (i: number) => Promise<boolean>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let next = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const i = next++;
        const t0 = performance.now();
        const good = await fire(i).catch(() => false);
        latencies.push(performance.now() - t0);
        if (good) ok++;
        else failed++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return {
    rate: Number.NaN,
    sent: ok + failed,
    ok,
    failed,
    seconds: elapsed,
    throughput: ok / elapsed,
    ...percentiles(latencies),
  };
}

export function percentiles(values: number[]): { p50: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

export function formatRow(label: string, r: LoadResult): string {
  return `| ${label} | ${Number.isNaN(r.rate) ? "max" : `${r.rate}/s`} | ${r.ok}/${r.sent} | ${r.throughput.toFixed(0)}/s | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms |`;
}

export const tableHeader = "| target | offered | answered 200 | throughput | p50 | p99 |\n|---|---|---|---|---|---|";

/** A fresh database for one benchmark run: a PostgreSQL database or a PGlite folder. */
export async function benchDatabase(
  kind: "postgres" | "pglite",
): Promise<{ env: Record<string, string>; url?: string; cleanup: () => Promise<void> }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "relais-bench-"));
  if (kind === "pglite")
    return { env: { DATA_DIR: dataDir }, cleanup: () => rm(dataDir, { recursive: true, force: true }) };
  const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
  const name = `relais_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: u.toString() },
    url: u.toString(),
    cleanup: async () => {
      const drop = new pg.Client({ connectionString: adminUrl });
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await drop.end();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Starts the built service (`node dist/src/main.js`) and waits for `/readyz`. */
export async function startBuiltService(
  env: Record<string, string>,
  port: number,
  nodeArgs: string[] = [],
): Promise<ChildProcess> {
  // BENCH_SERVICE_LOG=<file>: the service's log (warnings and errors) is appended there.
  const logTo = process.env.BENCH_SERVICE_LOG ? openSync(process.env.BENCH_SERVICE_LOG, "a") : "ignore";
  // BENCH_NODE_ARGS: flags NODE_OPTIONS does not take (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof).
  const extraArgs = process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...extraArgs, ...nodeArgs, "dist/src/main.js"], {
    env: {
      PATH: process.env.PATH ?? "",
      LOG_LEVEL: "warn",
      PORT: String(port),
      // BENCH_NODE_OPTIONS: V8/Node flags for the service (e.g. --max-semi-space-size=8).
      ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
      ...env,
    },
    stdio: ["ignore", logTo, "inherit"],
  });
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}`);
    const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    if (res?.status === 200) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error("service did not become ready");
}

export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill(signal);
  await exited;
}
