/**
 * Export of 1,000,000 MEAL events (BENCH_EVENTS) over HTTP, as `GET /api/meal/export/events.*`
 * streams it: keyset-paginated reads, csv-stringify / exceljs streaming writer, backpressure from
 * the socket. Prints time, size, rows/s and the peak resident memory of the process (sampled every
 * 50 ms), for CSV and XLSX, plus the indicator and 4W exports of the year.
 *
 *   npx tsx bench/mealExport.ts            (BENCH_DATABASE_URL, default the local test server)
 *   NODE_OPTIONS=--max-old-space-size=128 npx tsx bench/mealExport.ts   (shows the heap stays bounded)
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { CodeLabels } from "../src/meal/CodeLabels.js";
import { export4W } from "../src/meal/export4W.js";
import { exportEvents } from "../src/meal/exportEvents.js";
import { exportIndicators } from "../src/meal/exportIndicators.js";
import { MealReports } from "../src/meal/MealReports.js";
import { resolveFilters } from "../src/meal/mealFilters.js";
import { type ExportFormat, tableSink } from "../src/meal/TableSink.js";
import { benchYear, eventCount, openBenchDatabase } from "./mealBenchData.js";

const db = await openBenchDatabase();
const reports = await MealReports.load(db.prisma, undefined, { cacheMs: 0 });
const labels = await CodeLabels.load(reports.logframe, reports.places);
const year = resolveFilters({ from: `${benchYear}-01-01`, to: `${benchYear}-12-31` }, reports.places);

type Table = "events" | "indicators" | "4w";
const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  const [table, format] = url.pathname.slice(1).split(".") as [Table, ExportFormat];
  const sink = await tableSink(format, res);
  if (table === "events") await exportEvents(db.prisma, sink, { filters: year, types: null, labels, language: "fr" });
  else if (table === "indicators")
    await exportIndicators(reports, sink, { filters: year, by: ["location", "sex"], language: "fr" });
  else await export4W(db.prisma, sink, { filters: year, labels, language: "fr" });
  await sink.end();
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const port = (server.address() as AddressInfo).port;

async function measure(table: Table, format: ExportFormat) {
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  let heapPeak = 0;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peak = Math.max(peak, usage.rss);
    heapPeak = Math.max(heapPeak, usage.heapUsed);
  }, 50);
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}/${table}.${format}`);
  let bytes = 0;
  let lines = 0;
  const reader = response.body?.getReader();
  for (;;) {
    const chunk = await reader?.read();
    if (!chunk || chunk.done) break;
    bytes += chunk.value.byteLength;
    if (format === "csv") for (const b of chunk.value) if (b === 10) lines++;
  }
  const ms = performance.now() - started;
  clearInterval(sampler);
  const rows = format === "csv" ? `${lines - 1} rows, ${Math.round((lines - 1) / (ms / 1000))} rows/s` : "";
  console.log(
    `${table}.${format} | ${(ms / 1000).toFixed(1)} s | ${(bytes / 1e6).toFixed(1)} MB | ${rows} | peak RSS ${(peak / 1e6).toFixed(0)} MB (start ${(baseline / 1e6).toFixed(0)} MB), peak heap ${(heapPeak / 1e6).toFixed(0)} MB`,
  );
}

try {
  console.log(`${eventCount} events in ${benchYear}; the server and the client share this process`);
  console.log("export | time | size | rows | memory");
  await measure("events", "csv");
  await measure("events", "xlsx");
  await measure("indicators", "csv");
  await measure("4w", "csv");
} finally {
  server.close();
  await db.close();
}
