import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { flowJsonSchemaText, writeFlowJsonSchema } from "../../src/engine/index.js";

describe("flow JSON Schema", () => {
  it("writeFlowJsonSchema writes the schema of the format as written (defaults optional)", () => {
    const target = path.join(mkdtempSync(path.join(tmpdir(), "relais-schema-")), "flows.schema.json");
    writeFlowJsonSchema(target);
    const written = readFileSync(target, "utf8");
    expect(written).toBe(flowJsonSchemaText());
    const schema: unknown = JSON.parse(written);
    expect(schema).toMatchObject({
      $schema: "http://json-schema.org/draft-07/schema#",
      title: "Relais flow",
      required: ["start", "steps"],
    });
    expect(written).toContain('"menu"');
    expect(written).toContain('"expiresAfterHours"');
  });
});
