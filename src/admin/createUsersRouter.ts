import express, { Router } from "express";
import { isUniqueViolation } from "../db/Tx.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { AppError } from "../http/AppError.js";
import { currentUser } from "./AuthUser.js";
import {
  createTokenSchema,
  createUserSchema,
  idParamSchema,
  tokenParamSchema,
  updateUserSchema,
} from "./adminSchemas.js";
import { writeAudit } from "./audit.js";
import type { Auth } from "./createAuth.js";
import { hashPassword } from "./ensureAdmin.js";
import { createApiToken } from "./sessionStore.js";

const userSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  canSeeSensitive: true,
  active: true,
  createdAt: true,
  lastLoginAt: true,
} as const;

/**
 * `/api/users` (administrators only): list and create users with a role, change role, sensitive
 * access, password or deactivate; create API tokens (the token is shown once) and revoke them.
 * Every change is audited (never with the password or the token).
 */
export function createUsersRouter(deps: { prisma: PrismaClient; auth: Auth }): Router {
  const { prisma } = deps;
  const router = Router();
  const adminOnly = deps.auth.requireRole("admin");
  const json = express.json({ limit: "16kb" });

  router.get("/api/users", adminOnly, async (_req, res) => {
    const users = await prisma.user.findMany({
      select: { ...userSelect, apiTokens: { where: { revokedAt: null }, select: { id: true } } },
      orderBy: { createdAt: "asc" },
    });
    res.setHeader("Cache-Control", "no-store");
    res.json({
      users: users.map(({ apiTokens, ...u }) => ({ ...u, activeTokens: apiTokens.length })),
    });
  });

  router.post("/api/users", adminOnly, json, async (req, res) => {
    const admin = currentUser(res);
    const input = createUserSchema.parse(req.body);
    const passwordHash = await hashPassword(input.password);
    try {
      const user = await prisma.$transaction(async (tx) => {
        const created = await tx.user.create({
          data: {
            email: input.email,
            name: input.name ?? null,
            role: input.role,
            canSeeSensitive: input.canSeeSensitive,
            passwordHash,
          },
          select: userSelect,
        });
        await writeAudit(tx, {
          userId: admin.id,
          action: "user.create",
          target: `user:${created.id}`,
          data: { role: created.role, canSeeSensitive: created.canSeeSensitive },
        });
        return created;
      });
      res.status(201).json({ user });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError("conflict", "a user with this email already exists");
      throw error;
    }
  });

  router.patch("/api/users/:id", adminOnly, json, async (req, res) => {
    const admin = currentUser(res);
    const { id } = idParamSchema.parse(req.params);
    const input = updateUserSchema.parse(req.body);
    if (id === admin.id && ((input.role && input.role !== "admin") || input.active === false)) {
      throw new AppError("conflict", "you cannot remove your own administrator access");
    }
    const passwordHash = input.password ? await hashPassword(input.password) : undefined;
    const user = await prisma.$transaction(async (tx) => {
      const existing = await tx.user.findUnique({ where: { id }, select: { id: true } });
      if (!existing) throw new AppError("not_found", "no such user");
      const updated = await tx.user.update({
        where: { id },
        data: {
          name: input.name,
          role: input.role,
          canSeeSensitive: input.canSeeSensitive,
          active: input.active,
          passwordHash,
        },
        select: userSelect,
      });
      // A new password or a deactivation ends the user's sessions everywhere.
      if (passwordHash || input.active === false) await tx.session.deleteMany({ where: { userId: id } });
      const { password: _password, ...changed } = input;
      await writeAudit(tx, {
        userId: admin.id,
        action: "user.update",
        target: `user:${id}`,
        data: { ...changed, ...(passwordHash ? { passwordChanged: true } : {}) },
      });
      return updated;
    });
    res.json({ user });
  });

  router.get("/api/users/:id/tokens", adminOnly, async (req, res) => {
    const { id } = idParamSchema.parse(req.params);
    const tokens = await prisma.apiToken.findMany({
      where: { userId: id },
      select: { id: true, name: true, createdAt: true, lastUsedAt: true, revokedAt: true },
      orderBy: { createdAt: "desc" },
    });
    res.setHeader("Cache-Control", "no-store");
    res.json({ tokens });
  });

  router.post("/api/users/:id/tokens", adminOnly, json, async (req, res) => {
    const admin = currentUser(res);
    const { id } = idParamSchema.parse(req.params);
    const { name } = createTokenSchema.parse(req.body);
    const owner = await prisma.user.findUnique({ where: { id }, select: { id: true, active: true } });
    if (!owner) throw new AppError("not_found", "no such user");
    if (!owner.active) throw new AppError("conflict", "the user is deactivated");
    const token = await createApiToken(prisma, id, name);
    await writeAudit(prisma, {
      userId: admin.id,
      action: "token.create",
      target: `token:${token.id}`,
      data: { ownerId: id },
    });
    res.setHeader("Cache-Control", "no-store");
    // The token is shown this once; only its hash is kept.
    res.status(201).json({ id: token.id, name, token: token.token });
  });

  router.delete("/api/users/:id/tokens/:tokenId", adminOnly, async (req, res) => {
    const admin = currentUser(res);
    const { id, tokenId } = tokenParamSchema.parse(req.params);
    const { count } = await prisma.apiToken.updateMany({
      where: { id: tokenId, userId: id, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count === 0) throw new AppError("not_found", "no such active token");
    await writeAudit(prisma, {
      userId: admin.id,
      action: "token.revoke",
      target: `token:${tokenId}`,
      data: { ownerId: id },
    });
    res.json({ status: "revoked" });
  });

  return router;
}
