import type { JsonValue } from "../engine/types.js";

type Vars = Readonly<Record<string, JsonValue>>;

/** A string variable of the conversation, or null. */
export function stringVar(vars: Vars, name: string): string | null {
  const value = vars[name];
  return typeof value === "string" && value !== "" ? value : null;
}

/** A list-of-strings variable of the conversation (missing: empty). */
export function stringListVar(vars: Vars, name: string): string[] {
  const value = vars[name];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** A number variable of the conversation, or null. */
export function numberVar(vars: Vars, name: string): number | null {
  const value = vars[name];
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** Cuts a text to `max` characters with "..." (names and addresses in SMS). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3).trimEnd()}...`;
}
