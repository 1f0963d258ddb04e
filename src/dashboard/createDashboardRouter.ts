import path from "node:path";
import express, { Router } from "express";
import { z } from "zod";
import { currentUser } from "../admin/AuthUser.js";
import type { I18n } from "../engine/i18n.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { AppError } from "../http/AppError.js";
import type { AuthPort } from "../service/Feature.js";
import { projectRoot } from "../service/projectPaths.js";
import { flowGraph } from "./flowGraph.js";
import { loadFlowDefinitions } from "./loadFlowDefinitions.js";
import { listAlertQueue, listReferralQueue, queueQuerySchema } from "./queueQueries.js";
import { renderFlowchartSvg } from "./renderFlowchartSvg.js";

const flowParamSchema = z.object({ id: z.string().regex(/^[a-z][a-z0-9_]*$/) });
const fileParamSchema = z.object({ file: z.string() });
const langSchema = z.preprocess((v) => (v === "" ? undefined : v), z.enum(["fr", "en", "sw"]).default("fr"));

/**
 * The dashboard's page and data:
 * - `GET /dashboard` — the page (any signed-in role; tabs follow the role), its assets under
 *   `/dashboard/assets/` and chart.js from `node_modules` (no CDN: `script-src 'self'`);
 * - `GET /api/flows`, `GET /api/flows/:id.svg?lang=` — every flow of `flows/*.yaml` drawn as a flowchart;
 * - `GET /api/queues/alerts`, `GET /api/queues/referrals` — case handlers' queues with history.
 */
export function createDashboardRouter(deps: {
  prisma: PrismaClient;
  auth: AuthPort;
  i18n: I18n;
  assetsDir?: string;
  flowsDir?: string;
}): Router {
  const root = projectRoot();
  const assetsDir = deps.assetsDir ?? path.join(root, "src", "web", "dashboard");
  const chartJs = path.join(root, "node_modules", "chart.js", "dist", "chart.umd.min.js");
  const anyone = deps.auth.requireRole("admin", "meal", "case_handler");
  const router = Router();

  router.get(["/dashboard", "/dashboard/"], anyone, (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    res.sendFile(path.join(assetsDir, "index.html"));
  });
  router.get("/dashboard/assets/vendor/chart.umd.min.js", (_req, res) => {
    res.setHeader("Cache-Control", "public, max-age=86400");
    res.sendFile(chartJs);
  });
  router.use("/dashboard/assets", express.static(assetsDir, { index: false, fallthrough: true, maxAge: 0 }));

  router.get("/api/flows", anyone, (_req, res) => {
    res.json({
      flows: loadFlowDefinitions(deps.flowsDir).map((f) => ({
        id: f.id,
        file: f.file,
        description: f.flow.description ?? null,
        steps: Object.keys(f.flow.steps).length,
        anonymous: f.flow.anonymous,
        sensitive: f.flow.sensitive,
      })),
    });
  });

  router.get("/api/flows/:file", anyone, (req, res) => {
    const match = /^([a-z][a-z0-9_]*)\.svg$/.exec(fileParamSchema.parse(req.params).file);
    const { id } = flowParamSchema.parse({ id: match?.[1] });
    const language = langSchema.parse(req.query.lang);
    const definition = loadFlowDefinitions(deps.flowsDir).find((f) => f.id === id);
    if (!definition) throw new AppError("not_found", `no flow "${id}"`);
    const graph = flowGraph(definition.flow, (key) => deps.i18n.t(language, key));
    res.setHeader("Content-Type", "image/svg+xml; charset=utf-8");
    res.setHeader("Cache-Control", "no-store");
    res.send(renderFlowchartSvg(graph, `${definition.file} — ${definition.flow.description ?? id}`));
  });

  const handlers = deps.auth.requireRole("case_handler");
  router.get("/api/queues/alerts", handlers, async (req, res) => {
    const user = currentUser(res);
    res.setHeader("Cache-Control", "no-store");
    res.json({ alerts: await listAlertQueue(deps.prisma, user, queueQuerySchema.parse(req.query)) });
  });
  router.get("/api/queues/referrals", handlers, async (req, res) => {
    const user = currentUser(res);
    res.setHeader("Cache-Control", "no-store");
    res.json({ referrals: await listReferralQueue(deps.prisma, user, queueQuerySchema.parse(req.query)) });
  });

  return router;
}
