import { describe, expectTypeOf, it } from "vitest";
import type {
  ActionHandler,
  Condition,
  EngineResult,
  Flow,
  FlowInput,
  Inbound,
  OutMessage,
  StepInput,
  StepKind,
} from "../../src/engine/index.js";

describe("flow format (types)", () => {
  it("accepts a complete flow and applies defaults on the parsed type", () => {
    const flow: FlowInput = {
      start: "type",
      steps: {
        type: {
          kind: "menu",
          text: "feedback:type.prompt",
          result: "feedbackType",
          choices: [{ label: "feedback:type.thanks", value: "thanks", set: { sensitive: false }, next: "ask" }],
        },
        ask: { kind: "ask", input: "number", text: "test:age", min: 1, max: 120, next: "done", fallback: "done" },
        check: { kind: "branch", cases: [{ when: { var: "age", exists: true }, next: "done" }], else: "done" },
        save: { kind: "action", action: "feedback.create", outcomes: { ok: "done" }, saveAs: "feedback" },
        go: { kind: "goto", flow: "alert", ifMissing: "done", return: "done" },
        done: { kind: "end" },
      },
    };
    expectTypeOf(flow.expiresAfterHours).toEqualTypeOf<number | undefined>();
    expectTypeOf<Flow["expiresAfterHours"]>().toEqualTypeOf<number>();
    expectTypeOf<Flow["smsSegmentBudget"]>().toEqualTypeOf<number>();
    expectTypeOf<StepKind>().toEqualTypeOf<
      "message" | "menu" | "ask" | "branch" | "action" | "goto" | "end" | "language"
    >();
  });

  it("rejects malformed steps", () => {
    // @ts-expect-error a menu needs choices
    const noChoices: StepInput = { kind: "menu", text: "menu:main.prompt" };
    // @ts-expect-error unknown step kind
    const unknownKind: StepInput = { kind: "teleport", text: "menu:main.prompt", next: "a" };
    // @ts-expect-error a choice needs a next step
    const choiceWithoutNext: StepInput = { kind: "menu", text: "a:b", choices: [{ label: "a:c" }] };
    // @ts-expect-error min belongs to number questions only
    const textWithMin: StepInput = { kind: "ask", input: "text", text: "a:b", next: "c", min: 1 };
    // @ts-expect-error unknown input kind
    const unknownInput: StepInput = { kind: "ask", input: "colour", text: "a:b", next: "c" };
    // @ts-expect-error a message needs a next step
    const messageWithoutNext: StepInput = { kind: "message", text: "a:b" };
    // @ts-expect-error an end step has no next
    const endWithNext: StepInput = { kind: "end", next: "a" };
    // @ts-expect-error a goto needs a flow
    const gotoWithoutFlow: StepInput = { kind: "goto", return: "a" };
    // @ts-expect-error a branch needs an else
    const branchWithoutElse: StepInput = { kind: "branch", cases: [{ when: { var: "a", exists: true }, next: "b" }] };
    // @ts-expect-error choices set scalars, not objects
    const setObject: StepInput = { kind: "menu", text: "a:b", choices: [{ label: "a:c", next: "d", set: { x: {} } }] };
    void [noChoices, unknownKind, choiceWithoutNext, textWithMin, unknownInput, messageWithoutNext];
    void [endWithNext, gotoWithoutFlow, branchWithoutElse, setObject];
  });

  it("rejects a flow without start or steps, and unknown conditions", () => {
    // @ts-expect-error a flow needs a start step
    const noStart: FlowInput = { steps: {} };
    // @ts-expect-error unknown settings are errors
    const typo: FlowInput = { start: "a", steps: {}, expiresAfterHour: 2 };
    // @ts-expect-error conditions are equals / in / exists / not / all / any
    const greater: Condition = { var: "age", greaterThan: 3 };
    void [noStart, typo, greater];
  });

  it("pins the engine's inputs and outputs", () => {
    // @ts-expect-error a text inbound carries its text
    const noText: Inbound = { kind: "text" };
    const pin: Inbound = { kind: "location", latitude: -5.9, longitude: 29.2 };
    void [noText, pin];
    expectTypeOf<EngineResult["replies"]>().toEqualTypeOf<OutMessage[]>();
    expectTypeOf<OutMessage["choices"]>().toEqualTypeOf<{ value: string; label: string }[] | undefined>();
    expectTypeOf<ReturnType<ActionHandler>>().toEqualTypeOf<
      Promise<{ outcome?: string; variables?: Record<string, import("../../src/engine/index.js").JsonValue> }>
    >();
  });
});
