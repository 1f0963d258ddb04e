/**
 * Alert figure 1: time from the reporter's last answer to every focal-point notification being in
 * the outbox. The last answer's inbound transaction stores the alert, routes it and enqueues the
 * notifications before it commits, so the figure is the duration of that `handleInbound` call
 * (signature check and HTTP excluded; the outbox worker's sending excluded). Each reporter first
 * answers the six earlier questions (not timed). Runs on PGlite and on PostgreSQL.
 *
 *   npx tsx bench/alertsLatency.ts [alerts=200] [concurrency=1]
 *   BENCH_DATABASE_URL=postgresql://... npx tsx bench/alertsLatency.ts
 */
import type { HandleInbound } from "../src/conversations/InboundMessage.js";
import { type BenchDb, percentile, pgliteDb, postgresDb, wireInbound } from "./alertsSupport.js";

const alerts = Number(process.argv[2] ?? 200);
const concurrency = Number(process.argv[3] ?? 1);
// Category, urgency, ETD (Tumbwe: 4 focal points; sexual violence adds the protection focal point), place, description.
const earlier = ["ALERTE", "5", "1", "1", "Kalunga", "Des hommes armes pres du marche"];

let sid = 0;
const send = (handle: HandleInbound, phone: string, text: string) =>
  handle({
    channel: "sms",
    address: phone,
    providerMessageId: `SMbench${process.pid}x${++sid}`,
    receivedAt: new Date(),
    content: { kind: "text", text },
  });

async function run(bench: BenchDb): Promise<void> {
  const { handleInbound } = await wireInbound(bench.db);
  const prisma = bench.db.prisma;
  const timings: number[] = [];
  let next = 0;
  const reporter = async (worker: number) => {
    for (;;) {
      const i = next++;
      if (i >= alerts) return;
      const phone = `+2439901${String(worker).padStart(2, "0")}${String(i).padStart(4, "0")}`;
      for (const text of earlier) await send(handleInbound, phone, text);
      const started = performance.now();
      await send(handleInbound, phone, i % 2 === 0 ? "1" : "2"); // anonymous or named
      timings.push(performance.now() - started);
    }
  };
  // Warm-up: a few alerts not counted.
  for (let i = 0; i < 5; i++) {
    for (const text of [...earlier, "1"]) await send(handleInbound, `+24399019999${i}`, text);
  }
  const wall = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, w) => reporter(w)));
  const wallMs = performance.now() - wall;
  const notifications = await prisma.alertRecipient.count();
  const created = await prisma.alert.count();
  timings.sort((a, b) => a - b);
  console.log(
    `${bench.kind}: ${alerts} alerts, concurrency ${concurrency}, ${notifications / created} notifications each: ` +
      `last answer -> notifications in outbox p50 ${percentile(timings, 50).toFixed(1)} ms, ` +
      `p99 ${percentile(timings, 99).toFixed(1)} ms, max ${percentile(timings, 100).toFixed(1)} ms ` +
      `(whole run ${(wallMs / 1000).toFixed(1)} s, 7 inbound messages per alert)`,
  );
}

for (const open of [pgliteDb, postgresDb]) {
  const bench = await open("alerts_latency");
  try {
    await run(bench);
  } finally {
    await bench.close();
  }
}
