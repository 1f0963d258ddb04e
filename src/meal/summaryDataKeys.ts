import type { Dimension, EventSelector, Logframe } from "./logframeSchema.js";

function selectorKeys(selectors: readonly EventSelector[]): string[] {
  return selectors.flatMap((s) => Object.keys(s.data ?? {}));
}

function dimensionKeys(dimensions: readonly Dimension[]): string[] {
  return dimensions.filter((d) => d.startsWith("data.")).map((d) => d.slice(5));
}

/**
 * The `data` fields a query over events reads: those its selectors test, its `data.<key>`
 * breakdowns and its numeric field. The daily summary can answer it only if it keeps all of them.
 */
export function queryDataKeys(
  selectors: readonly EventSelector[],
  field: string | null,
  by: readonly Dimension[],
): string[] {
  return [...new Set([...selectorKeys(selectors), ...dimensionKeys(by), ...(field ? [field] : [])])].sort();
}

/**
 * Every `data` field the logframe reads, the fields the daily summary keeps. Other fields (provider
 * codes, references...) would split the summary into one row per event without serving any indicator.
 */
export function logframeDataKeys(logframe: Logframe): string[] {
  const keys = logframe.indicators.flatMap((indicator) => {
    switch (indicator.measure) {
      case "messages":
        return [];
      case "share":
        return [
          ...queryDataKeys(indicator.numerator.events, null, indicator.disaggregations),
          ...queryDataKeys(indicator.denominator.events, null, indicator.disaggregations),
        ];
      case "count":
      case "people":
        return queryDataKeys(indicator.events, null, indicator.disaggregations);
      default:
        return queryDataKeys(indicator.events, indicator.field, indicator.disaggregations);
    }
  });
  return [...new Set(keys)].sort();
}
