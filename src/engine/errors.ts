/** Codes of the engine's faults, for logs and for mapping to a retry decision in one place. */
export type EngineErrorCode =
  | "flow_invalid"
  | "i18n_load"
  | "unknown_flow"
  | "step_loop"
  | "action_failed"
  | "action_outcome"
  | "action_missing";

/**
 * Base class of the engine's faults. Expected outcomes (an invalid reply, an unknown keyword) are
 * values, never errors: an `EngineError` means the flows, the texts or the code are wrong.
 */
export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "EngineError";
  }
}

/** One problem found in a flow file. */
export interface FlowIssue {
  /** Path as shown to people, e.g. `flows/feedback.yaml`. */
  file: string;
  stepId?: string;
  problem: string;
}

/** Formats an issue as `flows/feedback.yaml: step "ask_text": next "nope" is not a step of this flow`. */
export function formatFlowIssue(issue: FlowIssue): string {
  return issue.stepId === undefined
    ? `${issue.file}: ${issue.problem}`
    : `${issue.file}: step "${issue.stepId}": ${issue.problem}`;
}

/** Thrown when flows fail validation; `issues` lists every problem, the message shows them one per line. */
export class FlowValidationError extends EngineError {
  constructor(readonly issues: readonly FlowIssue[]) {
    super("flow_invalid", `invalid flows:\n${issues.map(formatFlowIssue).join("\n")}`);
    this.name = "FlowValidationError";
  }
}

/** Thrown when `locales/` cannot be loaded. */
export class I18nLoadError extends EngineError {
  constructor(message: string) {
    super("i18n_load", message);
    this.name = "I18nLoadError";
  }
}

/** Thrown when a caller starts a flow that is not loaded. */
export class UnknownFlowError extends EngineError {
  constructor(readonly flowId: string) {
    super("unknown_flow", `flow "${flowId}" is not loaded`);
    this.name = "UnknownFlowError";
  }
}

/** Thrown when auto-advancing steps (message, branch, action, goto) run more than the guard allows in one call. */
export class StepLoopError extends EngineError {
  constructor(
    readonly flowId: string,
    readonly stepId: string,
    readonly limit: number,
  ) {
    super("step_loop", `more than ${limit} steps without waiting for a reply (at ${flowId}/${stepId})`);
    this.name = "StepLoopError";
  }
}

/** Thrown when an action fails and its step has no `onError`, or returns an outcome with no next step. */
export class ActionError extends EngineError {
  constructor(
    code: "action_failed" | "action_outcome" | "action_missing",
    readonly action: string,
    readonly flowId: string,
    readonly stepId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, `action "${action}" at ${flowId}/${stepId}: ${message}`, options);
    this.name = "ActionError";
  }
}
