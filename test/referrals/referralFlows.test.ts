import path from "node:path";
import { describe, expect, it } from "vitest";
import { createEngine, createI18n, loadFlows } from "../../src/engine/index.js";
import { features } from "../../src/service/features.js";
import { projectRoot } from "../../src/service/projectPaths.js";

describe("the orientation and follow-up flows", () => {
  it("validate against the real texts, every feature's actions and the 2-segment SMS budget", () => {
    const root = projectRoot();
    const i18n = createI18n({ localesDir: path.join(root, "locales"), languages: ["fr", "en", "sw"], fallback: "fr" });
    const actionNames = features.flatMap((f) => f.actionNames ?? []);
    const flows = loadFlows({ flowsDir: path.join(root, "flows"), i18n, actionNames });
    expect(flows.has("orientation")).toBe(true);
    expect(flows.has("followup")).toBe(true);
    expect(flows.get("orientation")?.flow.smsSegmentBudget).toBe(2);
    expect(() => createEngine({ flows, i18n, actionNames })).not.toThrow();
  });
});
