import type { Tx } from "../db/Tx.js";
import { matchProviders } from "../directory/matchProviders.js";
import { recordMealEvents } from "../meal/recordMealEvents.js";
import { loadReferral, type ReferralWithContext } from "./loadReferral.js";
import { notifyProvider } from "./notifyProvider.js";
import type { ReferralDeps } from "./ReferralDeps.js";
import { referralMealEvent } from "./referralMeal.js";
import { ageGroups, isAgeGroup, isSex } from "./referralProfile.js";
import { providerDetailVars, tellReturnee } from "./tellReturnee.js";

/** What offering a declined or unanswered referral to the next provider did. */
export type ReofferResult =
  | { status: "reoffered"; referral: ReferralWithContext; previousProvider: string }
  | { status: "no_other_provider"; referral: ReferralWithContext }
  /** Made without consent to share: nobody to tell, so it is closed rather than moved. */
  | { status: "closed_anonymous"; referral: ReferralWithContext };

/**
 * Offers a referral its provider declined (or left unanswered past `respondBy`) to the next
 * matching provider not yet tried, keeps its reference, notifies the new provider and tells the
 * returnee. With no provider left it is closed as declined (or expired) and the returnee is told.
 * A referral made without consent to share is not moved: the returnee holds the details of every
 * option and nobody could tell them where it went.
 */
export async function reofferReferral(
  tx: Tx,
  deps: ReferralDeps,
  referral: ReferralWithContext,
  cause: "declined" | "timeout",
  now: Date,
): Promise<ReofferResult> {
  const closedStatus = cause === "declined" ? "declined" : "expired";
  const close = async (type: string) => {
    await tx.referral.update({ where: { id: referral.id }, data: { status: closedStatus, respondBy: null } });
    await tx.referralEvent.create({ data: { referralId: referral.id, type, at: now, data: { cause } } });
    const closed = await reload(tx, referral.id);
    // The decline or the silence itself was already recorded (referral.declined / referral.expired).
    await recordMealEvents(tx, [referralMealEvent("referral.closed", closed, now, { status: closedStatus, cause })]);
    return closed;
  };
  if (!referral.contactId || !referral.location) {
    return { status: "closed_anonymous", referral: await close("closed") };
  }
  const [next] = await matchProviders(tx, {
    service: referral.service.code,
    locationPath: referral.location.path,
    sex: isSex(referral.sex) ? referral.sex : null,
    ageRange: isAgeGroup(referral.ageGroup) ? ageGroups[referral.ageGroup] : null,
    nationality: referral.location.country,
    excludeProviderIds: [...new Set([...referral.triedProviderIds, referral.providerId])],
    limit: 1,
  });
  if (!next) {
    const closed = await close("no_other_provider");
    await tellReturnee(tx, deps, closed, "referral:returnee.noOther", { ref: closed.ref }, now);
    return { status: "no_other_provider", referral: closed };
  }
  await tx.referral.update({
    where: { id: referral.id },
    data: {
      providerId: next.id,
      status: "pending",
      triedProviderIds: [...new Set([...referral.triedProviderIds, referral.providerId, next.id])],
      respondBy: new Date(now.getTime() + deps.config.referrals.responseHours * 3_600_000),
    },
  });
  await tx.referralEvent.create({
    data: {
      referralId: referral.id,
      type: "reoffered",
      at: now,
      data: { cause, from: referral.provider.code, to: next.code },
    },
  });
  const moved = await reload(tx, referral.id);
  await recordMealEvents(tx, [referralMealEvent("referral.reoffered", moved, now, { cause })]);
  await notifyProvider(tx, deps, moved, now);
  await tellReturnee(
    tx,
    deps,
    moved,
    "referral:returnee.reoffered",
    { ref: moved.ref, previous: referral.provider.name, ...providerDetailVars(moved.provider) },
    now,
  );
  return { status: "reoffered", referral: moved, previousProvider: referral.provider.code };
}

async function reload(tx: Tx, id: string): Promise<ReferralWithContext> {
  const referral = await loadReferral(tx, { id });
  if (!referral) throw new Error("referral vanished inside its transaction");
  return referral;
}
