import { allEngineTextKeys, engineSmsSegmentBudget } from "./engineTexts.js";
import type { FlowIssue } from "./errors.js";
import type { Flow, Step } from "./flowSchema.js";
import type { I18n } from "./i18n.js";
import { renderForSms } from "./render.js";
import { smsSegments } from "./smsSegments.js";
import { isInputStep, type RenderScope, repromptKey, stepPrompt, stepReprompt } from "./stepMessages.js";
import type { JsonValue, OutMessage } from "./types.js";

/** A parsed flow with its id and the path shown in messages. */
export interface LoadedFlow {
  id: string;
  /** e.g. `flows/feedback.yaml` */
  file: string;
  flow: Flow;
}

/** What {@link validateFlows} checks against. */
export interface ValidateOptions {
  i18n: I18n;
  /** Names of the actions registered in code. */
  actionNames: readonly string[];
}

/** Where the engine's own texts are reported. */
export const engineTextsFile = "locales (engine texts)";

/** `count` values that reach every plural category of the shipped languages (one, few, many, other...). */
const pluralProbeCounts = [0, 1, 2, 3, 5, 11, 21, 100, 1_000_000];
/** Length of the sample used for `{{var}}` when the flow declares no `sampleVars` entry. */
const defaultSampleLength = 8;

/**
 * Checks what zod cannot: every step reference exists, every `goto` flow exists (unless the step has
 * `ifMissing`), every action is registered, every text key exists in every shipped language, and
 * every message fits the flow's SMS segment budget in every language, rendered exactly as SMS shows
 * it. The engine's own texts are checked too. Returns all problems found (empty when valid).
 */
export function validateFlows(flows: readonly LoadedFlow[], options: ValidateOptions): FlowIssue[] {
  const issues: FlowIssue[] = [];
  const byId = new Map(flows.map((loaded) => [loaded.id, loaded]));
  for (const loaded of flows) {
    const { file, flow } = loaded;
    if (!(flow.start in flow.steps)) issues.push({ file, problem: `start "${flow.start}" is not a step of this flow` });
    for (const [stepId, step] of Object.entries(flow.steps)) {
      const add = (problem: string) => issues.push({ file, stepId, problem });
      checkReferences(step, flow, byId, add);
      checkStep(step, options, add);
      for (const key of stepTextKeys(step)) {
        const missing = options.i18n.languages.filter((language) => !options.i18n.has(language, key));
        if (missing.length > 0) add(`text "${key}" is missing in ${missing.join(", ")}`);
      }
      checkSmsBudget(step, flow, options.i18n, add);
    }
  }
  for (const key of allEngineTextKeys) {
    for (const language of options.i18n.languages) {
      if (!options.i18n.has(language, key)) {
        issues.push({ file: engineTextsFile, problem: `text "${key}" is missing in ${language}` });
        continue;
      }
      const segments = maxSegments(options.i18n, language, [key], {}, (scope) => ({
        text: scope.i18n.t(language, key, scope.vars),
      }));
      if (segments.count > engineSmsSegmentBudget) {
        issues.push({ file: engineTextsFile, problem: budgetProblem(key, language, segments, engineSmsSegmentBudget) });
      }
    }
  }
  return issues;
}

/** Every text key a step uses, including the default re-prompt of input steps. */
export function stepTextKeys(step: Step): string[] {
  switch (step.kind) {
    case "message":
      return [step.text];
    case "end":
      return step.text === undefined ? [] : [step.text];
    case "menu":
      return [step.text, repromptKey(step), ...step.choices.map((choice) => choice.label)];
    case "ask":
    case "language":
      return [step.text, repromptKey(step)];
    default:
      return [];
  }
}

function checkReferences(
  step: Step,
  flow: Flow,
  flows: ReadonlyMap<string, LoadedFlow>,
  add: (problem: string) => void,
): void {
  const local = (field: string, target: string | undefined) => {
    if (target !== undefined && !(target in flow.steps)) add(`${field} "${target}" is not a step of this flow`);
  };
  switch (step.kind) {
    case "message":
      local("next", step.next);
      break;
    case "menu":
      step.choices.forEach((choice, index) => {
        local(`choices[${index}].next`, choice.next);
      });
      local("fallback", step.fallback);
      break;
    case "ask":
    case "language":
      local("next", step.next);
      local("fallback", step.fallback);
      break;
    case "branch":
      step.cases.forEach((branchCase, index) => {
        local(`cases[${index}].next`, branchCase.next);
      });
      local("else", step.else);
      break;
    case "action":
      local("next", step.next);
      local("onError", step.onError);
      for (const [outcome, target] of Object.entries(step.outcomes ?? {})) local(`outcomes.${outcome}`, target);
      break;
    case "goto": {
      local("return", step.return);
      local("ifMissing", step.ifMissing);
      const target = flows.get(step.flow);
      if (!target) {
        if (step.ifMissing === undefined) add(`flow "${step.flow}" does not exist (add ifMissing to allow that)`);
      } else if (step.step !== undefined && !(step.step in target.flow.steps)) {
        add(`step "${step.step}" is not a step of flow "${step.flow}"`);
      }
      break;
    }
    case "end":
      break;
  }
}

function checkStep(step: Step, options: ValidateOptions, add: (problem: string) => void): void {
  if (step.kind === "action") {
    if (!options.actionNames.includes(step.action)) {
      const known = options.actionNames.length > 0 ? options.actionNames.join(", ") : "none";
      add(`action "${step.action}" is not registered (registered: ${known})`);
    }
    if (step.next === undefined && Object.keys(step.outcomes ?? {}).length === 0)
      add("an action needs next or outcomes");
  }
  if (step.kind === "ask" && step.input === "number" && step.min !== undefined && step.max !== undefined) {
    if (step.min > step.max) add(`min ${step.min} is greater than max ${step.max}`);
  }
}

function checkSmsBudget(step: Step, flow: Flow, i18n: I18n, add: (problem: string) => void): void {
  const renderers: { key: string; render: (scope: RenderScope) => OutMessage | null }[] = [];
  if (step.kind === "message" || step.kind === "end" || isInputStep(step)) {
    const key = step.text;
    if (key !== undefined) renderers.push({ key, render: (scope) => stepPrompt(step, scope) });
  }
  if (isInputStep(step)) renderers.push({ key: repromptKey(step), render: (scope) => stepReprompt(step, scope) });
  const keys = stepTextKeys(step);
  for (const language of i18n.languages) {
    if (!keys.every((key) => i18n.has(language, key))) continue;
    for (const { key, render } of renderers) {
      const segments = maxSegments(i18n, language, keys, flow.sampleVars ?? {}, render);
      if (segments.count > flow.smsSegmentBudget) add(budgetProblem(key, language, segments, flow.smsSegmentBudget));
    }
  }
}

interface SegmentCount {
  count: number;
  encoding: string;
  length: number;
}

/** Renders a message with sample values (every plural form when a key is plural) and keeps the longest. */
function maxSegments(
  i18n: I18n,
  language: string,
  keys: readonly string[],
  sampleVars: Readonly<Record<string, string | number>>,
  render: (scope: RenderScope) => OutMessage | null,
): SegmentCount {
  const names = new Set<string>();
  let plural = false;
  for (const key of keys) {
    const forms = i18n.forms(language, key);
    if (forms.length > 0 && forms[0] !== key) plural = true;
    for (const form of forms) {
      for (const match of (i18n.raw(language, form) ?? "").matchAll(/\{\{\s*([\w.]+)/g)) {
        if (match[1] !== undefined) names.add(match[1]);
      }
    }
  }
  const vars: Record<string, JsonValue> = {};
  for (const name of names) vars[name] = sampleVars[name] ?? (name === "count" ? 2 : "X".repeat(defaultSampleLength));
  const counts = plural ? pluralProbeCounts : [vars.count];
  let worst: SegmentCount = { count: 0, encoding: "GSM-7", length: 0 };
  for (const count of counts) {
    const message = render({ i18n, language, vars: count === undefined ? vars : { ...vars, count } });
    if (!message) continue;
    const described = smsSegments(renderForSms(message));
    if (described.segments > worst.count) {
      worst = { count: described.segments, encoding: described.encoding, length: described.length };
    }
  }
  return worst;
}

function budgetProblem(key: string, language: string, segments: SegmentCount, budget: number): string {
  return (
    `"${key}" in ${language} takes ${segments.count} SMS segments ` +
    `(${segments.encoding}, ${segments.length} units), budget is ${budget}`
  );
}
