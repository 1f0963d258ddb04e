import type { PrismaClient } from "../generated/prisma/client.js";
import { CodeLabels } from "./CodeLabels.js";
import { type Cell, computeIndicator, type GroupCell } from "./computeIndicator.js";
import { LocationDirectory } from "./LocationDirectory.js";
import { loadLogframe, pickText } from "./loadLogframe.js";
import type { Dimension, Indicator, Logframe } from "./logframeSchema.js";
import type { MealFilters } from "./mealFilters.js";

/** A code with its label in the reader's language. */
export interface Labelled {
  code: string;
  label: string;
}

/** An indicator ready to show or export: labels resolved, targets attached. */
export interface IndicatorReport {
  id: string;
  label: string;
  description: string | null;
  section: Labelled;
  measure: Indicator["measure"];
  unit: string | null;
  chart: "bar" | "line" | "doughnut" | "pie";
  disaggregations: Labelled[];
  by: Labelled[];
  total: Cell & { target: number | null };
  rows: (GroupCell & { labels: string[]; target: number | null })[];
  subtotals: (GroupCell & { labels: string[] })[];
  notApplicable: string[];
}

/**
 * The MEAL read side: the logframe, places and labels loaded once, and indicators computed for
 * filters in the reader's language. The dashboard API and the exports both go through it, so their
 * numbers are the same.
 */
export class MealReports {
  private readonly cache = new Map<string, { at: number; report: Promise<IndicatorReport> }>();

  /**
   * @param cacheMs - how long a computed indicator is reused for the same filters (several people
   *   opening the dashboard, an export right after the screen); 0 turns the cache off.
   * @param summary - read summarised days from the daily summary (false: every raw event, same numbers).
   */
  constructor(
    private readonly prisma: Pick<PrismaClient, "$transaction">,
    readonly logframe: Logframe,
    readonly places: LocationDirectory,
    readonly labels: CodeLabels,
    private readonly cacheMs = 30_000,
    private readonly summary = true,
  ) {}

  static async load(
    prisma: PrismaClient,
    logframe: Logframe = loadLogframe(),
    options: { cacheMs?: number; summary?: boolean } = {},
  ): Promise<MealReports> {
    const places = await LocationDirectory.load(prisma);
    const labels = await CodeLabels.load(logframe, places);
    return new MealReports(prisma, logframe, places, labels, options.cacheMs, options.summary);
  }

  indicator(id: string): Indicator | undefined {
    return this.logframe.indicators.find((i) => i.id === id);
  }

  /** The breakdown an indicator is shown with: the requested one where it offers it, else its chart's. */
  breakdownFor(indicator: Indicator, requested: readonly Dimension[]): Dimension[] {
    const offered = requested.filter((d) => indicator.disaggregations.includes(d)).slice(0, 2);
    if (offered.length > 0) return offered;
    const fallback = indicator.chart?.by ?? indicator.disaggregations[0];
    return fallback ? [fallback] : [];
  }

  /** Computes and labels one indicator (or reuses the same computation from the last `cacheMs`). */
  report(
    indicator: Indicator,
    filters: MealFilters,
    requested: readonly Dimension[],
    language: string,
  ): Promise<IndicatorReport> {
    if (this.cacheMs <= 0) return this.compute(indicator, filters, requested, language);
    const key = JSON.stringify([indicator.id, filters, requested, language]);
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < this.cacheMs) return hit.report;
    if (this.cache.size >= 2_000) {
      for (const [k, v] of this.cache) if (now - v.at >= this.cacheMs) this.cache.delete(k);
      if (this.cache.size >= 2_000) this.cache.clear();
    }
    const report = this.compute(indicator, filters, requested, language);
    this.cache.set(key, { at: now, report });
    report.catch(() => this.cache.delete(key));
    return report;
  }

  private async compute(
    indicator: Indicator,
    filters: MealFilters,
    requested: readonly Dimension[],
    language: string,
  ): Promise<IndicatorReport> {
    const values = await computeIndicator(this.prisma, indicator, filters, this.breakdownFor(indicator, requested), {
      summary: this.summary,
    });
    const year = (filters.until ? new Date(filters.until.getTime() - 1) : new Date()).getUTCFullYear();
    const targets = indicator.targets.filter((t) => t.year === undefined || t.year === year);
    const overall = targets.find((t) => !t.where)?.value ?? null;
    const targetFor = (keys: string[]) => {
      if (values.by.length !== 1) return null;
      const dimension = values.by[0] ?? "";
      return (
        targets.find((t) => t.where && Object.keys(t.where).length === 1 && String(t.where[dimension]) === keys[0])
          ?.value ?? null
      );
    };
    const labelKeys = (keys: string[]) => keys.map((k, i) => this.labels.label(values.by[i] ?? "", k, language));
    return {
      id: indicator.id,
      label: pickText(indicator.label, language),
      description: indicator.description ? pickText(indicator.description, language) : null,
      section: { code: indicator.section, label: this.sectionLabel(indicator.section, language) },
      measure: indicator.measure,
      unit: indicator.unit ?? (indicator.measure === "share" ? "%" : null),
      chart: indicator.chart?.type ?? "bar",
      disaggregations: indicator.disaggregations.map((d) => ({ code: d, label: this.labels.dimension(d, language) })),
      by: values.by.map((d) => ({ code: d, label: this.labels.dimension(d, language) })),
      total: { ...values.total, target: overall },
      rows: values.rows.map((r) => ({ ...r, labels: labelKeys(r.keys), target: targetFor(r.keys) })),
      subtotals: values.subtotals.map((r) => ({ ...r, labels: labelKeys(r.keys) })),
      notApplicable: values.notApplicable,
    };
  }

  /** Every indicator of the logframe (or those listed), in file order. */
  async reports(
    filters: MealFilters,
    requested: readonly Dimension[],
    language: string,
    ids?: readonly string[],
  ): Promise<IndicatorReport[]> {
    const chosen = ids ? this.logframe.indicators.filter((i) => ids.includes(i.id)) : this.logframe.indicators;
    return Promise.all(chosen.map((indicator) => this.report(indicator, filters, requested, language)));
  }

  sectionLabel(section: string, language: string): string {
    const text = this.logframe.sections[section];
    return text ? pickText(text, language) : section;
  }
}
