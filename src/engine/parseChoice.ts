import { foldText } from "./foldText.js";

/** The outcome of reading a menu reply: the 0-based index of the choice, or invalid. */
export type ChoiceParse = { status: "ok"; index: number } | { status: "invalid" };

const numberReply = /^#?\s*(\d{1,3})\s*[.)]?$/;

/**
 * Reads a menu reply forgivingly: a number (`1`, ` 1.`, `1)`, `#1`), a label, an unambiguous
 * prefix of a label (at least 2 characters), or an unambiguous start from a later word of a label
 * (at least 3 characters: "plainte sensible" for "Une plainte sensible"; a reply that is a label's
 * whole ending wins, so "plainte" picks "Une plainte" over "Une plainte sensible"). Case and accents
 * are ignored. Anything else, or an ambiguous reply, is `{ status: "invalid" }`.
 *
 * @example
 * ```ts
 * parseChoice(" 2.", ["Français", "English"]);   // { status: "ok", index: 1 }
 * parseChoice("franc", ["Français", "English"]); // { status: "ok", index: 0 }
 * parseChoice("e", ["Français", "English"]);     // { status: "invalid" }
 * ```
 */
export function parseChoice(text: string, labels: readonly string[]): ChoiceParse {
  const folded = foldText(text);
  if (folded === "") return { status: "invalid" };
  const number = numberReply.exec(folded);
  if (number) {
    const index = Number.parseInt(number[1] ?? "", 10) - 1;
    return index >= 0 && index < labels.length ? { status: "ok", index } : { status: "invalid" };
  }
  const foldedLabels = labels.map(foldText);
  const exact = foldedLabels.indexOf(folded);
  if (exact >= 0) return { status: "ok", index: exact };
  if (folded.length < 2) return { status: "invalid" };
  const prefixed = indexesWhere(foldedLabels, (label) => label.startsWith(folded));
  if (prefixed.length > 0) return single(prefixed);
  // "plainte sensible" for "Une plainte sensible": the reply starts at a later word of the label.
  if (folded.length < 3) return { status: "invalid" };
  const tails = foldedLabels.map((label) => wordTails(label));
  const wholeTail = indexesWhere(tails, (labelTails) => labelTails.includes(folded));
  if (wholeTail.length === 1) return single(wholeTail);
  return single(indexesWhere(tails, (labelTails) => labelTails.some((tail) => tail.startsWith(folded))));
}

/** The label from each of its words after the first: "une plainte sensible" → ["plainte sensible", "sensible"]. */
function wordTails(label: string): string[] {
  const tails: string[] = [];
  for (const match of label.matchAll(/[\s(/'-]+(?=[^\s(/'-])/g)) tails.push(label.slice(match.index + match[0].length));
  return tails;
}

function indexesWhere<T>(items: readonly T[], test: (item: T) => boolean): number[] {
  return items.flatMap((item, index) => (test(item) ? [index] : []));
}

function single(indexes: readonly number[]): ChoiceParse {
  const [only] = indexes;
  return indexes.length === 1 && only !== undefined ? { status: "ok", index: only } : { status: "invalid" };
}
