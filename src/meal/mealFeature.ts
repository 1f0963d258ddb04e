import { createAccountRouter } from "../admin/createAccountRouter.js";
import { type Auth, createAuth } from "../admin/createAuth.js";
import { createFeedbackRouter } from "../admin/createFeedbackRouter.js";
import { createLoginRouter } from "../admin/createLoginRouter.js";
import { createOutboxRouter } from "../admin/createOutboxRouter.js";
import { createUsersRouter } from "../admin/createUsersRouter.js";
import { createDashboardRouter } from "../dashboard/createDashboardRouter.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { startRetentionJobs } from "../retention/startRetentionJobs.js";
import type { AuthPort, Feature, FeatureContext } from "../service/Feature.js";
import { createMealRouter } from "./createMealRouter.js";
import { loadLogframe } from "./loadLogframe.js";
import type { Logframe } from "./logframeSchema.js";
import { MealReports } from "./MealReports.js";
import { startMealSummaryJob } from "./startMealSummaryJob.js";

function isAuth(port: AuthPort): port is Auth {
  return "identify" in port && typeof port.identify === "function" && "cookie" in port;
}

/** Reloads places and labels now and then (imports add locations and providers while running). */
function reportsLoader(prisma: PrismaClient, logframe: Logframe, ttlMs = 5 * 60_000): () => Promise<MealReports> {
  let cached: { at: number; reports: Promise<MealReports> } | null = null;
  return () => {
    if (!cached || Date.now() - cached.at > ttlMs) {
      const reports = MealReports.load(prisma, logframe);
      cached = { at: Date.now(), reports };
      reports.catch(() => {
        cached = null;
      });
    }
    return cached.reports;
  };
}

/**
 * MEAL and administration on the web: sign-in and roles (the service's auth port), the dashboard
 * with logframe indicators, queues, flowcharts and exports, the admin API (users, tokens, failed
 * deliveries, feedback, audit log), the retention jobs and the job keeping the MEAL daily summary. The
 * logframe is validated at start.
 */
export const mealFeature: Feature = {
  name: "meal",
  provideAuth: ({ prisma, config, log }) => createAuth({ prisma, config, log }),
  routers: (ctx: FeatureContext) => {
    const auth = isAuth(ctx.auth) ? ctx.auth : createAuth({ prisma: ctx.prisma, config: ctx.config, log: ctx.log });
    const logframe = loadLogframe();
    return [
      createLoginRouter({ prisma: ctx.prisma, auth, publicUrl: ctx.config.server.publicUrl, log: ctx.log }),
      createAccountRouter({ prisma: ctx.prisma, auth }),
      createUsersRouter({ prisma: ctx.prisma, auth }),
      createOutboxRouter({ prisma: ctx.prisma, auth, wakeOutbox: ctx.wakeOutbox }),
      createFeedbackRouter({ prisma: ctx.prisma, auth }),
      createMealRouter({ prisma: ctx.prisma, auth, reports: reportsLoader(ctx.prisma, logframe), log: ctx.log }),
      createDashboardRouter({ prisma: ctx.prisma, auth, i18n: ctx.i18n }),
    ];
  },
  start: async (ctx) => {
    const stopRetention = await startRetentionJobs(ctx);
    const stopSummary = startMealSummaryJob(ctx, loadLogframe());
    return async () => {
      await Promise.all([stopRetention(), stopSummary()]);
    };
  },
};
