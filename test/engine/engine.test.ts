import { rmSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createEngine, loadFlows, renderForSms } from "../../src/engine/index.js";
import {
  allActionNames,
  Chat,
  engineFrom,
  fakeFeedbackActions,
  fixtureDirs,
  flowsDir,
  localesDir,
  realI18n,
} from "./support.js";

function realEngine() {
  const { actions, calls } = fakeFeedbackActions();
  const { engine } = engineFrom({ flowsDir, localesDir }, actions);
  return { engine, calls };
}

describe("a full conversation on the shipped flows", () => {
  it("new contact → language → menu → information → feedback complaint → reference", async () => {
    const { engine, calls } = realEngine();
    const chat = new Chat(engine);

    const [greeting, ...restGreeting] = await chat.send("bonjour");
    expect(restGreeting).toEqual([]);
    expect(greeting).toContain("Bienvenue sur Relais");
    expect(greeting).toMatch(/\n1\. Francais\n2\. English\n3\. Kiswahili$/);
    expect(chat.state).toMatchObject({ flowId: "welcome", stepId: "choose_language", attempts: 0 });

    const [menu] = await chat.send("2");
    expect(chat.language).toBe("en");
    expect(menu).toBe(
      "Main menu. Reply with the number of your choice:\n1. Orientation for returnees\n2. Security alert\n3. Information\n4. Feedback and complaints",
    );

    const [topics] = await chat.send("3");
    expect(topics).toMatch(/^Information\. Choose a topic:\n1\. The local security committee \(CLS\)/);

    const [cls] = await chat.send("1");
    expect(cls).toMatch(/^The local security committee \(CLS\) brings together/);
    expect(cls).toMatch(/\n1\. Other topics\n2\. Main menu$/);

    expect((await chat.send("other topics"))[0]).toBe(topics);
    expect((await chat.send("5"))[0]).toBe(menu);

    const [feedbackMenu] = await chat.send("4");
    expect(feedbackMenu).toMatch(/^Your opinion matters\./);
    expect(chat.state).toMatchObject({ flowId: "feedback", stepId: "type" });

    expect(await chat.send("3")).toEqual(["Write your message in a single text."]);
    const complaint = "The water point committee asks money for water. My number is +243812345678";
    expect(await chat.send(complaint)).toEqual(["Thank you. Your message is recorded under reference F-1001."]);
    expect(chat.state).toBeNull();
    expect(chat.last?.expiresAt).toBeNull();

    expect(calls).toHaveLength(1);
    expect(calls[0]?.variables).toMatchObject({ feedbackType: "complaint", feedbackText: complaint });
    expect(calls[0]?.variables.sensitive).toBeUndefined();
    expect(calls[0]).toMatchObject({ channel: "sms", language: "en", flow: { id: "feedback", stepId: "save" } });

    expect(chat.events.map((event) => `${event.type}:${event.flowId}`)).toEqual([
      "conversation.started:welcome",
      "language.set:welcome",
      "flow.result:menu",
      "flow.result:information",
      "flow.result:information",
      "flow.result:menu",
      "flow.result:feedback",
      "flow.result:feedback",
      "conversation.ended:feedback",
    ]);
    expect(chat.events.filter((event) => event.type === "flow.result").map((event) => event.data)).toEqual([
      { step: "main", name: "service", value: "information" },
      { step: "topics", name: "information_topic", value: "cls" },
      { step: "topics", name: "information_topic", value: "menu" },
      { step: "main", name: "service", value: "feedback" },
      { step: "type", name: "feedbackType", value: "complaint" },
      { step: "ask_text", name: "feedbackText", free_text: true },
    ]);
    // MEAL never holds free text or phone numbers.
    const meal = JSON.stringify(chat.events);
    expect(meal).not.toContain("water");
    expect(meal).not.toContain("243");
  });

  it("a sensitive complaint is flagged for restricted handling and says so", async () => {
    const { engine, calls } = realEngine();
    const chat = new Chat(engine);
    chat.language = "fr";
    await chat.send("menu");
    await chat.send("4");
    const replies = await chat.send("plainte sensible");
    expect(replies[0]).toContain("traitée de manière confidentielle");
    expect(replies[1]).toBe("Écrivez votre message en un seul envoi.");
    const [done] = await chat.send("Un agent demande de l'argent");
    expect(done).toBe(
      "Merci. Votre plainte est enregistrée sous la référence F-1001. Elle sera traitée de manière confidentielle.",
    );
    expect(calls[0]?.variables).toMatchObject({ feedbackType: "sensitive", sensitive: true });
  });

  it("answers in Swahili once Swahili is chosen", async () => {
    const { engine } = realEngine();
    const chat = new Chat(engine);
    await chat.send("habari");
    const [menu] = await chat.send("kiswahili");
    expect(chat.language).toBe("sw");
    expect(menu).toMatch(/^Orodha kuu\. Jibu kwa namba ya chaguo lako:\n1\. Maelekezo kwa waliorudi/);
  });
});

describe("global keywords", () => {
  it("STOP confirms once, then silence until START", async () => {
    const { engine } = realEngine();
    const chat = new Chat(engine);
    chat.language = "fr";
    await chat.send("menu");
    await chat.send("4");
    const stop = await chat.send("Arrêt");
    expect(stop).toEqual(["Vous ne recevrez plus de messages de Relais. Pour revenir, envoyez START."]);
    expect(chat.optedOut).toBe(true);
    expect(chat.state).toBeNull();
    expect(chat.last?.events.map((event) => event.type)).toEqual(["contact.opted_out", "conversation.ended"]);
    expect(chat.last?.events[1]?.data).toEqual({ reason: "stop" });

    for (const text of ["bonjour", "1", "STOP", "MENU", "aide"]) {
      expect(await chat.send(text)).toEqual([]);
      expect(chat.last?.events).toEqual([]);
      expect(chat.last?.contact).toBeUndefined();
    }
    expect(await chat.inbound({ kind: "location", latitude: 1, longitude: 2 })).toEqual([]);

    const start = await chat.send("start");
    expect(chat.optedOut).toBe(false);
    expect(start[0]).toBe("Bon retour! Vous recevrez de nouveau nos messages.");
    expect(start[1]).toMatch(/^Menu principal\./);
    expect(chat.last?.events.map((event) => event.type)).toEqual(["contact.opted_in", "conversation.started"]);
  });

  it("STOP in Swahili is confirmed in Swahili", async () => {
    const { engine } = realEngine();
    const chat = new Chat(engine);
    chat.language = "sw";
    expect(await chat.send("ACHA")).toEqual(["Hutapokea tena ujumbe kutoka Relais. Ili kurudi, tuma ANZA au START."]);
    expect(await chat.send("anza")).toHaveLength(2);
  });

  it("HELP lists the keywords, then repeats the current question without counting an attempt", async () => {
    const { engine } = realEngine();
    const chat = new Chat(engine);
    chat.language = "en";
    const [menu] = await chat.send("menu");
    await chat.send("zzz");
    const help = await chat.send("help");
    expect(help[0]).toMatch(/^Keywords: MENU .* STOP/);
    expect(help[1]).toBe(menu);
    expect(chat.state).toMatchObject({ flowId: "menu", stepId: "main", attempts: 1 });
  });

  it("LANGUAGE offers the languages, then the main menu in the new one", async () => {
    const { engine } = realEngine();
    const chat = new Chat(engine);
    chat.language = "fr";
    await chat.send("menu");
    const [choose] = await chat.send("langue");
    expect(choose).toMatch(/\n1\. Francais\n2\. English\n3\. Kiswahili$/);
    const [menu] = await chat.send("3");
    expect(chat.language).toBe("sw");
    expect(chat.last?.events).toContainEqual({ type: "language.set", flowId: "language", data: { language: "sw" } });
    expect(menu).toMatch(/^Orodha kuu/);
  });

  it("MENU leaves the current flow for the main menu", async () => {
    const { engine } = realEngine();
    const chat = new Chat(engine);
    chat.language = "en";
    await chat.send("menu");
    await chat.send("4");
    const [menu] = await chat.send(" MENYU ");
    expect(menu).toMatch(/^Main menu\./);
    expect(chat.last?.events.map((event) => [event.type, event.data])).toEqual([
      ["conversation.ended", { reason: "interrupted" }],
      ["conversation.started", { trigger: "keyword", keyword: "menu" }],
    ]);
  });

  it("ALERT honestly says the service is not available while no alert flow is installed", async () => {
    // The shipped flows without alert.yaml and orientation.yaml, as before those features existed.
    const dirs = fixtureDirs({});
    rmSync(path.join(dirs.flowsDir, "alert.yaml"), { force: true });
    rmSync(path.join(dirs.flowsDir, "orientation.yaml"), { force: true });
    const { engine } = engineFrom(dirs, fakeFeedbackActions().actions);
    const chat = new Chat(engine);
    chat.language = "en";
    const [menu] = await chat.send("menu");
    const replies = await chat.send("alert");
    expect(replies[0]).toMatch(/^The alert service is not available here yet\./);
    expect(replies[1]).toBe(menu);
    // From the menu too: "not available yet", then the menu again.
    const fromMenu = await chat.send("2");
    expect(fromMenu[0]).toMatch(/^This service is not available yet\./);
    expect(fromMenu[1]).toBe(menu);
    expect(chat.state).toMatchObject({ flowId: "menu", stepId: "main" });
  });
});

describe("invalid replies", () => {
  it("re-prompt with the choices in the contact's language, then accept a valid reply", async () => {
    const { engine } = realEngine();
    const chat = new Chat(engine);
    chat.language = "fr";
    await chat.send("menu");
    const [reprompt] = await chat.send("9");
    expect(reprompt).toBe(
      "Réponse non comprise. Répondez avec le numéro de votre choix:\n1. Orientation des retournés\n2. Alerte sécurité\n3. Informations\n4. Avis et plaintes",
    );
    expect(chat.state).toMatchObject({ flowId: "menu", stepId: "main", attempts: 1 });
    expect(
      await chat.inbound({ kind: "media", url: "https://example.org/a.jpg", contentType: "image/jpeg" }),
    ).toHaveLength(1);
    expect(chat.state?.attempts).toBe(2);
    await chat.send("informations");
    expect(chat.state).toMatchObject({ flowId: "information", stepId: "topics", attempts: 0 });
  });

  it("after maxAttempts on a step without fallback, the conversation ends with a way back", async () => {
    const { engine } = realEngine();
    const chat = new Chat(engine);
    chat.language = "en";
    await chat.send("menu");
    await chat.send("x");
    await chat.send("y");
    expect(await chat.send("z")).toEqual([
      "We did not understand your reply. Send MENU to start again or HELP for help.",
    ]);
    expect(chat.state).toBeNull();
    expect(chat.last?.events).toEqual([{ type: "conversation.ended", flowId: "menu", data: { reason: "gave_up" } }]);
  });
});

describe("conversation lifetime", () => {
  it("expiresAt follows the flow's expiresAfterHours", async () => {
    const { engine } = realEngine();
    const chat = new Chat(engine);
    chat.language = "fr";
    await chat.send("menu");
    expect(engine.flowExpiryHours("menu")).toBe(24);
    expect(chat.last?.expiresAt).toEqual(new Date(chat.now.getTime() + 24 * 3_600_000));
  });

  it("an expired conversation ends and the message starts fresh after a short note", async () => {
    const { engine } = realEngine();
    const chat = new Chat(engine);
    chat.language = "en";
    await chat.send("menu");
    await chat.send("4");
    const replies = await chat.inbound({ kind: "text", text: "3" }, { expired: true });
    expect(replies.map(renderForSms)).toEqual([
      "Your previous conversation stopped after 24 hours without a reply. Let's start again.",
      expect.stringMatching(/^Main menu\./),
    ]);
    expect(chat.last?.events[0]).toEqual({
      type: "conversation.ended",
      flowId: "feedback",
      data: { reason: "expired" },
    });
    expect(engine.expiredNote("sw", "menu").text).toBe(
      "Mazungumzo yako ya awali yalisimama baada ya saa 24 bila jibu. Tunaanza upya.",
    );
    expect(engine.expiredNote(null).text).toMatch(/^Votre conversation précédente a expiré après 24 heures/);
  });

  it("STOP on an expired conversation gets its confirmation alone", async () => {
    const { engine } = realEngine();
    const chat = new Chat(engine);
    chat.language = "en";
    await chat.send("menu");
    const replies = await chat.inbound({ kind: "text", text: "STOP" }, { expired: true });
    expect(replies).toEqual([{ text: "You will receive no more messages from Relais. To come back, send START." }]);
    expect(chat.last?.events.map((event) => event.type)).toEqual(["conversation.ended", "contact.opted_out"]);
  });

  it("a state left by older flows (step gone) starts fresh instead of failing", async () => {
    const { engine } = realEngine();
    const chat = new Chat(engine);
    chat.language = "en";
    chat.state = { flowId: "feedback", stepId: "removed_step", variables: {}, stack: [], attempts: 0 };
    const replies = await chat.send("hello");
    expect(replies).toHaveLength(2);
    expect(chat.state).toMatchObject({ flowId: "menu", stepId: "main" });
    expect(chat.last?.events[0]?.data).toEqual({ reason: "stale" });
  });

  it("a start event opens the requested flow, or the welcome/menu when unknown", async () => {
    const { engine } = realEngine();
    const chat = new Chat(engine, "telegram");
    await chat.inbound({ kind: "start", flowId: "feedback" });
    expect(chat.state).toMatchObject({ flowId: "feedback", stepId: "type" });
    await chat.inbound({ kind: "start", flowId: "does_not_exist" });
    expect(chat.state).toMatchObject({ flowId: "welcome" });
  });

  it("does not mutate the state it is given", async () => {
    const { engine } = realEngine();
    const chat = new Chat(engine);
    chat.language = "en";
    await chat.send("menu");
    const before = structuredClone(chat.state);
    const given = chat.state;
    await chat.send("4");
    expect(given).toEqual(before);
  });

  it("start() sends nothing to an opted-out contact and rejects unknown flows", async () => {
    const { engine } = realEngine();
    const ctx = { contact: { id: "c", language: "fr", optedOut: true }, channel: "sms" as const, now: new Date() };
    expect(await engine.start(ctx, "feedback")).toMatchObject({ state: null, replies: [], events: [] });
    await expect(engine.start(ctx, "nope")).rejects.toThrow(/flow "nope" is not loaded/);
  });

  it("flow settings come from the YAML", () => {
    const i18n = realI18n();
    const { actions } = fakeFeedbackActions();
    const flows = loadFlows({ flowsDir, i18n, actionNames: allActionNames(actions) });
    const engine = createEngine({ flows, i18n, actions, actionNames: allActionNames(actions) });
    expect(engine.flowSettings("feedback")).toEqual({ expiresAfterHours: 24, sensitive: false, anonymous: false });
    expect(engine.flowIds()).toEqual(
      expect.arrayContaining(["feedback", "information", "language", "menu", "welcome"]),
    );
  });
});
