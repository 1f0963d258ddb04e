import express, { type Response, Router } from "express";
import type { MessagingChannel } from "../../conversations/InboundMessage.js";
import { AppError } from "../../http/AppError.js";
import { entityCodeSchema } from "../../reference/referenceSchemas.js";
import type { FeatureContext } from "../../service/Feature.js";
import type { SaveResult } from "../directory/SaveResult.js";
import { saveCommittee } from "../directory/saveCommittee.js";
import { saveFocalPoint } from "../directory/saveFocalPoint.js";
import { saveRoutingRule } from "../directory/saveRoutingRule.js";
import {
  committeeBody,
  committeePatch,
  focalPointBody,
  focalPointPatch,
  routingRuleBody,
  routingRulePatch,
  uuidParam,
} from "./directorySchemas.js";
import { writeAudit } from "./writeAudit.js";

/**
 * The alert directory over HTTP: `/api/committees`, `/api/focal-points` and `/api/routing-rules`
 * (list, show, create, update, delete). Admins and case handlers read; only admins change, and
 * every change writes an AuditLog row in its transaction. A focal point is deactivated rather than
 * deleted (alerts keep who they were routed to). Addresses are shown to admins only.
 */
export function createDirectoryRouter(ctx: Pick<FeatureContext, "prisma" | "auth" | "pseudonymSecret">): Router {
  const router = Router();
  const { prisma } = ctx;
  const read = ctx.auth.requireRole("admin", "case_handler");
  const edit = ctx.auth.requireRole("admin");
  const json = express.json({ limit: "32kb" });
  for (const path of ["/api/committees", "/api/focal-points", "/api/routing-rules"]) router.use(path, json);

  // --- committees -------------------------------------------------------------------------------
  router.get("/api/committees", read, async (_req, res) => {
    const committees = await prisma.committee.findMany({
      orderBy: [{ tier: "asc" }, { code: "asc" }],
      select: {
        code: true,
        name: true,
        kind: true,
        tier: true,
        fictional: true,
        location: { select: { code: true } },
        _count: { select: { focalPoints: true, routingRules: true } },
      },
    });
    res.json({
      items: committees.map(({ location, _count, ...c }) => ({ ...c, location: location?.code ?? null, ..._count })),
    });
  });

  router.get("/api/committees/:code", read, async (req, res) => {
    const committee = await prisma.committee.findUnique({
      where: { code: codeParam(req.params.code) },
      select: {
        code: true,
        name: true,
        kind: true,
        tier: true,
        fictional: true,
        location: { select: { code: true, name: true } },
        focalPoints: {
          select: { code: true, name: true, role: true, language: true, active: true },
          orderBy: { code: "asc" },
        },
        routingRules: { select: { id: true } },
      },
    });
    if (!committee) throw new AppError("not_found", `committee ${req.params.code} does not exist`);
    res.json({ ...committee, routingRules: committee.routingRules.map((r) => r.id) });
  });

  router.post("/api/committees", edit, async (req, res) => {
    const body = committeeBody.parse(req.body);
    const result = await prisma.$transaction(async (tx) => {
      if (await tx.committee.findUnique({ where: { code: body.code }, select: { id: true } })) {
        throw new AppError("conflict", `committee ${body.code} already exists`);
      }
      const saved = mustSave(await saveCommittee(tx, { ...body, locationCode: body.location }));
      await writeAudit(tx, res, { action: "committee.create", target: body.code, data: { ...body } });
      return saved;
    });
    respond(res, result, 201, { code: body.code });
  });

  router.patch("/api/committees/:code", edit, async (req, res) => {
    const patch = committeePatch.parse(req.body);
    const code = codeParam(req.params.code);
    const result = await prisma.$transaction(async (tx) => {
      const current = await tx.committee.findUnique({
        where: { code },
        include: { location: { select: { code: true } } },
      });
      if (!current) throw new AppError("not_found", `committee ${code} does not exist`);
      const saved = mustSave(
        await saveCommittee(tx, {
          code,
          name: patch.name ?? current.name,
          kind: patch.kind ?? current.kind,
          tier: patch.tier ?? current.tier,
          locationCode: patch.location === undefined ? (current.location?.code ?? null) : patch.location,
        }),
      );
      await writeAudit(tx, res, { action: "committee.update", target: code, data: { ...patch } });
      return saved;
    });
    respond(res, result, 200, { code });
  });

  router.delete("/api/committees/:code", edit, async (req, res) => {
    const code = codeParam(req.params.code);
    await prisma.$transaction(async (tx) => {
      const current = await tx.committee.findUnique({
        where: { code },
        select: { id: true, _count: { select: { focalPoints: true, routingRules: true } } },
      });
      if (!current) throw new AppError("not_found", `committee ${code} does not exist`);
      if (current._count.focalPoints + current._count.routingRules > 0) {
        throw new AppError("conflict", `committee ${code} still has focal points or routing rules`, current._count);
      }
      await tx.committee.delete({ where: { id: current.id } });
      await writeAudit(tx, res, { action: "committee.delete", target: code });
    });
    res.status(204).end();
  });

  // --- focal points -----------------------------------------------------------------------------
  router.get("/api/focal-points", read, async (req, res) => {
    const committee = typeof req.query.committee === "string" ? req.query.committee : undefined;
    const focalPoints = await prisma.focalPoint.findMany({
      where: { committeeId: { not: null }, ...(committee ? { committee: { code: committee } } : {}) },
      orderBy: { code: "asc" },
      select: {
        code: true,
        name: true,
        role: true,
        language: true,
        active: true,
        fictional: true,
        committee: { select: { code: true } },
        contact: { select: { optedOut: true, addresses: { select: { channel: true } } } },
      },
    });
    res.json({
      items: focalPoints.map(({ committee: c, contact, ...fp }) => ({
        ...fp,
        committee: c?.code ?? null,
        optedOut: contact.optedOut,
        channels: contact.addresses.map((a) => a.channel),
      })),
    });
  });

  router.get("/api/focal-points/:code", read, async (req, res) => {
    const focalPoint = await prisma.focalPoint.findUnique({
      where: { code: codeParam(req.params.code) },
      select: {
        code: true,
        name: true,
        role: true,
        language: true,
        active: true,
        fictional: true,
        committee: { select: { code: true } },
        contact: { select: { optedOut: true, addresses: { select: { channel: true, address: true } } } },
      },
    });
    if (!focalPoint?.committee) throw new AppError("not_found", `focal point ${req.params.code} does not exist`);
    const { committee, contact, ...rest } = focalPoint;
    res.json({ ...rest, committee: committee.code, optedOut: contact.optedOut, addresses: contact.addresses });
  });

  router.post("/api/focal-points", edit, async (req, res) => {
    const body = focalPointBody.parse(req.body);
    const result = await prisma.$transaction(async (tx) => {
      if (await tx.focalPoint.findUnique({ where: { code: body.code }, select: { id: true } })) {
        throw new AppError("conflict", `focal point ${body.code} already exists`);
      }
      const saved = mustSave(await saveFocalPoint(tx, focalPointInput(body.code, body), ctx));
      await writeAudit(tx, res, { action: "focal_point.create", target: body.code, data: auditFields(body) });
      return saved;
    });
    respond(res, result, 201, { code: body.code });
  });

  router.patch("/api/focal-points/:code", edit, async (req, res) => {
    const patch = focalPointPatch.parse(req.body);
    const code = codeParam(req.params.code);
    const result = await prisma.$transaction(async (tx) => {
      const current = await tx.focalPoint.findUnique({
        where: { code },
        include: { committee: { select: { code: true } } },
      });
      if (!current) throw new AppError("not_found", `focal point ${code} does not exist`);
      if (patch.removeAddresses && patch.removeAddresses.length > 0) {
        await tx.contactAddress.deleteMany({
          where: { contactId: current.contactId, channel: { in: patch.removeAddresses } },
        });
      }
      const saved = mustSave(
        await saveFocalPoint(
          tx,
          focalPointInput(code, {
            name: patch.name ?? current.name,
            role: patch.role ?? current.role,
            language: patch.language ?? current.language,
            committee: patch.committee === undefined ? (current.committee?.code ?? null) : patch.committee,
            active: patch.active,
            sms: patch.sms,
            telegram: patch.telegram,
            whatsapp: patch.whatsapp,
          }),
          ctx,
        ),
      );
      await writeAudit(tx, res, { action: "focal_point.update", target: code, data: auditFields(patch) });
      return saved;
    });
    respond(res, result, 200, { code });
  });

  router.delete("/api/focal-points/:code", edit, async (req, res) => {
    const code = codeParam(req.params.code);
    await prisma.$transaction(async (tx) => {
      const updated = await tx.focalPoint.updateMany({ where: { code }, data: { active: false } });
      if (updated.count === 0) throw new AppError("not_found", `focal point ${code} does not exist`);
      await writeAudit(tx, res, { action: "focal_point.deactivate", target: code });
    });
    res.json({ code, active: false });
  });

  // --- routing rules ----------------------------------------------------------------------------
  router.get("/api/routing-rules", read, async (_req, res) => {
    const rules = await prisma.routingRule.findMany({
      select: ruleSelect,
      orderBy: [{ tier: "asc" }, { exclude: "asc" }],
    });
    res.json({ items: rules.map(ruleJson) });
  });

  router.get("/api/routing-rules/:id", read, async (req, res) => {
    const id = uuidParam.safeParse(req.params.id);
    const rule = id.success
      ? await prisma.routingRule.findUnique({ where: { id: id.data }, select: ruleSelect })
      : null;
    if (!rule) throw new AppError("not_found", `routing rule ${req.params.id} does not exist`);
    res.json(ruleJson(rule));
  });

  router.post("/api/routing-rules", edit, async (req, res) => {
    const body = routingRuleBody.parse(req.body);
    const result = await prisma.$transaction(async (tx) => {
      const saved = mustSave(await saveRoutingRule(tx, ruleInput(body)));
      const action = `routing_rule.${saved.status === "created" ? "create" : "update"}`;
      await writeAudit(tx, res, { action, target: saved.id, data: { ...body } });
      return saved;
    });
    respond(res, result, 201, {});
  });

  router.patch("/api/routing-rules/:id", edit, async (req, res) => {
    const patch = routingRulePatch.parse(req.body);
    const id = uuidParam.safeParse(req.params.id);
    const result = await prisma.$transaction(async (tx) => {
      const current = id.success
        ? await tx.routingRule.findUnique({ where: { id: id.data }, select: ruleSelect })
        : null;
      if (!current || !id.success) throw new AppError("not_found", `routing rule ${req.params.id} does not exist`);
      const saved = mustSave(await saveRoutingRule(tx, ruleInput({ ...ruleJson(current), ...patch }), id.data));
      await writeAudit(tx, res, { action: "routing_rule.update", target: id.data, data: { ...patch } });
      return saved;
    });
    respond(res, result, 200, {});
  });

  router.delete("/api/routing-rules/:id", edit, async (req, res) => {
    const id = uuidParam.safeParse(req.params.id);
    await prisma.$transaction(async (tx) => {
      const deleted = id.success ? await tx.routingRule.deleteMany({ where: { id: id.data } }) : { count: 0 };
      if (deleted.count === 0 || !id.success)
        throw new AppError("not_found", `routing rule ${req.params.id} does not exist`);
      await writeAudit(tx, res, { action: "routing_rule.delete", target: id.data });
    });
    res.status(204).end();
  });

  return router;
}

const ruleSelect = {
  id: true,
  category: true,
  urgency: true,
  roles: true,
  tier: true,
  exclude: true,
  active: true,
  location: { select: { code: true } },
  committee: { select: { code: true } },
} as const;

interface RuleRow {
  id: string;
  category: string | null;
  urgency: string | null;
  roles: string[];
  tier: number;
  exclude: boolean;
  active: boolean;
  location: { code: string } | null;
  committee: { code: string } | null;
}

function ruleJson(rule: RuleRow) {
  return {
    id: rule.id,
    etd: rule.location?.code ?? null,
    category: rule.category,
    urgency: rule.urgency,
    committee: rule.committee?.code ?? null,
    roles: rule.roles,
    tier: rule.tier,
    exclude: rule.exclude,
    active: rule.active,
  };
}

function ruleInput(rule: {
  etd: string | null;
  category: string | null;
  urgency: string | null;
  committee: string | null;
  roles: string[];
  tier: number;
  exclude: boolean;
  active?: boolean;
}) {
  return {
    etdCode: rule.etd,
    category: rule.category,
    urgency: rule.urgency,
    committeeCode: rule.committee,
    roles: rule.roles,
    tier: rule.tier,
    exclude: rule.exclude,
    ...(rule.active !== undefined ? { active: rule.active } : {}),
  };
}

interface FocalPointFields {
  name: string;
  role: string;
  language: string;
  committee: string | null;
  active?: boolean | undefined;
  sms?: string | undefined;
  telegram?: string | undefined;
  whatsapp?: string | undefined;
}

function focalPointInput(code: string, body: FocalPointFields) {
  const addresses: Partial<Record<MessagingChannel, string>> = {};
  if (body.sms !== undefined) addresses.sms = body.sms;
  if (body.telegram !== undefined) addresses.telegram = body.telegram;
  if (body.whatsapp !== undefined) addresses.whatsapp = body.whatsapp;
  return {
    code,
    name: body.name,
    role: body.role,
    language: body.language,
    committeeCode: body.committee,
    addresses,
    ...(body.active !== undefined ? { active: body.active } : {}),
  };
}

/** What changed, for the audit log: field names and values, but only the channel of an address. */
function auditFields(body: Record<string, unknown>) {
  const fields: Record<string, string | boolean | number | null | string[]> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined) continue;
    if (key === "sms" || key === "telegram" || key === "whatsapp") fields[key] = "set";
    else if (typeof value === "string" || typeof value === "boolean" || typeof value === "number" || value === null) {
      fields[key] = value;
    } else if (Array.isArray(value)) fields[key] = value.map(String);
  }
  return fields;
}

/** A committee or focal point code from the path (a malformed one is a 400). */
function codeParam(value: unknown): string {
  return entityCodeSchema.parse(value);
}

/** A saved entry, or a 400 naming the field (thrown inside the transaction, so nothing is kept). */
function mustSave(result: SaveResult): Saved {
  if (result.status === "invalid") {
    throw new AppError("bad_request", `${result.field}: ${result.problem}`, {
      field: result.field,
      problem: result.problem,
    });
  }
  return result;
}

type Saved = Exclude<SaveResult, { status: "invalid" }>;

function respond(res: Response, result: Saved, status: number, extra: Record<string, string>): void {
  res.status(status).json({ id: result.id, status: result.status, ...extra });
}
