import { renderForSms } from "../engine/render.js";
import { smsSegments } from "../engine/smsSegments.js";
import type { ActionOutput, JsonValue } from "../engine/types.js";

/** The value of the "More" choice that shows the next page. */
export const moreValue = "__more";
/** Options per page at most (one digit to type), "More" aside. */
export const maxOptionsPerPage = 9;
/** Largest menu step of `flows/orientation.yaml` (`options_1` … `options_10`). */
export const maxMenuSize = maxOptionsPerPage + 1;
const segmentBudget = 2;
const labelMax = 48;

/** One choice of a menu built from data (places, services, providers). */
export interface MenuOption {
  value: string;
  label: string;
}

/** A menu built from data, shown by the flow's `options_N` steps. */
export interface DataMenu {
  /** What is being chosen (`need`, `region`, `place`, `provider`...), read back when the choice comes in. */
  kind: string;
  /** Already translated question. */
  title: string;
  options: readonly MenuOption[];
  /** Translated label of the "More" choice. */
  moreLabel: string;
  /** Index of the first option of this page. */
  offset?: number;
  /** Whatever the kind needs to list its options again for the next page (a parent code...). */
  context?: JsonValue;
}

/**
 * Lays out one page of a data menu as conversation variables for the `options_N` steps, and
 * returns the page size as the action outcome (`"4"` → step `options_4`). A page holds as many
 * options as fit in two SMS segments with the question (at most nine), plus "More" when some are
 * left: Guinea's 34 prefectures never make a three-segment SMS.
 *
 * @example
 * showMenu({ kind: "region", title: "Dans quelle région?", options, moreLabel: "Plus" });
 * // { outcome: "9", variables: { menuKind: "region", menuTitle: "...", o1: "Boké", ..., optionValues: [...] } }
 */
export function showMenu(menu: DataMenu): ActionOutput {
  const offset = menu.offset ?? 0;
  const labels = menu.options.map((o) => ({ value: o.value, label: shorten(o.label) }));
  const remaining = labels.length - offset;
  let size = Math.max(1, Math.min(maxOptionsPerPage, remaining));
  for (; size > 1; size--) {
    if (fits(menu.title, pageChoices(labels, offset, size, menu.moreLabel))) break;
  }
  const choices = pageChoices(labels, offset, size, menu.moreLabel);
  const variables: Record<string, JsonValue> = {
    menuKind: menu.kind,
    menuTitle: menu.title,
    menuContext: menu.context ?? null,
    menuNextOffset: offset + size < labels.length ? offset + size : null,
    optionValues: choices.map((c) => c.value),
  };
  for (let i = 1; i <= maxMenuSize; i++) variables[`o${i}`] = choices[i - 1]?.label ?? "";
  return { outcome: String(choices.length), variables };
}

/** The value picked in a data menu (`pick` is the 1-based number the `options_N` step set), or null. */
export function pickedValue(variables: Readonly<Record<string, JsonValue>>): string | null {
  const pick = variables.pick;
  const values = variables.optionValues;
  if (typeof pick !== "number" || !Array.isArray(values)) return null;
  const value = values[pick - 1];
  return typeof value === "string" ? value : null;
}

function pageChoices(labels: readonly MenuOption[], offset: number, size: number, moreLabel: string): MenuOption[] {
  const page = labels.slice(offset, offset + size);
  return offset + size < labels.length ? [...page, { value: moreValue, label: moreLabel }] : page;
}

function fits(title: string, choices: MenuOption[]): boolean {
  return smsSegments(renderForSms({ text: title, choices })).segments <= segmentBudget;
}

function shorten(label: string): string {
  return label.length <= labelMax ? label : `${label.slice(0, labelMax - 3).trimEnd()}...`;
}
