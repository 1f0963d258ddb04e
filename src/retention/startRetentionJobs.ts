import { scheduleJob } from "../jobs/scheduleJob.js";
import type { FeatureContext } from "../service/Feature.js";
import { purgeAnonymousConversations, purgeExpiredData } from "./purgeExpiredData.js";

/**
 * The retention jobs: the full purge daily at 02:17 UTC (and expired sessions), and anonymous
 * conversations every five minutes (their texts must not outlive them). Each slot runs on one
 * instance only.
 */
export async function startRetentionJobs(ctx: FeatureContext): Promise<() => Promise<void>> {
  const daily = scheduleJob({
    prisma: ctx.prisma,
    log: ctx.log,
    name: "retention.purge",
    expression: "17 2 * * *",
    owner: ctx.instanceId,
    run: async (now) => {
      const counts = await purgeExpiredData(ctx.prisma, ctx.config.retention, now);
      // Expired sign-in sessions serve no one (each is checked at use; this only tidies the table).
      const sessions = await ctx.prisma.session.deleteMany({ where: { expiresAt: { lt: now } } });
      return { ...counts, expiredSessions: sessions.count };
    },
  });
  const anonymous = scheduleJob({
    prisma: ctx.prisma,
    log: ctx.log,
    name: "retention.anonymous",
    expression: "*/5 * * * *",
    owner: ctx.instanceId,
    run: async (now) => {
      const counts = await purgeAnonymousConversations(ctx.prisma, now);
      if (counts.anonymousConversations + counts.anonymousMessages > 0) {
        await ctx.prisma.retentionReport.create({ data: { at: now, counts: { ...counts } } });
      }
      return counts;
    },
  });
  return async () => {
    await Promise.all([daily.stop(), anonymous.stop()]);
  };
}
