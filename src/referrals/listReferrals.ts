import { z } from "zod";
import type { DbClient } from "../db/Tx.js";
import { type Prisma, ReferralStatus } from "../generated/prisma/client.js";
import { AppError } from "../http/AppError.js";

/** Every state a referral can be in, as the schema's enum lists them. */
export const referralStatuses = Object.values(ReferralStatus);

/** What a case handler still has to follow: not yet accepted, or accepted and waiting for an outcome. */
export const openReferralStatuses: readonly ReferralStatus[] = ["pending", "accepted"];

/** Filters shared by the admin API's list and the dashboard's queue. */
export interface ReferralFilter {
  /** One referral by its reference (`R-2031`). */
  ref?: string | undefined;
  status?: readonly ReferralStatus[] | undefined;
  service?: string | undefined;
  provider?: string | undefined;
  /** A location code: referrals there and anywhere below it (a region includes its prefectures). */
  location?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  priority?: number | undefined;
  /** Only referrals numbered below this one (the queue's "older than the last one shown"). */
  numberBelow?: number | undefined;
}

/** `?status=pending,accepted` (one status or several, comma-separated). */
export const referralStatusListSchema = z
  .string()
  .transform((s) => s.split(","))
  .pipe(z.array(z.enum(referralStatuses)));

/**
 * The one query behind every referral list: the filters, an order and a page, with the caller's
 * `select` (the admin list and the queue show different columns). `total` counts every match.
 *
 * @example
 * const { items, total } = await listReferrals(prisma, { status: ["pending"] }, {
 *   select: { ref: true }, orderBy: [{ number: "desc" }], take: 50,
 * });
 */
export async function listReferrals<S extends Prisma.ReferralSelect>(
  db: DbClient,
  filter: ReferralFilter,
  page: { select: S; orderBy: Prisma.ReferralOrderByWithRelationInput[]; skip?: number; take: number },
) {
  const where = await referralWhere(db, filter);
  const [items, total] = await Promise.all([
    db.referral.findMany({ where, select: page.select, orderBy: page.orderBy, skip: page.skip ?? 0, take: page.take }),
    db.referral.count({ where }),
  ]);
  return { items, total };
}

async function referralWhere(db: DbClient, filter: ReferralFilter): Promise<Prisma.ReferralWhereInput> {
  const where: Prisma.ReferralWhereInput = {};
  if (filter.ref) where.ref = filter.ref;
  if (filter.status) where.status = { in: [...filter.status] };
  if (filter.service) where.service = { code: filter.service };
  if (filter.provider) where.provider = { code: filter.provider };
  if (filter.priority !== undefined) where.priority = filter.priority;
  if (filter.numberBelow !== undefined) where.number = { lt: filter.numberBelow };
  if (filter.from || filter.to) {
    where.createdAt = { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) };
  }
  if (filter.location) {
    const location = await db.location.findUnique({ where: { code: filter.location }, select: { path: true } });
    if (!location) throw new AppError("bad_request", `unknown location ${filter.location}`);
    where.location = { OR: [{ path: location.path }, { path: { startsWith: `${location.path}/` } }] };
  }
  return where;
}
