import type { CountryCode } from "libphonenumber-js";
import { engineTexts } from "./engineTexts.js";
import { ActionError, type FlowIssue, FlowValidationError, StepLoopError, UnknownFlowError } from "./errors.js";
import { evaluateCondition } from "./evaluateCondition.js";
import type { ActionStep, AskStep, InputStep, Step } from "./flowSchema.js";
import { foldText } from "./foldText.js";
import type { I18n } from "./i18n.js";
import { type Keyword, matchKeyword } from "./keywords.js";
import type { FlowSet } from "./loadFlows.js";
import { parseAnswer } from "./parseAnswer.js";
import { parseChoice } from "./parseChoice.js";
import { choiceValue, isInputStep, type RenderScope, stepChoices, stepPrompt, stepReprompt } from "./stepMessages.js";
import type {
  ActionRegistry,
  ContactPatch,
  ConversationState,
  EngineContext,
  EngineResult,
  Inbound,
  JsonValue,
  MealEventDraft,
  OutMessage,
  StackFrame,
} from "./types.js";

/** The flows the engine opens by itself. */
export interface EntryFlows {
  /** For a contact without a language: greeting and language choice. */
  welcome: string;
  /** The main menu (MENU, START, and any message outside a conversation). */
  menu: string;
  /** The language choice (LANGUE / LANGUAGE / LUGHA). */
  language: string;
  /** Opened by ALERTE / ALERT / TAHADHARI when loaded; otherwise an honest "not available yet". */
  alert: string;
}

/** Options of {@link createEngine}. */
export interface EngineOptions {
  flows: FlowSet;
  i18n: I18n;
  /** Default action handlers; a call can pass its own (e.g. bound to its database transaction). */
  actions?: ActionRegistry;
  /** Names of actions supplied per call through `HandleOptions.actions` rather than `actions`. */
  actionNames?: readonly string[];
  /** Language for contacts without one; defaults to the i18n fallback. */
  defaultLanguage?: string;
  /** Region for phone numbers written without `+country`; default `CD`. */
  defaultRegion?: CountryCode;
  /** Time zone in which "today" is read for dates; default `Africa/Lubumbashi` (eastern DR Congo). */
  timeZone?: string;
  /** Steps one call may run without waiting for a reply before failing with {@link StepLoopError}; default 50. */
  maxSteps?: number;
  entryFlows?: Partial<EntryFlows>;
}

/** Options of {@link Engine.handle}. */
export interface HandleOptions {
  /** The caller found `state` expired: it is ended and the message starts fresh after a short note. */
  expired?: boolean;
  /** Action handlers for this call (e.g. bound to the caller's transaction); default: the engine's. */
  actions?: ActionRegistry;
}

/** Options of {@link Engine.start}. */
export interface StartOptions {
  /** Variables the flow starts with (e.g. the referral a follow-up is about). */
  variables?: Record<string, JsonValue>;
  /** Action handlers for this call; default: the engine's. */
  actions?: ActionRegistry;
}

/** Per-flow settings the caller needs to persist a conversation. */
export interface FlowSettings {
  expiresAfterHours: number;
  sensitive: boolean;
  anonymous: boolean;
}

/** The conversation engine: pure, async functions of (context, state, inbound) to an {@link EngineResult}. */
export interface Engine {
  /**
   * Handles one inbound message. Keywords come first (STOP, START, MENU, AIDE, LANGUE, ALERTE), then
   * the reply to the current step; without a conversation, the message opens the welcome flow (contact
   * without language) or the main menu. While the contact is opted out, only START gets an answer.
   */
  handle(
    ctx: EngineContext,
    state: ConversationState | null,
    inbound: Inbound,
    options?: HandleOptions,
  ): Promise<EngineResult>;
  /** Starts `flowId` fresh (a follow-up, a missed call). Sends nothing to an opted-out contact. */
  start(ctx: EngineContext, flowId: string, options?: StartOptions): Promise<EngineResult>;
  hasFlow(flowId: string): boolean;
  flowIds(): string[];
  /** Hours after which a conversation in this flow expires (`expiresAfterHours`, default 24). */
  flowExpiryHours(flowId: string): number;
  flowSettings(flowId: string): FlowSettings;
  /** The short note that opens a fresh conversation after an expired one, in the contact's language. */
  expiredNote(language: string | null, flowId?: string): OutMessage;
}

type EndReason = "completed" | "stop" | "interrupted" | "expired" | "gave_up" | "stale";

/** Accumulates what one call produces. */
interface Run {
  ctx: EngineContext;
  actions: ActionRegistry;
  language: string;
  replies: OutMessage[];
  events: MealEventDraft[];
  contact: ContactPatch;
  steps: number;
  /** Steps run since the last reply was awaited, for the loop guard. */
  chained: number;
}

/** A position plus the data that travels with it. */
interface Cursor {
  flowId: string;
  stepId: string;
  variables: Record<string, JsonValue>;
  stack: StackFrame[];
}

const defaultMaxAttempts = 3;

/**
 * Creates the conversation engine over loaded flows, texts and domain actions. Checks that the
 * entry flows exist and that every action the flows use is in `actions` or `actionNames`.
 *
 * @example
 * ```ts
 * const engine = createEngine({ flows, i18n, actions: { "feedback.create": createFeedback } });
 * const result = await engine.handle(
 *   { contact: { id, language: null, optedOut: false }, channel: "sms", now: new Date() },
 *   null,
 *   { kind: "text", text: "bonjour" },
 * );
 * // persist result.state, result.contact, result.events; send result.replies
 * ```
 */
export function createEngine(options: EngineOptions): Engine {
  const { flows, i18n } = options;
  const defaultActions: ActionRegistry = options.actions ?? {};
  const knownActions = new Set([...Object.keys(defaultActions), ...(options.actionNames ?? [])]);
  const defaultLanguage = i18n.resolveLanguage(options.defaultLanguage ?? i18n.fallback);
  const defaultRegion = options.defaultRegion ?? "CD";
  const timeZone = options.timeZone ?? "Africa/Lubumbashi";
  const maxSteps = options.maxSteps ?? 50;
  const entry: EntryFlows = {
    welcome: "welcome",
    menu: "menu",
    language: "language",
    alert: "alert",
    ...options.entryFlows,
  };
  checkSetup();

  function checkSetup(): void {
    const issues: FlowIssue[] = [];
    for (const id of [entry.welcome, entry.menu, entry.language]) {
      if (!flows.has(id)) issues.push({ file: `${id}.yaml`, problem: `flow "${id}" is required by the engine` });
    }
    for (const { file, flow } of flows.values()) {
      for (const [stepId, step] of Object.entries(flow.steps)) {
        if (step.kind === "action" && !knownActions.has(step.action)) {
          issues.push({ file, stepId, problem: `action "${step.action}" has no handler` });
        }
      }
    }
    if (issues.length > 0) throw new FlowValidationError(issues);
  }

  function getFlow(flowId: string) {
    const loaded = flows.get(flowId);
    if (!loaded) throw new UnknownFlowError(flowId);
    return loaded.flow;
  }

  function stepAt(flowId: string, stepId: string): Step | undefined {
    return flows.get(flowId)?.flow.steps[stepId];
  }

  function newRun(ctx: EngineContext, actions: ActionRegistry = defaultActions): Run {
    const language = i18n.resolveLanguage(ctx.contact.language ?? defaultLanguage);
    return { ctx, actions, language, replies: [], events: [], contact: {}, steps: 0, chained: 0 };
  }

  function scope(run: Run, variables: Readonly<Record<string, JsonValue>>): RenderScope {
    return { i18n, language: run.language, vars: variables };
  }

  function say(run: Run, key: string, vars: Readonly<Record<string, JsonValue>> = {}): void {
    run.replies.push({ text: i18n.t(run.language, key, vars) });
  }

  function event(run: Run, type: MealEventDraft["type"], flowId: string | null, data: Record<string, JsonValue> = {}) {
    run.events.push({ type, flowId, data });
  }

  function finish(run: Run, state: ConversationState | null): EngineResult {
    const expiresAt = state ? new Date(run.ctx.now.getTime() + flowExpiryHours(state.flowId) * 3_600_000) : null;
    const result: EngineResult = { state, expiresAt, replies: run.replies, events: run.events, steps: run.steps };
    if (Object.keys(run.contact).length > 0) result.contact = run.contact;
    return result;
  }

  function endConversation(run: Run, state: ConversationState | null, reason: EndReason): void {
    if (state) event(run, "conversation.ended", state.flowId, { reason });
  }

  /** Opens a flow at its start: a `conversation.started` event, then its steps until a reply is awaited. */
  async function openFlow(
    run: Run,
    flowId: string,
    trigger: Record<string, JsonValue>,
    variables: Record<string, JsonValue> = {},
  ): Promise<ConversationState | null> {
    const flow = getFlow(flowId);
    event(run, "conversation.started", flowId, trigger);
    return advance(run, { flowId, stepId: flow.start, variables: { ...variables }, stack: [] });
  }

  /** The flow a contact lands on outside a conversation. */
  function entryFlowFor(run: Run): string {
    return run.ctx.contact.language === null && run.contact.language === undefined ? entry.welcome : entry.menu;
  }

  /** Runs steps from `cursor` until one waits for a reply (returns its state) or the conversation ends (null). */
  async function advance(run: Run, start: Cursor): Promise<ConversationState | null> {
    const cursor: Cursor = { ...start, variables: { ...start.variables }, stack: [...start.stack] };
    for (;;) {
      run.steps += 1;
      run.chained += 1;
      if (run.chained > maxSteps) throw new StepLoopError(cursor.flowId, cursor.stepId, maxSteps);
      const flow = getFlow(cursor.flowId);
      const step = flow.steps[cursor.stepId];
      if (!step) throw new UnknownFlowError(`${cursor.flowId}#${cursor.stepId}`);
      switch (step.kind) {
        case "message":
          pushPrompt(run, step, cursor.variables);
          cursor.stepId = step.next;
          break;
        case "menu":
        case "ask":
        case "language":
          pushPrompt(run, step, cursor.variables);
          run.chained = 0;
          return { ...cursor, attempts: 0 };
        case "branch": {
          const match = step.cases.find((branchCase) => evaluateCondition(branchCase.when, cursor.variables));
          cursor.stepId = match ? match.next : step.else;
          break;
        }
        case "action":
          cursor.stepId = await runAction(run, step, cursor, flow);
          break;
        case "goto": {
          const target = flows.get(step.flow);
          if (!target) {
            // Validation only lets a missing flow through when ifMissing is set.
            if (step.ifMissing === undefined) throw new UnknownFlowError(step.flow);
            cursor.stepId = step.ifMissing;
            break;
          }
          if (step.return !== undefined) cursor.stack.push({ flowId: cursor.flowId, stepId: step.return });
          cursor.flowId = step.flow;
          cursor.stepId = step.step ?? target.flow.start;
          break;
        }
        case "end": {
          pushPrompt(run, step, cursor.variables);
          const frame = popValidFrame(cursor.stack);
          if (!frame) {
            event(run, "conversation.ended", cursor.flowId, { reason: "completed" });
            return null;
          }
          cursor.flowId = frame.flowId;
          cursor.stepId = frame.stepId;
          break;
        }
      }
    }
  }

  function popValidFrame(stack: StackFrame[]): StackFrame | undefined {
    // A frame left by an older version of the flows may point nowhere: skip it rather than fail.
    for (let frame = stack.pop(); frame; frame = stack.pop()) {
      if (stepAt(frame.flowId, frame.stepId)) return frame;
    }
    return undefined;
  }

  function pushPrompt(run: Run, step: Step, variables: Readonly<Record<string, JsonValue>>): void {
    const message = stepPrompt(step, scope(run, variables));
    if (message) run.replies.push(message);
  }

  async function runAction(run: Run, step: ActionStep, cursor: Cursor, flow: ReturnType<typeof getFlow>) {
    const handler = run.actions[step.action];
    if (!handler) throw new ActionError("action_missing", step.action, cursor.flowId, cursor.stepId, "no handler");
    let output: Awaited<ReturnType<typeof handler>>;
    try {
      output = await handler({
        variables: { ...cursor.variables },
        contact: run.ctx.contact,
        channel: run.ctx.channel,
        language: run.language,
        now: run.ctx.now,
        flow: { id: cursor.flowId, stepId: cursor.stepId, sensitive: flow.sensitive, anonymous: flow.anonymous },
      });
    } catch (error) {
      if (step.onError !== undefined) return step.onError;
      throw new ActionError("action_failed", step.action, cursor.flowId, cursor.stepId, "failed", { cause: error });
    }
    if (output.variables) {
      if (step.saveAs !== undefined) cursor.variables[step.saveAs] = output.variables;
      else Object.assign(cursor.variables, output.variables);
    }
    const byOutcome = output.outcome === undefined ? undefined : step.outcomes?.[output.outcome];
    const next = byOutcome ?? step.next;
    if (next === undefined) {
      const problem = `outcome "${output.outcome ?? "(none)"}" has no next step`;
      throw new ActionError("action_outcome", step.action, cursor.flowId, cursor.stepId, problem);
    }
    return next;
  }

  /** Reads the reply to the current input step; advances, re-prompts, or falls back. */
  async function answer(run: Run, state: ConversationState, step: InputStep, inbound: Inbound) {
    const cursor: Cursor = {
      flowId: state.flowId,
      stepId: state.stepId,
      variables: { ...state.variables },
      stack: [...state.stack],
    };
    run.steps += 1;
    const accepted = readReply(run, step, cursor, inbound);
    if (accepted !== null) return advance(run, { ...cursor, stepId: accepted });
    const attempts = state.attempts + 1;
    if (attempts >= (step.maxAttempts ?? defaultMaxAttempts)) {
      if (step.fallback !== undefined) return advance(run, { ...cursor, stepId: step.fallback });
      say(run, engineTexts.giveUp);
      endConversation(run, state, "gave_up");
      return null;
    }
    run.replies.push(stepReprompt(step, scope(run, cursor.variables)));
    return { ...cursor, attempts };
  }

  /** Applies a valid reply to `cursor` (variables, results, language) and returns the next step id, or null. */
  function readReply(run: Run, step: InputStep, cursor: Cursor, inbound: Inbound): string | null {
    const text = inbound.kind === "text" ? inbound.text : null;
    switch (step.kind) {
      case "menu": {
        if (text === null) return null;
        const labels = stepChoices(step, scope(run, cursor.variables)).map((choice) => choice.label);
        const parsed = parseChoice(text, labels);
        const choice = parsed.status === "ok" ? step.choices[parsed.index] : undefined;
        if (!choice) return null;
        Object.assign(cursor.variables, choice.set ?? {});
        recordResult(run, cursor, step.result, choiceValue(choice));
        return choice.next;
      }
      case "language": {
        if (text === null) return null;
        const code = pickLanguage(text);
        if (code === null) return null;
        run.language = code;
        run.contact.language = code;
        event(run, "language.set", cursor.flowId, { language: code });
        recordResult(run, cursor, step.result, code);
        return step.next;
      }
      case "ask": {
        const parsed = parseAnswer(step, inbound, {
          defaultRegion,
          timeZone,
          now: run.ctx.now,
          yesNoLabels: [i18n.t(run.language, engineTexts.yes), i18n.t(run.language, engineTexts.no)],
        });
        if (parsed.status === "invalid") return null;
        recordResult(run, cursor, step.result, parsed.value, step);
        return step.next;
      }
    }
  }

  function pickLanguage(text: string): string | null {
    const folded = foldText(text);
    const byCode = i18n.languages.find((code) => code === folded);
    if (byCode) return byCode;
    const labels = i18n.languages.map((code) => i18n.t(code, engineTexts.languageName));
    const parsed = parseChoice(text, labels);
    return parsed.status === "ok" ? (i18n.languages[parsed.index] ?? null) : null;
  }

  /** Stores a collected value and reports it to MEAL, without free text, phone numbers or places. */
  function recordResult(run: Run, cursor: Cursor, name: string | undefined, value: JsonValue, step?: AskStep) {
    if (name === undefined) return;
    cursor.variables[name] = value;
    const data: Record<string, JsonValue> = { step: cursor.stepId, name };
    if (step?.input === "text") data.free_text = true;
    else if (step?.input === "phone" || step?.input === "location") data.withheld = true;
    else data.value = value;
    event(run, "flow.result", cursor.flowId, data);
  }

  /** Re-sends the prompt of the step the conversation waits on (after AIDE, or an unavailable ALERTE). */
  function repeatPrompt(run: Run, state: ConversationState | null): void {
    if (!state) return;
    const step = stepAt(state.flowId, state.stepId);
    if (step) pushPrompt(run, step, state.variables);
  }

  async function onKeyword(run: Run, state: ConversationState | null, keyword: Keyword) {
    const trigger = { trigger: "keyword", keyword };
    switch (keyword) {
      case "stop":
        say(run, engineTexts.stopConfirmed);
        run.contact.optedOut = true;
        event(run, "contact.opted_out", state?.flowId ?? null);
        endConversation(run, state, "stop");
        return null;
      case "start":
        endConversation(run, state, "interrupted");
        return openFlow(run, entryFlowFor(run), trigger);
      case "menu":
        endConversation(run, state, "interrupted");
        return openFlow(run, entry.menu, trigger);
      case "language":
        endConversation(run, state, "interrupted");
        return openFlow(run, entry.language, trigger);
      case "help":
        say(run, engineTexts.help);
        repeatPrompt(run, state);
        return state;
      case "alert":
        if (flows.has(entry.alert)) {
          endConversation(run, state, "interrupted");
          return openFlow(run, entry.alert, trigger);
        }
        say(run, engineTexts.alertUnavailable);
        if (state) {
          repeatPrompt(run, state);
          return state;
        }
        return openFlow(run, entry.menu, trigger);
    }
  }

  async function handle(
    ctx: EngineContext,
    givenState: ConversationState | null,
    inbound: Inbound,
    handleOptions: HandleOptions = {},
  ): Promise<EngineResult> {
    const run = newRun(ctx, handleOptions.actions);
    const keyword = inbound.kind === "text" ? matchKeyword(inbound.text) : null;
    const opensSession = keyword === "start" || inbound.kind === "start";
    if (ctx.contact.optedOut) {
      // Opted out: nothing at all is sent until START (or a /start link or a missed call).
      if (!opensSession) return finish(run, givenState);
      run.contact.optedOut = false;
      event(run, "contact.opted_in", givenState?.flowId ?? null);
      say(run, engineTexts.startResumed);
    }
    let state = givenState;
    if (state && handleOptions.expired) {
      endConversation(run, state, "expired");
      // STOP gets its confirmation alone: the note would only cost one more SMS.
      if (keyword !== "stop") run.replies.push(expiredNote(run.language, state.flowId));
      state = null;
    }
    const current = state ? stepAt(state.flowId, state.stepId) : undefined;
    if (state && (!current || !isInputStep(current))) {
      // The flows changed under a live conversation: start fresh rather than guess.
      endConversation(run, state, "stale");
      run.replies.push(expiredNote(run.language, state.flowId));
      state = null;
    }
    let next: ConversationState | null;
    if (keyword) next = await onKeyword(run, state, keyword);
    else if (inbound.kind === "start") {
      endConversation(run, state, "interrupted");
      const wanted = inbound.flowId !== undefined && flows.has(inbound.flowId) ? inbound.flowId : entryFlowFor(run);
      next = await openFlow(run, wanted, { trigger: "start" });
    } else if (state && current && isInputStep(current)) next = await answer(run, state, current, inbound);
    else next = await openFlow(run, entryFlowFor(run), { trigger: "message" });
    return finish(run, next);
  }

  async function start(ctx: EngineContext, flowId: string, startOptions: StartOptions = {}): Promise<EngineResult> {
    getFlow(flowId);
    const run = newRun(ctx, startOptions.actions);
    if (ctx.contact.optedOut) return finish(run, null);
    return finish(run, await openFlow(run, flowId, { trigger: "caller" }, startOptions.variables));
  }

  function flowExpiryHours(flowId: string): number {
    return getFlow(flowId).expiresAfterHours;
  }

  function expiredNote(language: string | null, flowId?: string): OutMessage {
    const hours = flowId !== undefined && flows.has(flowId) ? flowExpiryHours(flowId) : 24;
    return { text: i18n.t(i18n.resolveLanguage(language ?? defaultLanguage), engineTexts.expired, { count: hours }) };
  }

  return {
    handle,
    start,
    hasFlow: (flowId) => flows.has(flowId),
    flowIds: () => [...flows.keys()],
    flowExpiryHours,
    flowSettings: (flowId) => {
      const { expiresAfterHours, sensitive, anonymous } = getFlow(flowId);
      return { expiresAfterHours, sensitive, anonymous };
    },
    expiredNote,
  };
}
