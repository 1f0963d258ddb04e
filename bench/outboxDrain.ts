/**
 * Outbox drain rate to a local fake Twilio API with no rate limits, on PGlite and on PostgreSQL
 * (one worker, then two workers on two connection pools), and throttling accuracy at 1/s and 10/s.
 * The fake runs in a child process (bench/outboxFakeTwilioProcess.ts), so it shares neither the
 * worker's CPU time nor its event loop (PGlite blocks the loop while it runs a query), and
 * timestamps arrivals on its own clock.
 *
 *   npx tsx bench/outboxDrain.ts [messages=2000] [kinds=pglite,postgres]
 *
 * PostgreSQL: a throw-away database on BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test).
 */

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { z } from "zod";
import { TwilioSender } from "../src/channels/twilio/TwilioSender.js";
import { type Database, openDatabase } from "../src/db/openDatabase.js";
import type { PrismaClient } from "../src/generated/prisma/client.js";
import { createLogger } from "../src/log/createLogger.js";
import { enqueueOutbound } from "../src/outbox/enqueueOutbound.js";
import { startOutboxWorker } from "../src/outbox/OutboxWorker.js";
import type { OutboxRates } from "../src/outbox/rateBuckets.js";
import { benchDatabase } from "./support/loadRunner.js";

const total = Number(process.argv[2] ?? 2000);
const kinds = (process.argv[3] ?? "pglite,postgres").split(",");
const unlimited: OutboxRates = {
  smsPerSecond: Number.POSITIVE_INFINITY,
  whatsappPerSecond: Number.POSITIVE_INFINITY,
  telegramPerSecond: Number.POSITIVE_INFINITY,
  telegramPerChatPerSecond: Number.POSITIVE_INFINITY,
};
const config = { twilio: { smsFrom: "+15005550006", whatsappFrom: undefined, whatsappTemplateSid: undefined } };
const log = createLogger({ level: "silent" });
const senderFor = (api: { url: string; accountSid: string; authToken: string }) =>
  new TwilioSender({
    accountSid: api.accountSid,
    authToken: api.authToken,
    smsFrom: "+15005550006",
    whatsappFrom: undefined,
    apiBaseUrl: api.url,
    publicUrl: "https://relais.bench",
  });

// The fake for the drain rate, in its own process.
const child = spawn(process.execPath, ["--import", "tsx", "bench/outboxFakeTwilioProcess.ts"], {
  stdio: ["pipe", "pipe", "inherit"],
});
const childLines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
async function childLine(): Promise<unknown> {
  const next = await childLines.next();
  if (next.done) throw new Error("the fake Twilio process exited");
  return JSON.parse(next.value);
}
const remote = z.object({ url: z.string(), accountSid: z.string(), authToken: z.string() }).parse(await childLine());
const remoteSender = senderFor(remote);
async function remoteCount(): Promise<{ requests: number; distinct: number; times: number[] }> {
  child.stdin.write("count\n");
  return z.object({ requests: z.number(), distinct: z.number(), times: z.array(z.number()) }).parse(await childLine());
}

async function fill(prisma: PrismaClient, count: number, prefix: string): Promise<void> {
  for (let start = 0; start < count; start += 100) {
    await prisma.$transaction(
      async (tx) => {
        for (let i = start; i < Math.min(count, start + 100); i++) {
          await enqueueOutbound(tx, {
            contactId: null,
            channel: "sms",
            recipient: `+243${prefix}${String(i).padStart(6, "0")}`,
            body: { text: `Message ${i}: votre alerte est bien reçue.` },
            now: new Date(),
            config,
          });
        }
      },
      { timeout: 60_000 },
    );
  }
}

async function waitAllSent(prisma: PrismaClient): Promise<void> {
  for (;;) {
    if ((await prisma.outboxItem.count({ where: { status: { not: "sent" } } })) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function drain(clients: Database[], rates: OutboxRates, via: TwilioSender): Promise<number> {
  const started = performance.now();
  // As the service runs them: on PostgreSQL the hot statements go straight to pg.
  const workers = clients.map((database, i) =>
    startOutboxWorker({
      prisma: database.prisma,
      sql: database.sql,
      senders: { sms: via },
      log,
      rates,
      workerId: `bench-${i}`,
      pollMs: 5,
      batchSize: 50,
    }),
  );
  const [first] = clients;
  if (first) await waitAllSent(first.prisma);
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(workers.map((w) => w.stop()));
  return seconds;
}

async function throttle(database: Database, perSecond: number, count: number, prefix: string): Promise<string> {
  await fill(database.prisma, count, prefix);
  await remoteCount();
  await drain([database], { ...unlimited, smsPerSecond: perSecond }, remoteSender);
  // The first request also opens the connection: intervals are measured from the second.
  const times = (await remoteCount()).times.slice(1);
  const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t));
  const ideal = 1000 / perSecond;
  const achieved = (gaps.length * 1000) / ((times.at(-1) ?? 0) - (times[0] ?? 0));
  const worst = Math.max(...gaps.map((g) => Math.abs(g - ideal)));
  const early = Math.min(...gaps) - ideal;
  return `${perSecond}/s over ${count} messages: achieved ${achieved.toFixed(3)}/s, interval ${ideal} ms ± ${worst.toFixed(1)} ms (earliest ${early.toFixed(1)} ms)`;
}

for (const kind of kinds) {
  if (kind !== "pglite" && kind !== "postgres") continue;
  const place = await benchDatabase(kind);
  const db = await openDatabase({ url: place.url, dataDir: place.env.DATA_DIR ?? "", poolSize: 10 });
  const second = place.url ? await openDatabase({ url: place.url, dataDir: "unused", migrate: false }) : undefined;
  try {
    await fill(db.prisma, total, "10");
    await remoteCount();
    const one = await drain([db], unlimited, remoteSender);
    const oneCount = await remoteCount();
    process.stdout.write(
      `${kind}: 1 worker drained ${total} in ${one.toFixed(2)} s = ${(total / one).toFixed(0)} msg/s (${oneCount.requests} requests, ${oneCount.distinct} recipients)\n`,
    );
    if (second) {
      await fill(db.prisma, total, "11");
      const two = await drain([db, second], unlimited, remoteSender);
      const twoCount = await remoteCount();
      process.stdout.write(
        `${kind}: 2 workers drained ${total} in ${two.toFixed(2)} s = ${(total / two).toFixed(0)} msg/s (${twoCount.requests} requests, ${twoCount.distinct} recipients)\n`,
      );
    }
    // A backlog in front of the claims: does the per-recipient ordering check stay cheap?
    await db.prisma.outboxItem.deleteMany();
    await db.prisma.message.deleteMany();
    await fill(db.prisma, 20_000, "12");
    await db.prisma.outboxItem.updateMany({
      where: { status: "pending" },
      data: { nextAttemptAt: new Date(Date.now() + 3_600_000) },
    });
    await fill(db.prisma, 500, "13");
    const started = performance.now();
    const worker = startOutboxWorker({
      prisma: db.prisma,
      sql: db.sql,
      senders: { sms: remoteSender },
      log,
      rates: unlimited,
      workerId: "backlog",
      pollMs: 5,
      batchSize: 50,
    });
    while ((await db.prisma.outboxItem.count({ where: { status: "sent" } })) < 500) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const backlog = (performance.now() - started) / 1000;
    await worker.stop();
    await remoteCount();
    process.stdout.write(`${kind}: 500 due behind 20000 not yet due: ${(500 / backlog).toFixed(0)} msg/s\n`);
    await db.prisma.outboxItem.deleteMany();
    await db.prisma.message.deleteMany();

    process.stdout.write(`${kind}: ${await throttle(db, 1, 7, "20")}\n`);
    process.stdout.write(`${kind}: ${await throttle(db, 10, 51, "21")}\n`);
  } finally {
    await second?.close();
    await db.close();
    await place.cleanup();
  }
}
child.stdin.end();
child.kill();
