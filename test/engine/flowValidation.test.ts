import { describe, expect, it } from "vitest";
import {
  buildFlowSet,
  createEngine,
  createI18n,
  type FlowSource,
  FlowValidationError,
  formatFlowIssue,
} from "../../src/engine/index.js";
import { fixtureDirs, realI18n } from "./support.js";

const i18n = realI18n();
const actionNames = ["feedback.create"];

function source(name: string, yaml: string): FlowSource {
  return { name: `${name}.yaml`, file: `flows/${name}.yaml`, source: yaml };
}

/** Validates the given flows and returns the formatted problems ([] when valid). */
function problems(sources: FlowSource[], names: readonly string[] = actionNames, texts = i18n): string[] {
  try {
    buildFlowSet(sources, { i18n: texts, actionNames: names });
    return [];
  } catch (error) {
    if (!(error instanceof FlowValidationError)) throw error;
    return error.issues.map(formatFlowIssue);
  }
}

const feedback = (steps: string, extra = "") => source("feedback", `start: ask_text\n${extra}steps:\n${steps}`);

const validAsk = `  ask_text:
    kind: ask
    input: text
    text: feedback:text.prompt
    next: done
  done:
    kind: end
`;

describe("flow validation names the file, the step and the problem", () => {
  it("accepts a valid flow", () => {
    expect(problems([feedback(validAsk)])).toEqual([]);
  });

  it("a next that is not a step", () => {
    expect(problems([feedback(validAsk.replace("next: done", "next: nope"))])).toEqual([
      'flows/feedback.yaml: step "ask_text": next "nope" is not a step of this flow',
    ]);
  });

  it("a start that is not a step", () => {
    expect(problems([source("feedback", `start: nowhere\nsteps:\n${validAsk}`)])).toEqual([
      'flows/feedback.yaml: start "nowhere" is not a step of this flow',
    ]);
  });

  it("a menu choice, a branch case and an action outcome pointing nowhere", () => {
    const steps = `  ask_text:
    kind: menu
    text: feedback:type.prompt
    choices:
      - { label: feedback:type.thanks, next: done }
      - { label: feedback:type.complaint, next: gone }
  check:
    kind: branch
    cases:
      - { when: { var: sensitive, equals: true }, next: lost }
    else: done
  save:
    kind: action
    action: feedback.create
    outcomes: { ok: done, none: missing }
  done:
    kind: end
`;
    expect(problems([feedback(steps)])).toEqual([
      'flows/feedback.yaml: step "ask_text": choices[1].next "gone" is not a step of this flow',
      'flows/feedback.yaml: step "check": cases[0].next "lost" is not a step of this flow',
      'flows/feedback.yaml: step "save": outcomes.none "missing" is not a step of this flow',
    ]);
  });

  it("a goto to a flow that does not exist, unless ifMissing is set", () => {
    const steps = `${validAsk}  go:
    kind: goto
    flow: orientation
  go_soft:
    kind: goto
    flow: orientation
    ifMissing: done
`;
    expect(problems([feedback(steps)])).toEqual([
      'flows/feedback.yaml: step "go": flow "orientation" does not exist (add ifMissing to allow that)',
    ]);
  });

  it("a goto entry step that the target flow does not have", () => {
    const other = source("other", "start: a\nsteps:\n  a:\n    kind: end\n");
    const steps = `${validAsk}  go:
    kind: goto
    flow: other
    step: b
`;
    expect(problems([feedback(steps), other])).toEqual([
      'flows/feedback.yaml: step "go": step "b" is not a step of flow "other"',
    ]);
  });

  it("an action that is not registered", () => {
    const steps = `${validAsk}  save:
    kind: action
    action: alert.create
    next: done
`;
    expect(problems([feedback(steps)])).toEqual([
      'flows/feedback.yaml: step "save": action "alert.create" is not registered (registered: feedback.create)',
    ]);
  });

  it("a text key that no language has", () => {
    expect(problems([feedback(validAsk.replace("feedback:text.prompt", "feedback:text.nope"))])).toEqual([
      'flows/feedback.yaml: step "ask_text": text "feedback:text.nope" is missing in fr, en, sw',
    ]);
  });

  it("a text key missing in one shipped language", () => {
    const dirs = fixtureDirs({
      realFlows: false,
      texts: { extra: { fr: { hello: "Bonjour" }, en: { hello: "Hello" }, sw: {} } },
    });
    const texts = createI18n({ localesDir: dirs.localesDir, languages: ["fr", "en", "sw"], fallback: "fr" });
    const flow = source("extra", "start: hi\nsteps:\n  hi:\n    kind: end\n    text: extra:hello\n");
    expect(problems([flow], actionNames, texts)).toEqual([
      'flows/extra.yaml: step "hi": text "extra:hello" is missing in sw',
    ]);
  });

  it("a message over the flow's SMS budget, with language, key and count", () => {
    const steps = `  ask_text:
    kind: message
    text: information:content.cls
    next: done
  done:
    kind: end
`;
    const found = problems([feedback(steps, "smsSegmentBudget: 1\n")]);
    expect(found).toHaveLength(3);
    expect(found[0]).toMatch(
      /^flows\/feedback\.yaml: step "ask_text": "information:content\.cls" in fr takes 2 SMS segments \(GSM-7, \d+ units\), budget is 1$/,
    );
    expect(found.map((problem) => problem.match(/ in (\w\w) takes/)?.[1])).toEqual(["fr", "en", "sw"]);
  });

  it("counts a menu with its numbered choices, as SMS shows it", () => {
    // Each text alone fits one segment; with the choices appended the menu needs two.
    const steps = `  ask_text:
    kind: menu
    text: feedback:type.prompt
    choices:
      - { label: feedback:type.thanks, next: done }
      - { label: feedback:type.suggestion, next: done }
      - { label: feedback:type.complaint, next: done }
      - { label: feedback:type.sensitive, next: done }
      - { label: feedback:type.mainMenu, next: done }
  done:
    kind: end
`;
    expect(
      problems([feedback(steps, "smsSegmentBudget: 1\n")]).some((p) =>
        p.includes('"feedback:type.prompt" in en takes 2'),
      ),
    ).toBe(true);
    expect(problems([feedback(steps)])).toEqual([]);
  });

  it("uses sampleVars for interpolation when counting", () => {
    const steps = `  ask_text:
    kind: end
    text: feedback:done
`;
    const long = `sampleVars:\n  ref: "${"R".repeat(300)}"\n`;
    expect(problems([feedback(steps, long)]).length).toBeGreaterThan(0);
    expect(problems([feedback(steps, 'sampleVars:\n  ref: "F-1001"\n')])).toEqual([]);
  });

  it("shape errors from the schema name the step and the field", () => {
    expect(problems([feedback("  ask_text:\n    kind: menu\n    text: feedback:type.prompt\n")])).toEqual([
      'flows/feedback.yaml: step "ask_text": choices: Invalid input: expected array, received undefined',
    ]);
    expect(problems([feedback("  ask_text:\n    kind: teleport\n")])[0]).toMatch(
      /^flows\/feedback\.yaml: step "ask_text": kind: Invalid discriminator value/,
    );
    expect(problems([feedback(`${validAsk}  Bad-Id:\n    kind: end\n`)])).toEqual([
      'flows/feedback.yaml: step "Bad-Id": is not a valid step id (lowercase letters, digits and _)',
    ]);
    expect(problems([feedback(validAsk.replace("    next: done", "    next: done\n    colour: red"))])).toEqual([
      'flows/feedback.yaml: step "ask_text": Unrecognized key: "colour"',
    ]);
  });

  it("invalid YAML names the file", () => {
    expect(problems([source("feedback", "start: [\n")])[0]).toMatch(/^flows\/feedback\.yaml: invalid YAML: /);
  });

  it("the error message lists every problem, one per line", () => {
    const error = (() => {
      try {
        buildFlowSet([feedback(validAsk.replace("next: done", "next: nope"))], { i18n, actionNames });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(FlowValidationError);
    expect(String(error)).toContain('flows/feedback.yaml: step "ask_text": next "nope" is not a step of this flow');
  });

  it("createEngine refuses flows whose actions have no handler, and missing entry flows", () => {
    const flows = buildFlowSet(
      [feedback(`${validAsk}  save:\n    kind: action\n    action: feedback.create\n    next: done\n`)],
      { i18n, actionNames },
    );
    expect(() => createEngine({ flows, i18n, actions: {} })).toThrow(
      /flow "welcome" is required by the engine[\s\S]*step "save": action "feedback.create" has no handler/,
    );
  });
});
