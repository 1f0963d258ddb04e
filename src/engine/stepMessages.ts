import { engineTexts, repromptKeys } from "./engineTexts.js";
import type { InputStep, MenuChoice, Step } from "./flowSchema.js";
import type { I18n } from "./i18n.js";
import type { JsonValue, OutChoice, OutMessage } from "./types.js";

/** What it takes to translate a step's texts. */
export interface RenderScope {
  i18n: I18n;
  language: string;
  vars: Readonly<Record<string, JsonValue>>;
}

/** The value a menu choice records: its `value`, or the last segment of its label key. */
export function choiceValue(choice: MenuChoice): string {
  return choice.value ?? choice.label.slice(choice.label.lastIndexOf(".") + 1).replace(/^.*:/, "");
}

/**
 * The choices an input step offers, translated: a menu's choices, the yes/no of a yes/no question,
 * or the shipped languages (each named in its own language). Empty for other steps.
 */
export function stepChoices(step: Step, scope: RenderScope): OutChoice[] {
  const { i18n, language, vars } = scope;
  switch (step.kind) {
    case "menu":
      return step.choices.map((choice) => ({
        value: choiceValue(choice),
        label: i18n.t(language, choice.label, vars),
      }));
    case "language":
      return i18n.languages.map((code) => ({ value: code, label: i18n.t(code, engineTexts.languageName) }));
    case "ask":
      return step.input === "yesno"
        ? [
            { value: "yes", label: i18n.t(language, engineTexts.yes, vars) },
            { value: "no", label: i18n.t(language, engineTexts.no, vars) },
          ]
        : [];
    default:
      return [];
  }
}

/** The message a step sends when it is reached, or null for steps that send nothing. */
export function stepPrompt(step: Step, scope: RenderScope): OutMessage | null {
  switch (step.kind) {
    case "message":
      return { text: scope.i18n.t(scope.language, step.text, scope.vars) };
    case "end":
      return step.text === undefined ? null : { text: scope.i18n.t(scope.language, step.text, scope.vars) };
    case "menu":
    case "ask":
    case "language":
      return withChoices(scope.i18n.t(scope.language, step.text, scope.vars), stepChoices(step, scope));
    default:
      return null;
  }
}

/** The key of the text sent after an invalid reply to an input step. */
export function repromptKey(step: InputStep): string {
  if (step.reprompt !== undefined) return step.reprompt;
  return step.kind === "ask" ? repromptKeys[step.input] : engineTexts.repromptChoice;
}

/** The message sent after an invalid reply: the re-prompt text, with the step's choices again. */
export function stepReprompt(step: InputStep, scope: RenderScope): OutMessage {
  const vars = step.kind === "ask" && step.input === "number" ? { ...scope.vars, ...numberBounds(step) } : scope.vars;
  return withChoices(scope.i18n.t(scope.language, repromptKey(step), vars), stepChoices(step, scope));
}

/** Whether a step waits for a reply. */
export function isInputStep(step: Step): step is InputStep {
  return step.kind === "menu" || step.kind === "ask" || step.kind === "language";
}

function numberBounds(step: { min?: number | undefined; max?: number | undefined }): Record<string, JsonValue> {
  const bounds: Record<string, JsonValue> = {};
  if (step.min !== undefined) bounds.min = step.min;
  if (step.max !== undefined) bounds.max = step.max;
  return bounds;
}

function withChoices(text: string, choices: OutChoice[]): OutMessage {
  return choices.length > 0 ? { text, choices } : { text };
}
