/**
 * Outbox drain rate to a local fake Twilio API with no rate limits, on PGlite and on PostgreSQL
 * (one worker, then two workers on two connection pools), and throttling accuracy at 1/s and 10/s.
 *
 *   npx tsx bench/outboxDrain.ts [messages=2000] [kinds=pglite,postgres]
 *
 * PostgreSQL: a throw-away database on BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test).
 */

import { TwilioSender } from "../src/channels/twilio/TwilioSender.js";
import { openDatabase } from "../src/db/openDatabase.js";
import type { PrismaClient } from "../src/generated/prisma/client.js";
import { createLogger } from "../src/log/createLogger.js";
import { enqueueOutbound } from "../src/outbox/enqueueOutbound.js";
import { startOutboxWorker } from "../src/outbox/OutboxWorker.js";
import type { OutboxRates } from "../src/outbox/rateBuckets.js";
import { startFakeTwilioApi } from "../test/support/fakeTwilioApi.js";
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
const twilio = await startFakeTwilioApi();
const sender = new TwilioSender({
  accountSid: twilio.accountSid,
  authToken: twilio.authToken,
  smsFrom: "+15005550006",
  whatsappFrom: undefined,
  apiBaseUrl: twilio.url,
  publicUrl: "https://relais.bench",
});

async function fill(prisma: PrismaClient, count: number, prefix: string): Promise<void> {
  for (let start = 0; start < count; start += 100) {
    await prisma.$transaction(async (tx) => {
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
    });
  }
}

async function waitAllSent(prisma: PrismaClient): Promise<void> {
  for (;;) {
    if ((await prisma.outboxItem.count({ where: { status: { not: "sent" } } })) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function drain(clients: PrismaClient[], rates: OutboxRates): Promise<number> {
  const started = performance.now();
  const workers = clients.map((prisma, i) =>
    startOutboxWorker({
      prisma,
      senders: { sms: sender },
      log,
      rates,
      workerId: `bench-${i}`,
      pollMs: 5,
      batchSize: 50,
    }),
  );
  const [first] = clients;
  if (first) await waitAllSent(first);
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(workers.map((w) => w.stop()));
  return seconds;
}

async function throttle(prisma: PrismaClient, perSecond: number, count: number, prefix: string): Promise<string> {
  await fill(prisma, count, prefix);
  twilio.requests.length = 0;
  await drain([prisma], { ...unlimited, smsPerSecond: perSecond });
  // The first request also opens the connection: intervals are measured from the second.
  const times = twilio.requests.map((r) => r.at).slice(1);
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
    twilio.requests.length = 0;
    const one = await drain([db.prisma], unlimited);
    process.stdout.write(
      `${kind}: 1 worker drained ${total} in ${one.toFixed(2)} s = ${(total / one).toFixed(0)} msg/s\n`,
    );
    if (second) {
      await fill(db.prisma, total, "11");
      twilio.requests.length = 0;
      const two = await drain([db.prisma, second.prisma], unlimited);
      const distinct = new Set(twilio.requests.map((r) => r.params.To)).size;
      process.stdout.write(
        `${kind}: 2 workers drained ${total} in ${two.toFixed(2)} s = ${(total / two).toFixed(0)} msg/s (${twilio.requests.length} requests, ${distinct} distinct recipients)\n`,
      );
    }
    // A backlog in front of the claims: does the per-recipient ordering check stay cheap?
    await fill(db.prisma, 20_000, "12");
    await db.prisma.outboxItem.updateMany({
      where: { status: "pending" },
      data: { nextAttemptAt: new Date(Date.now() + 3_600_000) },
    });
    await fill(db.prisma, 500, "13");
    twilio.requests.length = 0;
    const started = performance.now();
    const worker = startOutboxWorker({
      prisma: db.prisma,
      senders: { sms: sender },
      log,
      rates: unlimited,
      workerId: "backlog",
      pollMs: 5,
      batchSize: 50,
    });
    while (twilio.requests.length < 500) await new Promise((resolve) => setTimeout(resolve, 25));
    const backlog = (performance.now() - started) / 1000;
    await worker.stop();
    process.stdout.write(`${kind}: 500 due behind 20000 not yet due: ${(500 / backlog).toFixed(0)} msg/s\n`);
    await db.prisma.outboxItem.deleteMany();
    await db.prisma.message.deleteMany();

    process.stdout.write(`${kind}: ${await throttle(db.prisma, 1, 7, "20")}\n`);
    process.stdout.write(`${kind}: ${await throttle(db.prisma, 10, 51, "21")}\n`);
  } finally {
    await second?.close();
    await db.close();
    await place.cleanup();
  }
}
await twilio.close();
