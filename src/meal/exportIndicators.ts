import type { Dimension } from "./logframeSchema.js";
import type { IndicatorReport, MealReports } from "./MealReports.js";
import type { MealFilters } from "./mealFilters.js";
import type { CellValue } from "./safeCell.js";
import type { TableSink } from "./TableSink.js";

export const indicatorColumnsHeader = [
  "indicator_id",
  "indicator",
  "measure",
  "unit",
  "breakdown",
  "group_1_code",
  "group_1",
  "group_2_code",
  "group_2",
  "value",
  "numerator",
  "denominator",
  "n",
  "target",
  "filters_not_applicable",
] as const;

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 100) / 100;
}

/** The rows of one indicator: its total, then subtotals (two breakdowns), then each group. */
export function indicatorRows(report: IndicatorReport): CellValue[][] {
  const breakdown = report.by.map((b) => b.code).join(" x ");
  const base = [report.id, report.label, report.measure, report.unit, breakdown || "total"];
  const notApplicable = report.notApplicable.join(" ") || null;
  const tail = (
    c: { value: number | null; numerator?: number; denominator?: number; n?: number },
    target: number | null,
  ) => [round(c.value), c.numerator ?? null, c.denominator ?? null, c.n ?? null, target, notApplicable];
  const rows: CellValue[][] = [[...base, "total", "Total", null, null, ...tail(report.total, report.total.target)]];
  for (const s of report.subtotals)
    rows.push([...base, s.keys[0] ?? null, s.labels[0] ?? null, "total", "Total", ...tail(s, null)]);
  for (const r of report.rows) {
    rows.push([
      ...base,
      r.keys[0] ?? null,
      r.labels[0] ?? null,
      r.keys[1] ?? null,
      r.labels[1] ?? null,
      ...tail(r, r.target),
    ]);
  }
  return rows;
}

/**
 * Writes the logframe indicators for the filters and breakdown, computed exactly as the dashboard
 * computes them (same `MealReports`), so the exported numbers match the screen.
 */
export async function exportIndicators(
  reports: MealReports,
  sink: TableSink,
  options: { filters: MealFilters; by: readonly Dimension[]; language: string; ids?: readonly string[] },
): Promise<number> {
  const computed = await reports.reports(options.filters, options.by, options.language, options.ids);
  await sink.startTable("indicators", indicatorColumnsHeader);
  let written = 0;
  for (const report of computed) {
    for (const row of indicatorRows(report)) {
      await sink.writeRow(row);
      written++;
    }
  }
  return written;
}
