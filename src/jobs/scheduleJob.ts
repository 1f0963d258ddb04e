import cron from "node-cron";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../log/createLogger.js";
import { claimJobSlot } from "./claimJobSlot.js";

export interface ScheduledJob {
  /** Stops future ticks and waits for a run in progress. */
  stop(): Promise<void>;
  /** Runs the job now, outside the schedule and without claiming a slot (tests, admin). */
  runNow(): Promise<void>;
}

/**
 * Schedules `run` with node-cron (`expression` in cron syntax, UTC), coordinated through the
 * database so that each slot runs on one instance only, never overlapping itself in one process.
 *
 * @example
 * const job = scheduleJob({ prisma, log, name: "alerts.escalate", expression: "* * * * *", owner,
 *   run: (now) => escalateAlerts(prisma, now) });
 */
export function scheduleJob(options: {
  prisma: PrismaClient;
  log: Logger;
  name: string;
  expression: string;
  owner: string;
  run: (now: Date) => Promise<unknown>;
}): ScheduledJob {
  let running: Promise<void> | null = null;
  const execute = async (slot: Date, claim: boolean) => {
    if (running) return;
    running = (async () => {
      try {
        if (claim && !(await claimJobSlot(options.prisma, options.name, slot, options.owner))) return;
        const started = Date.now();
        const result = await options.run(new Date());
        options.log.info({ job: options.name, ms: Date.now() - started, result }, "job ran");
      } catch (error) {
        options.log.error({ job: options.name, err: error }, "job failed");
      } finally {
        running = null;
      }
    })();
    await running;
  };
  const task = cron.schedule(options.expression, (ctx) => execute(ctx.date, true), {
    name: options.name,
    timezone: "UTC",
    noOverlap: true,
  });
  return {
    async stop() {
      await task.stop();
      await running;
    },
    runNow: () => execute(new Date(), false),
  };
}
