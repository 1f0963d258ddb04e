import express, { Router } from "express";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { AppError } from "../http/AppError.js";
import { type AuthUser, currentUser } from "./AuthUser.js";
import { feedbackQuerySchema, feedbackUpdateSchema, idParamSchema } from "./adminSchemas.js";
import { writeAudit } from "./audit.js";
import type { Auth } from "./createAuth.js";

/** Who may read a feedback's text: administrators, and case handlers (sensitive ones only when granted). */
function visibleTo(user: AuthUser): Prisma.FeedbackWhereInput | null {
  if (user.role === "admin") return {};
  if (user.role === "case_handler") return user.canSeeSensitive ? {} : { sensitive: false };
  return null;
}

/**
 * `/api/feedback`: feedback and complaints. Everyone signed in gets the counts by type and status;
 * case handlers and administrators also get the items (text included, never the sender), sensitive
 * complaints only with `canSeeSensitive`; MEAL officers get counts only. Reading sensitive items and
 * changing a status are audited.
 */
export function createFeedbackRouter(deps: { prisma: PrismaClient; auth: Auth }): Router {
  const { prisma } = deps;
  const router = Router();

  router.get("/api/feedback", deps.auth.requireRole("meal", "case_handler"), async (req, res) => {
    const user = currentUser(res);
    const query = feedbackQuerySchema.parse(req.query);
    const grouped = await prisma.feedback.groupBy({ by: ["type", "status"], _count: { _all: true } });
    const counts = grouped.map((g) => ({ type: g.type, status: g.status, count: g._count._all }));
    res.setHeader("Cache-Control", "no-store");
    const scope = visibleTo(user);
    if (!scope) {
      res.json({ counts, items: null });
      return;
    }
    const items = await prisma.feedback.findMany({
      where: {
        ...scope,
        ...(query.status ? { status: query.status } : {}),
        ...(query.type ? { type: query.type } : {}),
        ...(query.before ? { number: { lt: query.before } } : {}),
      },
      select: {
        id: true,
        ref: true,
        number: true,
        type: true,
        sensitive: true,
        text: true,
        channel: true,
        status: true,
        createdAt: true,
      },
      orderBy: { number: "desc" },
      take: query.limit,
    });
    const sensitiveShown = items.filter((i) => i.sensitive).map((i) => i.ref);
    if (sensitiveShown.length > 0) {
      await writeAudit(prisma, { userId: user.id, action: "feedback.view_sensitive", data: { refs: sensitiveShown } });
    }
    res.json({ counts, items });
  });

  router.patch(
    "/api/feedback/:id",
    deps.auth.requireRole("case_handler"),
    express.json({ limit: "4kb" }),
    async (req, res) => {
      const user = currentUser(res);
      const { id } = idParamSchema.parse(req.params);
      const { status } = feedbackUpdateSchema.parse(req.body);
      const scope = visibleTo(user) ?? { id: "" };
      const { count } = await prisma.feedback.updateMany({ where: { ...scope, id }, data: { status } });
      if (count === 0) throw new AppError("not_found", "no such feedback");
      await writeAudit(prisma, {
        userId: user.id,
        action: "feedback.update",
        target: `feedback:${id}`,
        data: { status },
      });
      res.json({ status });
    },
  );

  return router;
}
