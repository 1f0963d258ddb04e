const dayMs = 86_400_000;

/** A half-open span of time `[from, until)`; null ends are open (the beginning, the future). */
export interface Span {
  from: Date | null;
  until: Date | null;
}

/** What the daily summary holds, as read with the query it serves (one snapshot). */
export interface SummaryCoverage {
  /** Every UTC day before this midnight is summarised, except `dirty` days; null: nothing is. */
  through: Date | null;
  /** Summarised days changed since (UTC midnights): read from the raw tables. */
  dirty: readonly Date[];
  /** `data` fields the summary keeps. */
  dataKeys: readonly string[];
}

/** Where each part of a period is read from: whole UTC days from the summary, the rest from raw rows. */
export interface PeriodSplit {
  /** Whole UTC days (bounds at midnight) read from the daily summary. */
  summary: Span[];
  /** Instants read from the raw tables; together with `summary` exactly the period, no overlap. */
  raw: Span[];
}

/** Beyond this many pieces the raw reads would be slower than reading the period from raw rows alone. */
const maxPieces = 48;

const floorDay = (d: Date) => new Date(Math.floor(d.getTime() / dayMs) * dayMs);
const ceilDay = (d: Date) => new Date(Math.ceil(d.getTime() / dayMs) * dayMs);
const before = (a: Date | null, b: Date | null) => a === null || b === null || a.getTime() < b.getTime();

/**
 * Splits a period between the daily summary and the raw tables: the summary gives the whole UTC
 * days it holds (before `through`, not dirty), raw rows give everything else (a partial first or last
 * day, the days after `through` such as today, dirty days). The pieces cover the period exactly once,
 * so sums over both equal sums over the raw rows.
 *
 * @example
 * splitPeriod({ from: may1, until: june1 }, { through: may20, dirty: [may3], dataKeys: [] });
 * // summary: [may1, may3), [may4, may20); raw: [may3, may4), [may20, june1)
 */
export function splitPeriod(period: Span, coverage: SummaryCoverage | null): PeriodSplit {
  const everything: PeriodSplit = { summary: [], raw: [{ from: period.from, until: period.until }] };
  if (!coverage?.through) return everything;
  const start = period.from ? ceilDay(period.from) : null;
  const ends = [coverage.through, ...(period.until ? [floorDay(period.until)] : [])];
  const end = new Date(Math.min(...ends.map((d) => d.getTime())));
  if (!before(start, end)) return everything;

  const summary: Span[] = [];
  let cursor: Date | null = start;
  const dirty = [...new Set(coverage.dirty.map((d) => floorDay(d).getTime()))].sort((a, b) => a - b);
  for (const time of dirty) {
    if (cursor && time < cursor.getTime()) continue;
    if (time >= end.getTime()) break;
    const day = new Date(time);
    if (before(cursor, day)) summary.push({ from: cursor, until: day });
    cursor = new Date(time + dayMs);
  }
  if (before(cursor, end)) summary.push({ from: cursor, until: end });
  if (summary.length === 0) return everything;

  // The raw pieces are the gaps of the period between summary pieces.
  const raw: Span[] = [];
  let from: Date | null = period.from;
  for (const piece of summary) {
    if (piece.from && before(from, piece.from)) raw.push({ from, until: piece.from });
    from = piece.until;
  }
  if (before(from, period.until)) raw.push({ from, until: period.until });
  if (summary.length + raw.length > maxPieces) return everything;
  return { summary, raw };
}
