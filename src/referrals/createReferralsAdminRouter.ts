import { Router } from "express";
import { z } from "zod";
import type { Prisma } from "../generated/prisma/client.js";
import { AppError } from "../http/AppError.js";
import type { FeatureContext } from "../service/Feature.js";
import { listReferrals, referralStatusListSchema } from "./listReferrals.js";

const listQuerySchema = z.object({
  /** One status or several, comma-separated. */
  status: referralStatusListSchema.optional(),
  service: z.string().optional(),
  provider: z.string().optional(),
  /** A location code: referrals there and anywhere below it (a region includes its prefectures). */
  location: z.string().optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  priority: z.coerce.number().int().min(0).max(2).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

const referralListSelect = {
  ref: true,
  status: true,
  priority: true,
  channel: true,
  sex: true,
  ageGroup: true,
  shareIdentity: true,
  followUpConsent: true,
  createdAt: true,
  respondBy: true,
  acceptedAt: true,
  outcomeAt: true,
  followUpDueAt: true,
  followUpSentAt: true,
  serviceReceived: true,
  satisfaction: true,
  provider: { select: { code: true, name: true } },
  service: { select: { code: true } },
  location: { select: { code: true, name: true } },
} satisfies Prisma.ReferralSelect;

/**
 * Referral queues in the admin API, for admins and case handlers (`ctx.auth.requireRole`). The
 * returnee's phone never appears here: it is shared with the provider only, with consent.
 * - `GET /api/referrals?status=pending,accepted&service=&provider=&location=&from=&to=&priority=&page=&pageSize=`
 *   → `{ items, total, page, pageSize }`, priority cases first, newest first.
 * - `GET /api/referrals/:ref` → the referral with its history (`events`, oldest first, each naming
 *   the focal point's code or the user's e-mail who acted).
 */
export function createReferralsAdminRouter(ctx: FeatureContext): Router {
  const router = Router();
  const read = ctx.auth.requireRole("admin", "case_handler");

  router.get("/api/referrals", read, async (req, res) => {
    const { page, pageSize, ...filter } = listQuerySchema.parse(req.query);
    const { items, total } = await listReferrals(ctx.prisma, filter, {
      select: referralListSelect,
      orderBy: [{ priority: "desc" }, { createdAt: "desc" }],
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    res.setHeader("Cache-Control", "no-store");
    res.json({ items, total, page, pageSize });
  });

  router.get("/api/referrals/:ref", read, async (req, res) => {
    const { ref } = z.object({ ref: z.string().min(1).max(20) }).parse(req.params);
    const referral = await ctx.prisma.referral.findUnique({
      where: { ref: ref.toUpperCase() },
      select: {
        ...referralListSelect,
        vulnerabilities: true,
        triedProviderIds: true,
        comment: true,
        events: {
          select: { type: true, at: true, note: true, data: true, userId: true, focalPointId: true },
          orderBy: { at: "asc" },
        },
      },
    });
    if (!referral) throw new AppError("not_found", `referral ${ref} does not exist`);
    const focalPointIds = [...new Set(referral.events.flatMap((e) => (e.focalPointId ? [e.focalPointId] : [])))];
    const focalPoints = new Map(
      (
        await ctx.prisma.focalPoint.findMany({ where: { id: { in: focalPointIds } }, select: { id: true, code: true } })
      ).map((fp) => [fp.id, fp.code]),
    );
    const userIds = [...new Set(referral.events.flatMap((e) => (e.userId ? [e.userId] : [])))];
    const users = new Map(
      (await ctx.prisma.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } })).map(
        (u) => [u.id, u.email],
      ),
    );
    const tried = await ctx.prisma.provider.findMany({
      where: { id: { in: referral.triedProviderIds } },
      select: { code: true },
    });
    const { triedProviderIds: _ids, events, ...rest } = referral;
    res.setHeader("Cache-Control", "no-store");
    res.json({
      ...rest,
      triedProviders: tried.map((p) => p.code),
      events: events.map(({ focalPointId, ...e }) => ({
        ...e,
        focalPoint: focalPointId ? (focalPoints.get(focalPointId) ?? null) : null,
        user: e.userId ? (users.get(e.userId) ?? null) : null,
      })),
    });
  });

  return router;
}
