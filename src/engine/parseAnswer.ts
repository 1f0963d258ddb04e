import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from "libphonenumber-js";
import type { AskStep } from "./flowSchema.js";
import { foldText } from "./foldText.js";
import { parseChoice } from "./parseChoice.js";
import { parseDate } from "./parseDate.js";
import type { Inbound, JsonValue } from "./types.js";

/** The outcome of reading a reply to an `ask` step. */
export type AnswerParse = { status: "ok"; value: JsonValue } | { status: "invalid" };

/** What {@link parseAnswer} needs besides the step and the reply. */
export interface AnswerOptions {
  /** Region for phone numbers written without `+country` (e.g. `CD`), unless the step sets `region`. */
  defaultRegion: CountryCode;
  /** Time zone in which "today" is read. */
  timeZone: string;
  now: Date;
  /** The translated yes / no labels shown as choices, so `1`, `2` and the labels work too. */
  yesNoLabels: readonly [string, string];
}

/** Yes / no words (folded) in French, English and Swahili. */
const yesWords = new Set(["oui", "o", "ouais", "yes", "y", "ndiyo", "ndio", "ndyo", "eeh", "ee"]);
const noWords = new Set(["non", "n", "no", "hapana", "apana", "la"]);

/**
 * Validates a reply to an `ask` step and converts it to the stored value:
 * text → trimmed string; number → number; yesno → boolean; phone → E.164 string;
 * date → `YYYY-MM-DD`; location → `{ latitude, longitude, label? }` (or `{ text }` with `acceptText`).
 */
export function parseAnswer(step: AskStep, inbound: Inbound, options: AnswerOptions): AnswerParse {
  if (step.input === "location") {
    if (inbound.kind === "location") {
      const { latitude, longitude, label } = inbound;
      if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return invalid;
      return ok(label ? { latitude, longitude, label } : { latitude, longitude });
    }
    const text = inbound.kind === "text" ? inbound.text.trim() : "";
    return step.acceptText && text !== "" ? ok({ text }) : invalid;
  }
  if (inbound.kind !== "text") return invalid;
  const text = inbound.text.trim();
  if (text === "") return invalid;
  switch (step.input) {
    case "text":
      return step.maxLength !== undefined && text.length > step.maxLength ? invalid : ok(text);
    case "number":
      return parseNumber(text, step.min, step.max, step.integer ?? false);
    case "yesno":
      return parseYesNo(text, options.yesNoLabels);
    case "phone": {
      const region = step.region !== undefined && isSupportedCountry(step.region) ? step.region : options.defaultRegion;
      const phone = parsePhoneNumberFromString(text, region);
      return phone?.isValid() ? ok(phone.number) : invalid;
    }
    case "date": {
      const date = parseDate(text, options.now, options.timeZone);
      return date === null ? invalid : ok(date);
    }
  }
}

const invalid: AnswerParse = { status: "invalid" };

function ok(value: JsonValue): AnswerParse {
  return { status: "ok", value };
}

function parseNumber(text: string, min: number | undefined, max: number | undefined, integer: boolean): AnswerParse {
  const normalized = text.replace(/\s/g, "").replace(",", ".");
  if (!/^[-+]?\d+(\.\d+)?$/.test(normalized)) return invalid;
  const value = Number(normalized);
  if (integer && !Number.isInteger(value)) return invalid;
  if (min !== undefined && value < min) return invalid;
  if (max !== undefined && value > max) return invalid;
  return ok(value);
}

function parseYesNo(text: string, labels: readonly [string, string]): AnswerParse {
  const folded = foldText(text);
  if (yesWords.has(folded)) return ok(true);
  if (noWords.has(folded)) return ok(false);
  const choice = parseChoice(text, labels);
  return choice.status === "ok" ? ok(choice.index === 0) : invalid;
}
