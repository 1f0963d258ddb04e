import { scheduleJob } from "../jobs/scheduleJob.js";
import type { Feature, FeatureContext } from "../service/Feature.js";
import { createAlertActionsRouter } from "./api/createAlertActionsRouter.js";
import { createAlertsRouter } from "./api/createAlertsRouter.js";
import { createDirectoryRouter } from "./api/createDirectoryRouter.js";
import { createAlertCommands } from "./commands/createAlertCommands.js";
import { createAlertAction } from "./createAlertAction.js";
import { escalateAlerts } from "./escalateAlerts.js";
import { scrubAnonymousTraces } from "./scrubAnonymousTraces.js";
import { seedPilotArea } from "./seedPilotArea.js";

/**
 * Security alerts to local security committees (early warning, Tanganyika): the `alert.create`
 * action of `flows/alert.yaml`, the focal-point commands `OK <ref>` and `FIN <ref> [note]`, the
 * admin API (`/api/alerts`, with the case handlers' `POST /api/alerts/:ref/acknowledge` and
 * `/close`; `/api/committees`, `/api/focal-points`, `/api/routing-rules`), and two
 * jobs every minute: escalation of unacknowledged alerts and the scrubbing of what anonymous alert
 * conversations leave behind. On a database without any DR Congo location, `start` seeds the pilot
 * area (with the fictional demo committees outside production), so that `npm start` has a demo.
 */
export const alertsFeature: Feature = {
  name: "alerts",
  actionNames: ["alert.create"],
  actions: (tx, sender, deps) => ({ "alert.create": createAlertAction(tx, sender, deps) }),
  commands: (deps) => [createAlertCommands(deps)],
  routers: (ctx) => [createAlertsRouter(ctx), createAlertActionsRouter(ctx), createDirectoryRouter(ctx)],
  start: async (ctx) => {
    await seedDemoIfEmpty(ctx);
    const escalate = scheduleJob({
      prisma: ctx.prisma,
      log: ctx.log,
      name: "alerts.escalate",
      expression: "* * * * *",
      owner: ctx.instanceId,
      run: async (now) => {
        const pass = await escalateAlerts(ctx.prisma, ctx, { now });
        if (pass.escalated > 0) ctx.wakeOutbox();
        return pass;
      },
    });
    const scrub = scheduleJob({
      prisma: ctx.prisma,
      log: ctx.log,
      name: "alerts.scrub",
      expression: "* * * * *",
      owner: ctx.instanceId,
      run: (now) => scrubAnonymousTraces(ctx.prisma, now),
    });
    return async () => {
      await escalate.stop();
      await scrub.stop();
    };
  },
};

/** Seeds the pilot area when no DR Congo location exists yet (a fresh database). */
async function seedDemoIfEmpty(ctx: FeatureContext): Promise<void> {
  if ((await ctx.prisma.location.count({ where: { country: "CD" } })) > 0) return;
  const demo = ctx.config.env !== "production";
  const seeded = await seedPilotArea(ctx.prisma, { pseudonymSecret: ctx.pseudonymSecret, demo });
  ctx.log.info(
    { ...seeded },
    demo ? "pilot area seeded with fictional demo committees" : "pilot area locations seeded",
  );
}
