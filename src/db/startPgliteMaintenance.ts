import type { PrismaClient } from "../generated/prisma/client.js";
import { type ScheduledJob, scheduleJob } from "../jobs/scheduleJob.js";
import type { Logger } from "../log/createLogger.js";

/**
 * PGlite runs PostgreSQL without its autovacuum worker: the row versions that every send and every
 * conversation step leave behind are never reclaimed, and the planner never gets statistics (with a
 * backlog, the outbox claim took twice as long without them). Every hour this job does what
 * autovacuum does on a server: `VACUUM (ANALYZE)`. PGlite runs on the service's thread, so the job
 * holds up requests while it runs: about 0.4 s on a small database.
 *
 * @example
 * if (db.kind === "pglite") stoppers.push(startPgliteMaintenance({ prisma, log, owner }).stop);
 */
export function startPgliteMaintenance(options: { prisma: PrismaClient; log: Logger; owner: string }): ScheduledJob {
  return scheduleJob({
    ...options,
    name: "db.vacuum",
    expression: "41 * * * *",
    run: () => options.prisma.$executeRawUnsafe("VACUUM (ANALYZE)"),
  });
}
