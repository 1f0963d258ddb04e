import { scheduleJob } from "../jobs/scheduleJob.js";
import type { FeatureContext } from "../service/Feature.js";
import type { Logframe } from "./logframeSchema.js";
import { rollUpMealDays } from "./rollUpMealDays.js";
import { logframeDataKeys } from "./summaryDataKeys.js";

/**
 * Keeps the MEAL daily summary up to date: every ten minutes (one instance per slot) the days that
 * ended and the days changed since are summed (`rollUpMealDays`). A first run on a database with
 * history catches up within a few runs; until then the dashboard reads those days raw.
 */
export function startMealSummaryJob(ctx: FeatureContext, logframe: Logframe): () => Promise<void> {
  const dataKeys = logframeDataKeys(logframe);
  const job = scheduleJob({
    prisma: ctx.prisma,
    log: ctx.log,
    name: "meal.summary",
    expression: "*/10 * * * *",
    owner: ctx.instanceId,
    run: () => rollUpMealDays(ctx.prisma, { dataKeys }),
  });
  return () => job.stop();
}
