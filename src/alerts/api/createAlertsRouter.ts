import express, { Router } from "express";
import type { Prisma } from "../../generated/prisma/client.js";
import { AppError } from "../../http/AppError.js";
import type { FeatureContext } from "../../service/Feature.js";
import { type AlertQuery, alertQuerySchema, alertRefParam } from "./alertQuerySchema.js";

/**
 * `GET /api/alerts` (filters: see {@link alertQuerySchema}; newest first, paginated) and
 * `GET /api/alerts/:ref` (one alert with its recipients, history — each event naming the focal
 * point's code or the user's e-mail who acted — and linked reports), for admins
 * and case handlers. A named reporter's addresses are shown only when the reporter consented to be
 * contacted back; an anonymous alert has none to show.
 */
export function createAlertsRouter(ctx: Pick<FeatureContext, "prisma" | "auth">): Router {
  const router = Router();
  const { prisma } = ctx;
  router.use("/api/alerts", express.json({ limit: "16kb" }));

  router.get("/api/alerts", ctx.auth.requireRole("admin", "case_handler"), async (req, res) => {
    const query = alertQuerySchema.parse(req.query);
    const where = await alertFilter(ctx, query);
    const [total, alerts] = await Promise.all([
      prisma.alert.count({ where }),
      prisma.alert.findMany({
        where,
        orderBy: { createdAt: "desc" },
        skip: (query.page - 1) * query.pageSize,
        take: query.pageSize,
        select: {
          ref: true,
          category: true,
          urgency: true,
          status: true,
          tier: true,
          channel: true,
          anonymous: true,
          place: true,
          location: { select: { code: true, name: true } },
          duplicateOf: { select: { ref: true } },
          createdAt: true,
          acknowledgedAt: true,
          closedAt: true,
          closeReason: true,
          nextEscalationAt: true,
          _count: { select: { recipients: true } },
        },
      }),
    ]);
    res.json({
      items: alerts.map(({ _count, duplicateOf, ...alert }) => ({
        ...alert,
        duplicateOf: duplicateOf?.ref ?? null,
        recipients: _count.recipients,
      })),
      total,
      page: query.page,
      pageSize: query.pageSize,
    });
  });

  router.get("/api/alerts/:ref", ctx.auth.requireRole("admin", "case_handler"), async (req, res) => {
    const key = alertRefParam.safeParse(req.params.ref);
    if (!key.success) throw new AppError("bad_request", "an alert reference looks like A-1042");
    const isId = !key.data.startsWith("A-");
    const alert = await prisma.alert.findUnique({
      where: isId ? { id: key.data } : { ref: key.data },
      include: {
        location: { select: { code: true, name: true } },
        duplicateOf: { select: { ref: true, createdAt: true } },
        duplicates: { select: { ref: true, createdAt: true }, orderBy: { createdAt: "asc" } },
        recipients: {
          orderBy: [{ tier: "asc" }, { notifiedAt: "asc" }],
          select: {
            tier: true,
            notifiedAt: true,
            focalPoint: { select: { code: true, name: true, role: true, committee: { select: { code: true } } } },
          },
        },
        events: {
          orderBy: { at: "asc" },
          select: { type: true, at: true, note: true, data: true, userId: true, focalPointId: true },
        },
        reporter: { select: { addresses: { select: { channel: true, address: true } } } },
      },
    });
    if (!alert) throw new AppError("not_found", `alert ${key.data} does not exist`);
    const focalPointIds = [...new Set(alert.events.flatMap((e) => (e.focalPointId ? [e.focalPointId] : [])))];
    const codes = new Map(
      (
        await prisma.focalPoint.findMany({ where: { id: { in: focalPointIds } }, select: { id: true, code: true } })
      ).map((f) => [f.id, f.code]),
    );
    const userIds = [...new Set(alert.events.flatMap((e) => (e.userId ? [e.userId] : [])))];
    const users = new Map(
      (await prisma.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } })).map((u) => [
        u.id,
        u.email,
      ]),
    );
    const { reporter, reporterContactId: _hidden, recipients, events, ...rest } = alert;
    res.json({
      ...rest,
      reporter: alert.anonymous
        ? null
        : {
            consentToContact: alert.consentToContact,
            addresses: alert.consentToContact ? (reporter?.addresses ?? []) : [],
          },
      recipients: recipients.map((r) => ({
        tier: r.tier,
        notifiedAt: r.notifiedAt,
        focalPoint: { code: r.focalPoint.code, name: r.focalPoint.name, role: r.focalPoint.role },
        committee: r.focalPoint.committee?.code ?? null,
      })),
      events: events.map(({ focalPointId, ...e }) => ({
        ...e,
        focalPoint: focalPointId ? (codes.get(focalPointId) ?? null) : null,
        user: e.userId ? (users.get(e.userId) ?? null) : null,
      })),
    });
  });
  return router;
}

async function alertFilter(ctx: Pick<FeatureContext, "prisma">, query: AlertQuery): Promise<Prisma.AlertWhereInput> {
  const where: Prisma.AlertWhereInput = {};
  if (query.status) where.status = { in: query.status };
  if (query.category) where.category = { in: query.category };
  if (query.urgency) where.urgency = { in: query.urgency };
  if (query.from || query.to) {
    where.createdAt = { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lt: query.to } : {}) };
  }
  if (query.location) {
    const place = await ctx.prisma.location.findUnique({ where: { code: query.location }, select: { path: true } });
    if (!place) throw new AppError("bad_request", `unknown location ${query.location}`);
    where.location = { OR: [{ path: place.path }, { path: { startsWith: `${place.path}/` } }] };
  }
  return where;
}
