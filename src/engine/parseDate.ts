import { foldText } from "./foldText.js";

/** Relative day words (folded), French / English / Swahili, with their offset from today in days. */
const relativeDays: ReadonlyMap<string, number> = new Map([
  ["today", 0],
  ["aujourd'hui", 0],
  ["aujourdhui", 0],
  ["auj", 0],
  ["leo", 0],
  ["yesterday", -1],
  ["hier", -1],
  ["jana", -1],
  ["avant-hier", -2],
  ["avant hier", -2],
  ["juzi", -2],
]);

const dayFirst = /^(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{2}|\d{4}))?$/;
const isoDate = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;

/**
 * Reads a date as people write it in DR Congo: `23/11/2026`, `23-11-26`, `23.11.2026`, `23/11`
 * (this year), `2026-11-23`, or a word: today / aujourd'hui / leo, yesterday / hier / jana,
 * avant-hier / juzi. "Today" is taken in `timeZone`. Returns `YYYY-MM-DD`, or null if not a real date.
 *
 * @example
 * ```ts
 * parseDate("hier", new Date("2026-11-24T08:00:00Z"), "Africa/Lubumbashi"); // "2026-11-23"
 * parseDate("31/02/2026", new Date(), "Africa/Lubumbashi");                  // null
 * ```
 */
export function parseDate(text: string, now: Date, timeZone: string): string | null {
  const folded = foldText(text);
  const today = localDate(now, timeZone);
  const offset = relativeDays.get(folded);
  if (offset !== undefined) return formatDate(addDays(today, offset));
  const iso = isoDate.exec(folded);
  if (iso) return checkedDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const dmy = dayFirst.exec(folded);
  if (dmy) {
    const yearText = dmy[3];
    let year = today.year;
    if (yearText !== undefined) year = yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
    return checkedDate(year, Number(dmy[2]), Number(dmy[1]));
  }
  return null;
}

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

function localDate(now: Date, timeZone: string): CalendarDate {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
    .formatToParts(now)
    .reduce<Record<string, number>>((acc, part) => {
      if (part.type !== "literal") acc[part.type] = Number(part.value);
      return acc;
    }, {});
  return { year: parts.year ?? now.getUTCFullYear(), month: parts.month ?? 1, day: parts.day ?? 1 };
}

function addDays(date: CalendarDate, days: number): CalendarDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

function checkedDate(year: number, month: number, day: number): string | null {
  if (year < 1900 || year > 2200) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return formatDate({ year, month, day });
}

function formatDate(date: CalendarDate): string {
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
}
