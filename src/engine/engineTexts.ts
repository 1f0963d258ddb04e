import type { AskInputKind } from "./flowSchema.js";

/**
 * Text keys the engine itself uses, outside any flow. They must exist in every shipped language
 * and fit the default SMS budget; `validateFlows` checks them like flow texts.
 */
export const engineTexts = {
  stopConfirmed: "common:stop.confirmed",
  startResumed: "common:start.resumed",
  help: "common:help",
  alertUnavailable: "common:alert.unavailable",
  /** Plural on `count` (hours of inactivity). */
  expired: "common:expired",
  giveUp: "common:giveup",
  repromptChoice: "common:reprompt.choice",
  yes: "common:answer.yes",
  no: "common:answer.no",
  /** The language's own name ("Français", "English", "Kiswahili"), shown in language menus. */
  languageName: "common:language.name",
} as const;

/** Default re-prompt key of each `ask` input kind. */
export const repromptKeys: Readonly<Record<AskInputKind, string>> = {
  text: "common:reprompt.text",
  number: "common:reprompt.number",
  yesno: "common:reprompt.yesno",
  phone: "common:reprompt.phone",
  date: "common:reprompt.date",
  location: "common:reprompt.location",
};

/** Every key of {@link engineTexts} and {@link repromptKeys}. */
export const allEngineTextKeys: readonly string[] = [...Object.values(engineTexts), ...Object.values(repromptKeys)];

/** SMS segment budget of the engine's own texts. */
export const engineSmsSegmentBudget = 2;
