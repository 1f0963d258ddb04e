import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  allEngineTextKeys,
  createEngine,
  flowJsonSchemaPath,
  flowJsonSchemaText,
  isGsm7,
  loadFlows,
  stepTextKeys,
} from "../../src/engine/index.js";
import { allActionNames, fakeFeedbackActions, flowsDir, realI18n, shippedLanguages } from "./support.js";

/** Strips i18next plural suffixes, so `expired_one` and `expired_other` compare as `expired`. */
function baseKey(key: string): string {
  return key.replace(/_(zero|one|two|few|many|other)$/, "");
}

describe("shipped flows and texts", () => {
  const i18n = realI18n();
  const { actions } = fakeFeedbackActions();

  it("load, validate (references, texts, actions, SMS budget) and build an engine", () => {
    const flows = loadFlows({ flowsDir, i18n, actionNames: allActionNames(actions) });
    expect([...flows.keys()]).toEqual(
      expect.arrayContaining(["alert", "feedback", "information", "language", "menu", "orientation", "welcome"]),
    );
    expect(() => createEngine({ flows, i18n, actions, actionNames: allActionNames(actions) })).not.toThrow();
  });

  it("every text exists in every shipped language (same keys everywhere)", () => {
    const keysByLanguage = shippedLanguages.map((language) => new Set(i18n.keys(language).map(baseKey)));
    const union = new Set(keysByLanguage.flatMap((keys) => [...keys]));
    for (const [index, language] of shippedLanguages.entries()) {
      const missing = [...union].filter((key) => !keysByLanguage[index]?.has(key));
      expect(missing, `missing in ${language}`).toEqual([]);
    }
  });

  it("every key used by a flow or by the engine exists in every language", () => {
    const flows = loadFlows({ flowsDir, i18n, actionNames: allActionNames(actions) });
    const used = new Set(allEngineTextKeys);
    for (const { flow } of flows.values()) {
      for (const step of Object.values(flow.steps)) for (const key of stepTextKeys(step)) used.add(key);
    }
    for (const language of shippedLanguages) {
      expect(
        [...used].filter((key) => !i18n.has(language, key)),
        language,
      ).toEqual([]);
    }
  });

  it("every shipped text stays GSM-7 (UCS-2 would more than halve what an SMS holds)", () => {
    for (const language of shippedLanguages) {
      const ucs2 = i18n.keys(language).filter((key) => !isGsm7(i18n.raw(language, key) ?? ""));
      expect(ucs2, language).toEqual([]);
    }
  });

  it("flows/flows.schema.json is up to date (regenerate: npx tsx src/engine/flowJsonSchema.ts)", () => {
    expect(readFileSync(flowJsonSchemaPath, "utf8")).toBe(flowJsonSchemaText());
  });

  it("every flow file points editors at the schema", () => {
    const flows = loadFlows({ flowsDir, i18n, actionNames: allActionNames(actions) });
    for (const id of flows.keys()) {
      const source = readFileSync(path.join(flowsDir, `${id}.yaml`), "utf8");
      expect(source.startsWith("# yaml-language-server: $schema=./flows.schema.json\n"), id).toBe(true);
    }
  });
});
