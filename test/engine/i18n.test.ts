import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createI18n, I18nLoadError } from "../../src/engine/index.js";
import { Chat, engineFrom, fakeFeedbackActions, fixtureDirs, localesDir, realI18n } from "./support.js";

describe("createI18n", () => {
  const i18n = realI18n();

  it("interpolates variables and picks plural forms per language", () => {
    expect(i18n.t("en", "feedback:done", { ref: "F-1001" })).toBe(
      "Thank you. Your message is recorded under reference F-1001.",
    );
    expect(i18n.t("fr", "common:expired", { count: 1 })).toContain("après 1 heure sans");
    expect(i18n.t("fr", "common:expired", { count: 24 })).toContain("après 24 heures sans");
    expect(i18n.t("en", "common:expired", { count: 1 })).toContain("after 1 hour without");
  });

  it("does not HTML-escape (SMS is plain text)", () => {
    expect(i18n.t("en", "feedback:done", { ref: "<F&1>" })).toContain("<F&1>");
  });

  it("falls back to the default language for unknown languages", () => {
    expect(i18n.resolveLanguage("ln")).toBe("fr");
    expect(i18n.resolveLanguage(null)).toBe("fr");
    expect(i18n.t("ln", "common:answer.yes")).toBe("Oui");
  });

  it("knows which keys exist in a language, including plural keys", () => {
    expect(i18n.has("sw", "common:expired")).toBe(true);
    expect(i18n.forms("en", "common:expired")).toEqual(["common:expired_one", "common:expired_other"]);
    expect(i18n.has("sw", "common:nope")).toBe(false);
    expect(i18n.namespaces).toEqual(expect.arrayContaining(["common", "feedback", "information", "menu", "welcome"]));
  });

  it("fails clearly on a missing language folder or a non-text value", () => {
    expect(() => createI18n({ localesDir, languages: ["fr", "ln"], fallback: "fr" })).toThrow(I18nLoadError);
    expect(() => createI18n({ localesDir, languages: ["en"], fallback: "fr" })).toThrow(/fallback language "fr"/);
    const dirs = fixtureDirs({ realFlows: false });
    writeFileSync(path.join(dirs.localesDir, "en", "bad.json"), JSON.stringify({ count: 3 }));
    expect(() => realI18n(dirs.localesDir)).toThrow(/bad\.json: "count" must be a text/);
  });

  it("adding a language is a folder plus its code in the list", async () => {
    const dirs = fixtureDirs({});
    // A Lingala folder (texts copied from French for the test, apart from the language name).
    mkdirSync(path.join(dirs.localesDir, "ln"));
    for (const namespace of readdirSync(path.join(dirs.localesDir, "fr")).map((f) => f.replace(/\.json$/, ""))) {
      const text = readFileSync(path.join(dirs.localesDir, "fr", `${namespace}.json`), "utf8");
      writeFileSync(path.join(dirs.localesDir, "ln", `${namespace}.json`), text.replace('"Francais"', '"Lingala"'));
    }
    const { actions } = fakeFeedbackActions();
    const { engine } = engineFrom(dirs, actions, {}, ["fr", "en", "sw", "ln"]);
    const chat = new Chat(engine);
    const [greeting] = await chat.send("mbote");
    expect(greeting).toMatch(/\n3\. Kiswahili\n4\. Lingala$/);
    await chat.send("4");
    expect(chat.language).toBe("ln");
  });
});
