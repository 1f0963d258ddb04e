import { describe, expect, it } from "vitest";
import {
  ActionError,
  type ActionRegistry,
  parseChoice,
  renderForTelegram,
  StepLoopError,
} from "../../src/engine/index.js";
import { Chat, type ExtraTexts, engineFrom, fakeFeedbackActions, fixtureDirs } from "./support.js";

/** Short texts for the test flows, in every shipped language. */
const texts: ExtraTexts = {
  test: {
    fr: {
      age: "Votre âge?",
      skipped: "Tant pis.",
      thanks: "Merci {{ref}}.",
      where: "Où?",
      phone: "Numéro?",
      hi: "Salut",
    },
    en: {
      age: "Your age?",
      skipped: "Never mind.",
      thanks: "Thanks {{ref}}.",
      where: "Where?",
      phone: "Number?",
      hi: "Hi",
    },
    sw: {
      age: "Umri wako?",
      skipped: "Haidhuru.",
      thanks: "Asante {{ref}}.",
      where: "Wapi?",
      phone: "Namba?",
      hi: "Jambo",
    },
  },
};

const survey = `start: age
steps:
  age:
    kind: ask
    input: number
    text: test:age
    min: 1
    max: 120
    integer: true
    result: age
    maxAttempts: 2
    fallback: skipped
    next: thanks
  skipped:
    kind: message
    text: test:skipped
    next: thanks
  thanks:
    kind: end
    text: test:thanks
`;

const actionsFlow = `start: lookup
steps:
  lookup:
    kind: action
    action: directory.find
    saveAs: found
    outcomes: { ok: ok, none: none }
    onError: broken
  ok:
    kind: end
    text: test:thanks
  none:
    kind: end
    text: test:skipped
  broken:
    kind: end
    text: test:hi
`;

const strictAction = `start: go
steps:
  go:
    kind: action
    action: directory.find
    outcomes: { ok: done }
  done:
    kind: end
`;

const parent = `start: call
steps:
  call:
    kind: goto
    flow: child
    return: after
  after:
    kind: branch
    cases:
      - when: { all: [{ var: age, exists: true }, { not: { var: age, in: [1, 2] } }] }
        next: adult
    else: done
  adult:
    kind: message
    text: test:hi
    next: done
  done:
    kind: end
    text: test:thanks
`;

const child = `start: age
steps:
  age:
    kind: ask
    input: number
    text: test:age
    result: age
    next: bye
  bye:
    kind: end
    text: test:skipped
`;

const loop = `start: a
steps:
  a:
    kind: message
    text: test:hi
    next: b
  b:
    kind: branch
    cases:
      - { when: { var: never, exists: true }, next: c }
    else: a
  c:
    kind: end
`;

const alert = `start: where
steps:
  where:
    kind: ask
    input: location
    text: test:where
    result: place
    next: phone
  phone:
    kind: ask
    input: phone
    text: test:phone
    result: callback
    next: done
  done:
    kind: end
`;

function fixtureEngine(flows: Record<string, string>, extraActions: ActionRegistry = {}) {
  const dirs = fixtureDirs({ flows, texts });
  const { actions, calls } = fakeFeedbackActions();
  const { engine } = engineFrom(dirs, { ...actions, ...extraActions });
  return { engine, calls };
}

describe("ask steps", () => {
  it("re-prompt, then the fallback step after maxAttempts", async () => {
    const { engine } = fixtureEngine({ survey });
    const chat = new Chat(engine);
    chat.language = "en";
    chat.apply(
      await engine.start(
        { contact: { id: "c", language: "en", optedOut: false }, channel: "sms", now: chat.now },
        "survey",
        { variables: { ref: "X1" } },
      ),
    );
    expect(chat.last?.replies).toEqual([{ text: "Your age?" }]);
    expect(await chat.send("old")).toEqual(["Sorry, we did not understand. Send a number, for example 3."]);
    expect(chat.state).toMatchObject({ stepId: "age", attempts: 1 });
    expect(await chat.send("200")).toEqual(["Never mind.", "Thanks X1."]);
    expect(chat.state).toBeNull();
    expect(chat.events.some((event) => event.type === "flow.result")).toBe(false);
  });

  it("a valid number is stored and reported with its value", async () => {
    const { engine } = fixtureEngine({ survey });
    const chat = new Chat(engine);
    chat.language = "fr";
    chat.apply(
      await engine.start(
        { contact: { id: "c", language: "fr", optedOut: false }, channel: "sms", now: chat.now },
        "survey",
      ),
    );
    await chat.send("34");
    expect(chat.events).toContainEqual({
      type: "flow.result",
      flowId: "survey",
      data: { step: "age", name: "age", value: 34 },
    });
  });

  it("location pins and phone numbers are stored but withheld from MEAL", async () => {
    const { engine } = fixtureEngine({ alert });
    const chat = new Chat(engine, "whatsapp");
    chat.language = "en";
    await chat.send("ALERT");
    expect(chat.state).toMatchObject({ flowId: "alert", stepId: "where" });
    await chat.inbound({ kind: "location", latitude: -5.94, longitude: 29.19 });
    expect(chat.state?.variables.place).toEqual({ latitude: -5.94, longitude: 29.19 });
    await chat.send("0812345678");
    const results = chat.events.filter((event) => event.type === "flow.result").map((event) => event.data);
    expect(results).toEqual([
      { step: "where", name: "place", withheld: true },
      { step: "phone", name: "callback", withheld: true },
    ]);
    expect(JSON.stringify(chat.events)).not.toMatch(/29\.19|243/);
  });

  it("once an alert flow exists, the menu and ALERTE open it", async () => {
    const { engine } = fixtureEngine({ alert });
    const chat = new Chat(engine);
    chat.language = "fr";
    await chat.send("menu");
    await chat.send("2");
    expect(chat.state).toMatchObject({ flowId: "alert", stepId: "where" });
  });
});

describe("action steps", () => {
  it("pick the next step by outcome and store variables under saveAs", async () => {
    let outcome = "ok";
    const { engine } = fixtureEngine(
      { lookup: actionsFlow },
      { "directory.find": async () => ({ outcome, variables: { name: "Centre A" } }) },
    );
    const ctx = { contact: { id: "c", language: "en", optedOut: false }, channel: "sms" as const, now: new Date() };
    const found = await engine.start(ctx, "lookup", { variables: { ref: "R-1" } });
    expect(found.replies).toEqual([{ text: "Thanks R-1." }]);
    outcome = "none";
    expect((await engine.start(ctx, "lookup")).replies).toEqual([{ text: "Never mind." }]);
  });

  it("go to onError when the action throws, and fail loudly without it", async () => {
    const failing: ActionRegistry = {
      "directory.find": async () => {
        throw new Error("database down");
      },
    };
    const { engine } = fixtureEngine({ lookup: actionsFlow, strict: strictAction }, failing);
    const ctx = { contact: { id: "c", language: "sw", optedOut: false }, channel: "sms" as const, now: new Date() };
    expect((await engine.start(ctx, "lookup")).replies).toEqual([{ text: "Jambo" }]);
    await expect(engine.start(ctx, "strict")).rejects.toBeInstanceOf(ActionError);
  });

  it("a call can bring its own handlers (bound to its transaction); names are declared up front", async () => {
    const dirs = fixtureDirs({ flows: { lookup: actionsFlow }, texts });
    const { engine } = engineFrom(dirs, {}, { actionNames: ["feedback.create", "directory.find"] });
    const ctx = { contact: { id: "c", language: "en", optedOut: false }, channel: "sms" as const, now: new Date() };
    const perCall: ActionRegistry = { "directory.find": async () => ({ outcome: "none" }) };
    expect((await engine.start(ctx, "lookup", { actions: perCall })).replies).toEqual([{ text: "Never mind." }]);
    // Without handlers for this call the action is missing: a wiring fault, never hidden by onError.
    await expect(engine.start(ctx, "lookup")).rejects.toMatchObject({ code: "action_missing" });
  });

  it("an outcome with no next step is a typed fault", async () => {
    const { engine } = fixtureEngine(
      { strict: strictAction },
      { "directory.find": async () => ({ outcome: "weird" }) },
    );
    const ctx = { contact: { id: "c", language: "en", optedOut: false }, channel: "sms" as const, now: new Date() };
    await expect(engine.start(ctx, "strict")).rejects.toThrow(/outcome "weird" has no next step/);
  });
});

describe("goto, branch and the loop guard", () => {
  it("a goto with return comes back after the called flow ends; branches read variables", async () => {
    const { engine } = fixtureEngine({ parent, child });
    const chat = new Chat(engine);
    chat.language = "en";
    chat.apply(
      await engine.start(
        { contact: { id: "c", language: "en", optedOut: false }, channel: "sms", now: chat.now },
        "parent",
        { variables: { ref: "P" } },
      ),
    );
    expect(chat.state).toMatchObject({
      flowId: "child",
      stepId: "age",
      stack: [{ flowId: "parent", stepId: "after" }],
    });
    expect(await chat.send("40")).toEqual(["Never mind.", "Hi", "Thanks P."]);
    expect(chat.state).toBeNull();
    expect(chat.events.filter((event) => event.type === "conversation.ended")).toHaveLength(1);
  });

  it("the else branch when no case matches", async () => {
    const { engine } = fixtureEngine({ parent, child });
    const chat = new Chat(engine);
    chat.language = "en";
    chat.apply(
      await engine.start(
        { contact: { id: "c", language: "en", optedOut: false }, channel: "sms", now: chat.now },
        "parent",
        { variables: { ref: "P" } },
      ),
    );
    expect(await chat.send("2")).toEqual(["Never mind.", "Thanks P."]);
  });

  it("auto-advancing steps that never wait for a reply stop with a typed error", async () => {
    const { engine } = fixtureEngine({ loop });
    const ctx = { contact: { id: "c", language: "en", optedOut: false }, channel: "sms" as const, now: new Date() };
    await expect(engine.start(ctx, "loop")).rejects.toBeInstanceOf(StepLoopError);
  });
});

describe("Telegram", () => {
  it("a button press (callback_data) reads like a typed number", async () => {
    const { engine } = fixtureEngine({});
    const chat = new Chat(engine, "telegram");
    chat.language = "en";
    const [menu] = await chat.inbound({ kind: "text", text: "/menu" });
    expect(menu).toBeDefined();
    const keyboard = renderForTelegram(menu ?? { text: "" });
    expect(keyboard.text).toBe("Main menu. Reply with the number of your choice:");
    const feedbackButton = keyboard.inline_keyboard[3]?.[0];
    expect(feedbackButton).toEqual({ text: "Feedback and complaints", callback_data: "4" });
    expect(
      parseChoice(
        feedbackButton?.callback_data ?? "",
        (menu?.choices ?? []).map((c) => c.label),
      ),
    ).toEqual({
      status: "ok",
      index: 3,
    });
    await chat.send(feedbackButton?.callback_data ?? "");
    expect(chat.state).toMatchObject({ flowId: "feedback", stepId: "type" });
  });
});
