import type { PrismaClient } from "../generated/prisma/client.js";
import { recordMealEvents } from "../meal/recordMealEvents.js";
import { lockReferral } from "./answerReferral.js";
import type { ReferralDeps } from "./ReferralDeps.js";
import { referralMealEvent } from "./referralMeal.js";
import { reofferReferral } from "./reofferReferral.js";

/** What one run of the re-offer job did. */
export interface ReofferReport {
  timedOut: number;
  reoffered: number;
  closed: number;
}

/**
 * Offers every referral left unanswered past `respondBy` (`REFERRAL_RESPONSE_HOURS` after it was
 * offered) to the next matching provider, priority cases first, one transaction each (the row is
 * locked, so a provider answering at that moment wins or loses cleanly).
 */
export async function reofferUnanswered(
  prisma: PrismaClient,
  deps: ReferralDeps,
  now: Date,
  options: { batch?: number } = {},
): Promise<ReofferReport> {
  const due = await prisma.referral.findMany({
    where: { status: "pending", respondBy: { lte: now } },
    orderBy: [{ priority: "desc" }, { respondBy: "asc" }],
    select: { number: true },
    take: options.batch ?? 100,
  });
  const report: ReofferReport = { timedOut: 0, reoffered: 0, closed: 0 };
  for (const { number } of due) {
    await prisma.$transaction(
      async (tx) => {
        const referral = await lockReferral(tx, number);
        if (referral?.status !== "pending" || !referral.respondBy || referral.respondBy > now) return;
        report.timedOut++;
        await tx.referralEvent.create({ data: { referralId: referral.id, type: "timeout", at: now } });
        await recordMealEvents(tx, [referralMealEvent("referral.expired", referral, now)]);
        const result = await reofferReferral(tx, deps, referral, "timeout", now);
        if (result.status === "reoffered") report.reoffered++;
        else report.closed++;
      },
      { timeout: 20_000, maxWait: 20_000 },
    );
  }
  return report;
}
