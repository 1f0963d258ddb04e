import express, { Router } from "express";
import { z } from "zod";
import type { Tx } from "../db/Tx.js";
import type { Prisma } from "../generated/prisma/client.js";
import { AppError } from "../http/AppError.js";
import type { FeatureContext } from "../service/Feature.js";
import { auditUserId } from "./auditUserId.js";
import { loadDirectoryRefs } from "./loadDirectoryRefs.js";
import { providerInputSchema } from "./providerInputSchema.js";
import { findProviderView, listProviderViews } from "./providerView.js";
import { ProviderConflictError, upsertProvider } from "./upsertProvider.js";

const codeParams = z.object({ code: z.string().min(1).max(100) });

const listQuerySchema = z.object({
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  service: z.string().optional(),
  area: z.string().optional(),
  q: z.string().trim().min(1).max(100).optional(),
  takesReferrals: z.enum(["true", "false"]).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

/** A partial update: any provider field; lists replace the stored ones. */
const patchSchema = providerInputSchema.omit({ code: true }).partial();

/**
 * The provider directory in the admin API (`ctx.auth.requireRole`: admin and case handlers read,
 * admins write). Every change writes an `AuditLog` row in the same transaction.
 * - `GET /api/providers?country=&service=&area=&q=&takesReferrals=&page=&pageSize=`
 * - `GET /api/providers/:code`
 * - `POST /api/providers` (409 if the code exists), `PUT /api/providers/:code` (create or replace),
 *   `PATCH /api/providers/:code` (some fields, e.g. `{ "takesReferrals": false }`)
 * - `DELETE /api/providers/:code` (409 while referrals point at it: set `takesReferrals` to false instead)
 */
export function createProvidersRouter(ctx: FeatureContext): Router {
  const router = Router();
  const read = ctx.auth.requireRole("admin", "case_handler");
  const write = ctx.auth.requireRole("admin");
  const json = express.json({ limit: "256kb" });

  router.get("/api/providers", read, async (req, res) => {
    const q = listQuerySchema.parse(req.query);
    const where: Prisma.ProviderWhereInput = {
      ...(q.country ? { country: q.country } : {}),
      ...(q.service ? { services: { some: { service: { code: q.service } } } } : {}),
      ...(q.area ? { areas: { some: { location: { code: q.area } } } } : {}),
      ...(q.q
        ? { OR: [{ name: { contains: q.q, mode: "insensitive" } }, { code: { contains: q.q.toUpperCase() } }] }
        : {}),
      ...(q.takesReferrals ? { takesReferrals: q.takesReferrals === "true" } : {}),
    };
    const page = await listProviderViews(ctx.prisma, where, { skip: (q.page - 1) * q.pageSize, take: q.pageSize });
    res.json({ ...page, page: q.page, pageSize: q.pageSize });
  });

  router.get("/api/providers/:code", read, async (req, res) => {
    const { code } = codeParams.parse(req.params);
    const provider = await findProviderView(ctx.prisma, code);
    if (!provider) throw new AppError("not_found", `provider ${code} does not exist`);
    res.json(provider);
  });

  const save = async (tx: Tx, body: unknown, userId: string | null, mode: "create" | "put") => {
    const input = providerInputSchema.parse(body);
    if (mode === "create" && (await tx.provider.findUnique({ where: { code: input.code }, select: { id: true } }))) {
      throw new AppError("conflict", `provider ${input.code} already exists`);
    }
    const result = await upsertProvider(tx, input, await loadDirectoryRefs(tx), {
      pseudonymSecret: ctx.pseudonymSecret,
    });
    if (result.status === "invalid") throw new AppError("bad_request", "invalid provider", result.problems);
    await tx.auditLog.create({
      data: {
        userId,
        action: `provider.${result.status === "created" ? "create" : "update"}`,
        target: `provider:${input.code}`,
      },
    });
    return { status: result.status, code: input.code };
  };

  const inTransaction = async <T>(work: (tx: Tx) => Promise<T>): Promise<T> => {
    try {
      return await ctx.prisma.$transaction(work, { timeout: 20_000, maxWait: 20_000 });
    } catch (error) {
      if (error instanceof ProviderConflictError) throw new AppError("conflict", error.message);
      throw error;
    }
  };

  router.post("/api/providers", write, json, async (req, res) => {
    const saved = await inTransaction((tx) => save(tx, req.body, auditUserId(res), "create"));
    res.status(201).json(await findProviderView(ctx.prisma, saved.code));
  });

  router.put("/api/providers/:code", write, json, async (req, res) => {
    const { code } = codeParams.parse(req.params);
    const body = z.looseObject({ code: z.string().optional() }).parse(req.body);
    if (body.code !== undefined && body.code !== code) {
      throw new AppError("bad_request", "the code in the body differs from the code in the path");
    }
    const saved = await inTransaction((tx) => save(tx, { ...body, code }, auditUserId(res), "put"));
    res.status(saved.status === "created" ? 201 : 200).json(await findProviderView(ctx.prisma, saved.code));
  });

  router.patch("/api/providers/:code", write, json, async (req, res) => {
    const { code } = codeParams.parse(req.params);
    const patch = patchSchema.parse(req.body);
    const current = await findProviderView(ctx.prisma, code);
    if (!current) throw new AppError("not_found", `provider ${code} does not exist`);
    const merged = {
      ...current,
      description: current.description ?? undefined,
      hours: current.hours ?? undefined,
      address: current.address ?? undefined,
      phone: current.phone ?? undefined,
      ...patch,
    };
    await inTransaction((tx) => save(tx, merged, auditUserId(res), "put"));
    res.json(await findProviderView(ctx.prisma, code));
  });

  router.delete("/api/providers/:code", write, async (req, res) => {
    const { code } = codeParams.parse(req.params);
    await inTransaction(async (tx) => {
      const provider = await tx.provider.findUnique({ where: { code }, select: { id: true } });
      if (!provider) throw new AppError("not_found", `provider ${code} does not exist`);
      if ((await tx.referral.count({ where: { providerId: provider.id } })) > 0) {
        throw new AppError("conflict", "referrals point at this provider: set takesReferrals to false instead");
      }
      await tx.focalPoint.updateMany({ where: { providerId: provider.id }, data: { active: false, providerId: null } });
      await tx.provider.delete({ where: { id: provider.id } });
      await tx.auditLog.create({
        data: { userId: auditUserId(res), action: "provider.delete", target: `provider:${code}` },
      });
    });
    res.status(204).end();
  });

  return router;
}
