import { createProvidersRouter } from "../directory/createProvidersRouter.js";
import { directoryCountries, seedDirectory } from "../directory/seedDirectory.js";
import { scheduleJob } from "../jobs/scheduleJob.js";
import type { Feature } from "../service/Feature.js";
import { createFollowUpActions, followUpActionNames } from "./createFollowUpActions.js";
import { createOrientationActions, orientationActionNames } from "./createOrientationActions.js";
import { createProviderPageRouter } from "./createProviderPageRouter.js";
import { createReferralActionsRouter } from "./createReferralActionsRouter.js";
import { createReferralCommand } from "./createReferralCommand.js";
import { createReferralsAdminRouter } from "./createReferralsAdminRouter.js";
import { reofferUnanswered } from "./reofferUnanswered.js";
import { sendFollowUps } from "./sendFollowUps.js";

/** When the re-offer job looks for unanswered referrals (UTC). */
export const reofferSchedule = "*/5 * * * *";
/** When follow-ups are sent: every quarter hour in the daytime of Guinea and Cameroon (UTC+0/+1). */
export const followUpSchedule = "*/15 8-18 * * *";

/**
 * Orientation and referral of returnees (national referral mechanism): the orientation and
 * follow-up flows' actions, the focal-point commands `ACCEPTE`/`REFUSE`/`FIN R-…`, the provider's
 * signed page `/r/:token`, the admin API (`/api/providers`, `/api/referrals`, and the case handlers'
 * `POST /api/referrals/:ref/accept|decline|outcome`) and two jobs
 * (re-offer unanswered referrals, follow-ups). At start, an empty directory gets the Guinea and
 * Cameroon locations, the service taxonomy and the fictional demo providers.
 */
export const referralsFeature: Feature = {
  name: "referrals",
  actionNames: [...orientationActionNames, ...followUpActionNames],
  actions: (tx, sender, deps) => ({
    ...createOrientationActions(tx, sender, deps),
    ...createFollowUpActions(tx, sender),
  }),
  commands: (deps) => [createReferralCommand(deps)],
  routers: (ctx) => [
    createProviderPageRouter(ctx),
    createProvidersRouter(ctx),
    createReferralsAdminRouter(ctx),
    createReferralActionsRouter(ctx),
  ],
  async start(ctx) {
    const seeded = await ctx.prisma.location.count({ where: { country: { in: [...directoryCountries] } } });
    if (seeded === 0) {
      const report = await seedDirectory(ctx.prisma, { pseudonymSecret: ctx.pseudonymSecret });
      ctx.log.info(report, "referral directory seeded with reference locations and fictional demo providers");
    }
    const actions = referralsFeature.actions;
    const jobs = [
      scheduleJob({
        prisma: ctx.prisma,
        log: ctx.log,
        name: "referrals.reoffer",
        expression: reofferSchedule,
        owner: ctx.instanceId,
        run: async (now) => {
          const report = await reofferUnanswered(ctx.prisma, ctx, now);
          ctx.wakeOutbox();
          return report;
        },
      }),
      scheduleJob({
        prisma: ctx.prisma,
        log: ctx.log,
        name: "referrals.followup",
        expression: followUpSchedule,
        owner: ctx.instanceId,
        run: async (now) => {
          const report = await sendFollowUps(
            ctx.prisma,
            { ...ctx, actions: (tx, sender) => actions?.(tx, sender, ctx) ?? {} },
            now,
          );
          ctx.wakeOutbox();
          return report;
        },
      }),
    ];
    return async () => {
      await Promise.all(jobs.map((job) => job.stop()));
    };
  },
};
