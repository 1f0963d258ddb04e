import express, { Router } from "express";
import type { PrismaClient } from "../generated/prisma/client.js";
import { AppError } from "../http/AppError.js";
import { currentUser } from "./AuthUser.js";
import { auditQuerySchema, changeOwnPasswordSchema } from "./adminSchemas.js";
import { writeAudit } from "./audit.js";
import type { Auth } from "./createAuth.js";
import { hashPassword, verifyPassword } from "./ensureAdmin.js";
import { hashSecret } from "./hashSecret.js";
import { readCookie } from "./sessionCookie.js";

/**
 * `GET /api/me` (who is signed in, with the CSRF token the pages send back in `X-CSRF-Token`),
 * `POST /api/me/password` (change one's own password: other sessions end), and `GET /api/audit`
 * (administrators: the audit log, newest first).
 */
export function createAccountRouter(deps: { prisma: PrismaClient; auth: Auth }): Router {
  const { prisma } = deps;
  const router = Router();
  const anyone = deps.auth.requireRole("admin", "meal", "case_handler");

  router.get("/api/me", anyone, (_req, res) => {
    const user = currentUser(res);
    res.setHeader("Cache-Control", "no-store");
    res.json({
      id: user.id,
      email: user.email,
      role: user.role,
      canSeeSensitive: user.canSeeSensitive,
      csrfToken: user.csrfToken,
    });
  });

  router.post("/api/me/password", anyone, express.json({ limit: "4kb" }), async (req, res) => {
    const user = currentUser(res);
    const input = changeOwnPasswordSchema.parse(req.body);
    const row = await prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } });
    if (!(await verifyPassword(row.passwordHash, input.currentPassword))) {
      await writeAudit(prisma, { userId: user.id, action: "user.password_change_failed" });
      throw new AppError("forbidden", "the current password is wrong");
    }
    const passwordHash = await hashPassword(input.newPassword);
    const cookieValue = readCookie(req, deps.auth.cookie.name);
    await prisma.$transaction([
      prisma.user.update({ where: { id: user.id }, data: { passwordHash } }),
      prisma.session.deleteMany({
        where: { userId: user.id, ...(cookieValue ? { id: { not: hashSecret(cookieValue) } } : {}) },
      }),
      prisma.auditLog.create({ data: { userId: user.id, action: "user.password_change", target: `user:${user.id}` } }),
    ]);
    res.json({ status: "changed" });
  });

  router.get("/api/audit", deps.auth.requireRole("admin"), async (req, res) => {
    const query = auditQuerySchema.parse(req.query);
    const rows = await prisma.auditLog.findMany({
      where: {
        ...(query.before ? { id: { lt: query.before } } : {}),
        ...(query.action ? { action: query.action } : {}),
      },
      orderBy: { id: "desc" },
      take: query.limit,
      select: { id: true, action: true, target: true, data: true, at: true, user: { select: { email: true } } },
    });
    res.setHeader("Cache-Control", "no-store");
    res.json({
      entries: rows.map(({ id, user, ...row }) => ({ id: id.toString(), user: user?.email ?? null, ...row })),
      nextBefore: rows.length === query.limit ? (rows.at(-1)?.id.toString() ?? null) : null,
    });
  });

  return router;
}
