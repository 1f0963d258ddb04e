import { Router } from "express";
import { z } from "zod";
import { currentUser } from "../admin/AuthUser.js";
import { writeAudit } from "../admin/audit.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../log/createLogger.js";
import type { AuthPort } from "../service/Feature.js";
import { export4W } from "./export4W.js";
import { exportEvents } from "./exportEvents.js";
import { exportIndicators } from "./exportIndicators.js";
import { pickText } from "./loadLogframe.js";
import type { MealReports } from "./MealReports.js";
import {
  byParamSchema,
  languageParamSchema,
  type MealFiltersInput,
  mealFiltersSchema,
  resolveFilters,
} from "./mealFilters.js";
import { type ExportFormat, tableSink } from "./TableSink.js";

/** Why data leaves the system; recorded in the audit log with every export. */
export const exportPurposes = ["donor_report", "programme_monitoring", "evaluation", "data_quality", "other"] as const;

const exportQuerySchema = z.object({
  purpose: z.enum(exportPurposes),
  types: z.preprocess(
    (v) => (typeof v === "string" && v !== "" ? v.split(",") : undefined),
    z
      .array(z.string().regex(/^[a-z_]+(\.[a-z_]+)*$/))
      .max(50)
      .optional(),
  ),
  ids: z.preprocess(
    (v) => (typeof v === "string" && v !== "" ? v.split(",") : undefined),
    z
      .array(z.string().regex(/^[a-z][a-z0-9_]*$/))
      .max(100)
      .optional(),
  ),
});

const exportParamsSchema = z.object({
  table: z.enum(["events", "indicators", "4w"]),
  format: z.enum(["csv", "xlsx"]),
});

const contentTypes: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

/**
 * The MEAL API (MEAL officers and administrators):
 * - `GET /api/meal/meta?lang=` — logframe, sections, breakdowns, places and codes for the filters;
 * - `GET /api/meal/indicators?from=&to=&location=&channel=&sex=&ageGroup=&by=location,sex&lang=`;
 * - `GET /api/meal/export/{events|indicators|4w}.{csv|xlsx}?purpose=...&<filters>` — streamed,
 *   pseudonymised, formula-safe; each export is audited with its purpose and filters.
 */
export function createMealRouter(deps: {
  prisma: PrismaClient;
  auth: AuthPort;
  /** The read side, loaded on first use (places and labels may come from the database). */
  reports: () => Promise<MealReports>;
  log: Logger;
}): Router {
  const router = Router();
  const meal = deps.auth.requireRole("meal");

  router.get("/api/meal/meta", meal, async (req, res) => {
    const reports = await deps.reports();
    const language = languageParamSchema.parse(req.query.lang);
    const { logframe, labels } = reports;
    const codes = (dimension: string) =>
      Object.keys(logframe.labels[dimension] ?? {}).map((code) => ({
        code,
        label: labels.label(dimension, code, language),
      }));
    res.setHeader("Cache-Control", "no-store");
    res.json({
      title: pickText(logframe.title, language),
      sections: Object.keys(logframe.sections).map((code) => ({ code, label: reports.sectionLabel(code, language) })),
      indicators: logframe.indicators.map((i) => ({
        id: i.id,
        label: pickText(i.label, language),
        section: i.section,
        measure: i.measure,
        disaggregations: i.disaggregations,
      })),
      dimensions: [...new Set(logframe.indicators.flatMap((i) => i.disaggregations))].map((code) => ({
        code,
        label: labels.dimension(code, language),
      })),
      places: reports.places.list().map((p) => ({ code: p.code, name: p.name, level: p.level, depth: p.depth })),
      channels: codes("channel"),
      sexes: codes("sex"),
      ageGroups: codes("ageGroup"),
      purposes: exportPurposes,
    });
  });

  router.get("/api/meal/indicators", meal, async (req, res) => {
    const reports = await deps.reports();
    const input = mealFiltersSchema.parse(req.query);
    const by = byParamSchema.parse(req.query.by) ?? [];
    const language = languageParamSchema.parse(req.query.lang);
    const ids = exportQuerySchema.shape.ids.parse(req.query.ids);
    const started = performance.now();
    const computed = await reports.reports(resolveFilters(input, reports.places), by, language, ids);
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Server-Timing", `db;dur=${Math.round(performance.now() - started)}`);
    res.json({ filters: input, by, reports: computed });
  });

  router.get("/api/meal/export/:file", meal, async (req, res) => {
    const user = currentUser(res);
    const reports = await deps.reports();
    const match = /^(events|indicators|4w)\.(csv|xlsx)$/.exec(z.object({ file: z.string() }).parse(req.params).file);
    const { table, format } = exportParamsSchema.parse({ table: match?.[1], format: match?.[2] });
    const input = mealFiltersSchema.parse(req.query);
    const query = exportQuerySchema.parse(req.query);
    const by = byParamSchema.parse(req.query.by) ?? [];
    const language = languageParamSchema.parse(req.query.lang);
    const filters = resolveFilters(input, reports.places);
    await writeAudit(deps.prisma, {
      userId: user.id,
      action: `export.${table}`,
      data: { format, purpose: query.purpose, filters: auditFilters(input), ...(by.length ? { by } : {}) },
    });
    res.setHeader("Content-Type", contentTypes[format]);
    res.setHeader("Content-Disposition", `attachment; filename="${fileName(table, input, format)}"`);
    res.setHeader("Cache-Control", "no-store");
    const sink = await tableSink(format, res);
    const started = Date.now();
    try {
      const rows =
        table === "events"
          ? await exportEvents(deps.prisma, sink, {
              filters,
              types: query.types ?? null,
              labels: reports.labels,
              language,
            })
          : table === "indicators"
            ? await exportIndicators(reports, sink, { filters, by, language, ...(query.ids ? { ids: query.ids } : {}) })
            : await export4W(deps.prisma, sink, { filters, labels: reports.labels, language });
      await sink.end();
      deps.log.info({ table, format, rows, ms: Date.now() - started }, "export done");
    } catch (error) {
      // Headers are gone: cut the download so the client sees it failed rather than a short file.
      deps.log.error({ err: error, table, format }, "export failed");
      res.destroy();
    }
  });

  return router;
}

function auditFilters(input: MealFiltersInput): Record<string, string> {
  return Object.fromEntries(Object.entries(input).filter((e): e is [string, string] => typeof e[1] === "string"));
}

function fileName(table: string, input: MealFiltersInput, format: ExportFormat): string {
  const period = [input.from ?? "start", input.to ?? "now"].join("_");
  return `relais-${table}-${period}.${format}`;
}
