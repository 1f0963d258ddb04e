/**
 * Alert figure 2: the cost of one escalation pass with 10,000 open alerts on PostgreSQL.
 * - a pass when none is due (the every-minute case): the due query alone, with its plan;
 * - a pass when all are due: each goes to the province tier (one notification in the outbox,
 *   AlertRecipient, AlertEvent and MEAL rows), in batches of 100 under FOR UPDATE SKIP LOCKED.
 *
 *   npx tsx bench/alertsEscalation.ts [alerts=10000]
 *   BENCH_DATABASE_URL=postgresql://... npx tsx bench/alertsEscalation.ts
 */

import { ALERT_CATEGORIES } from "../src/alerts/alertCodes.js";
import { escalateAlerts } from "../src/alerts/escalateAlerts.js";
import { seedPilotArea } from "../src/alerts/seedPilotArea.js";
import { benchSecret, postgresDb, wireInbound } from "./alertsSupport.js";

const total = Number(process.argv[2] ?? 10_000);
const bench = await postgresDb("alerts_escalation");
try {
  const prisma = bench.db.prisma;
  const { deps } = await wireInbound(bench.db);
  await seedPilotArea(prisma, { pseudonymSecret: benchSecret, addresses: "real" });
  const etds = await prisma.location.findMany({ where: { level: "etd" }, select: { id: true } });
  const now = new Date();
  const created = new Date(now.getTime() - 20 * 60_000);
  const notYet = new Date(now.getTime() + 10 * 60_000);
  for (let start = 0; start < total; start += 1000) {
    await prisma.alert.createMany({
      data: Array.from({ length: Math.min(1000, total - start) }, (_, k) => {
        const i = start + k;
        return {
          ref: `A-${900_000 + i}`,
          category: ALERT_CATEGORIES[i % 8] ?? "other",
          urgency: "danger_now",
          locationId: etds[i % etds.length]?.id ?? "",
          channel: "sms" as const,
          anonymous: true,
          createdAt: created,
          nextEscalationAt: notYet,
        };
      }),
    });
  }
  await prisma.$executeRawUnsafe(`ANALYZE "Alert"`);
  const open = await prisma.alert.count({ where: { status: "open" } });

  let started = performance.now();
  const idle = await escalateAlerts(prisma, deps, { now });
  const idleMs = performance.now() - started;
  const plan = await prisma.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
    `EXPLAIN ANALYZE SELECT id FROM "Alert" WHERE status = 'open' AND "nextEscalationAt" <= now() AT TIME ZONE 'UTC' ORDER BY "nextEscalationAt" LIMIT 100 FOR UPDATE SKIP LOCKED`,
  );
  console.log(
    `PostgreSQL, ${open} open alerts, none due: one pass ${idleMs.toFixed(1)} ms (${idle.escalated} escalated)`,
  );
  console.log(plan.map((row) => `  ${row["QUERY PLAN"]}`).join("\n"));

  await prisma.alert.updateMany({ data: { nextEscalationAt: created } });
  started = performance.now();
  const busy = await escalateAlerts(prisma, deps, { now });
  const busyMs = performance.now() - started;
  const outbox = await prisma.outboxItem.count();
  console.log(
    `PostgreSQL, ${open} open alerts, all due: one pass ${(busyMs / 1000).toFixed(1)} s for ${busy.escalated} escalations ` +
      `(${(busyMs / Math.max(1, busy.escalated)).toFixed(2)} ms each, ${busy.batches} batches, ${outbox} notifications enqueued)`,
  );
  started = performance.now();
  await escalateAlerts(prisma, deps, { now });
  console.log(
    `PostgreSQL, next pass (10,000 open alerts at tier 2, none due): ${(performance.now() - started).toFixed(1)} ms`,
  );
} finally {
  await bench.close();
}
