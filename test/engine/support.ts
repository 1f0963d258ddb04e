import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type ActionInput,
  type ActionRegistry,
  type ConversationState,
  createEngine,
  createI18n,
  type Engine,
  type EngineOptions,
  type EngineResult,
  type I18n,
  type Inbound,
  loadFlows,
  type MealEventDraft,
  type OutMessage,
  renderForSms,
} from "../../src/engine/index.js";
import { features } from "../../src/service/features.js";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const flowsDir = path.join(repoRoot, "flows");
export const localesDir = path.join(repoRoot, "locales");
export const shippedLanguages = ["fr", "en", "sw"] as const;

/** The real texts, as the service loads them. */
export function realI18n(dir: string = localesDir, languages: readonly string[] = shippedLanguages): I18n {
  return createI18n({ localesDir: dir, languages, fallback: "fr" });
}

/**
 * The action names a flow may use: the test's fakes, the features' real actions (the shipped flows
 * call them; these tests never reach those steps) and any extra names.
 */
export function allActionNames(actions: ActionRegistry, extra: readonly string[] = []): string[] {
  return [...new Set([...Object.keys(actions), ...features.flatMap((f) => f.actionNames ?? []), ...extra])];
}

/** A fake `feedback.create` that numbers references from F-1001 and remembers what it was given. */
export function fakeFeedbackActions(): { actions: ActionRegistry; calls: ActionInput[] } {
  const calls: ActionInput[] = [];
  const actions: ActionRegistry = {
    "feedback.create": async (input) => {
      calls.push(input);
      return { variables: { ref: `F-${1000 + calls.length}` } };
    },
  };
  return { actions, calls };
}

/** Texts per language for one extra namespace, written beside a copy of the real locales. */
export type ExtraTexts = Record<string, Record<(typeof shippedLanguages)[number], Record<string, string>>>;

/**
 * A temporary copy of `flows/` and `locales/` plus extra flow files and namespaces, so that tests
 * can add flows without touching the real ones.
 */
export function fixtureDirs(options: { flows?: Record<string, string>; texts?: ExtraTexts; realFlows?: boolean }) {
  const root = mkdtempSync(path.join(tmpdir(), "relais-engine-"));
  const fixtureFlows = path.join(root, "flows");
  const fixtureLocales = path.join(root, "locales");
  if (options.realFlows ?? true) cpSync(flowsDir, fixtureFlows, { recursive: true });
  else mkdirSync(fixtureFlows);
  cpSync(localesDir, fixtureLocales, { recursive: true });
  for (const [name, source] of Object.entries(options.flows ?? {})) {
    writeFileSync(path.join(fixtureFlows, `${name}.yaml`), source);
  }
  for (const [namespace, byLanguage] of Object.entries(options.texts ?? {})) {
    for (const [language, texts] of Object.entries(byLanguage)) {
      writeFileSync(path.join(fixtureLocales, language, `${namespace}.json`), JSON.stringify(texts));
    }
  }
  return { root, flowsDir: fixtureFlows, localesDir: fixtureLocales };
}

/** Builds an engine over a flows folder and a locales folder. */
export function engineFrom(
  dirs: { flowsDir: string; localesDir: string },
  actions: ActionRegistry,
  options: Partial<EngineOptions> = {},
  languages: readonly string[] = shippedLanguages,
): { engine: Engine; i18n: I18n } {
  const i18n = realI18n(dirs.localesDir, languages);
  const actionNames = allActionNames(actions, options.actionNames);
  const flows = loadFlows({ flowsDir: dirs.flowsDir, i18n, actionNames });
  return { engine: createEngine({ flows, i18n, actions, ...options, actionNames }), i18n };
}

/**
 * Plays the caller's part in tests: keeps the state and the contact between messages exactly as
 * the database layer would, and records everything sent.
 */
export class Chat {
  state: ConversationState | null = null;
  language: string | null = null;
  optedOut = false;
  events: MealEventDraft[] = [];
  now = new Date("2026-11-24T08:00:00Z");
  last: EngineResult | undefined;

  constructor(
    readonly engine: Engine,
    readonly channel: "sms" | "whatsapp" | "telegram" = "sms",
  ) {}

  /** Sends a text and returns the replies as SMS would show them. */
  async send(text: string): Promise<string[]> {
    return (await this.inbound({ kind: "text", text })).map(renderForSms);
  }

  async inbound(inbound: Inbound, options?: { expired?: boolean }): Promise<OutMessage[]> {
    const result = await this.engine.handle(
      {
        contact: { id: "contact-1", language: this.language, optedOut: this.optedOut },
        channel: this.channel,
        now: this.now,
      },
      this.state,
      inbound,
      options,
    );
    this.apply(result);
    return result.replies;
  }

  apply(result: EngineResult): void {
    this.last = result;
    this.state = result.state;
    if (result.contact?.language !== undefined) this.language = result.contact.language;
    if (result.contact?.optedOut !== undefined) this.optedOut = result.contact.optedOut;
    this.events.push(...result.events);
  }
}
