import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { flowSchema } from "./flowSchema.js";

/** Where the JSON Schema of the flow format is committed (`flows/flows.schema.json`). */
export const flowJsonSchemaPath = fileURLToPath(new URL("../../flows/flows.schema.json", import.meta.url));

/**
 * The JSON Schema (draft-07, the version YAML editors support best) of a flow file as written,
 * i.e. with defaulted fields optional. Editors use it through
 * `# yaml-language-server: $schema=./flows.schema.json` at the top of each flow.
 */
export function flowJsonSchemaText(): string {
  const schema = z.toJSONSchema(flowSchema, { io: "input", target: "draft-07" });
  return `${JSON.stringify({ ...schema, title: "Relais flow" }, null, 2)}\n`;
}

/**
 * Writes {@link flowJsonSchemaText} to `flows/flows.schema.json` (or `target`). Run it after changing
 * `flowSchema.ts`: `npx tsx src/engine/flowJsonSchema.ts`; a test fails while the file is stale.
 */
export function writeFlowJsonSchema(target: string = flowJsonSchemaPath): string {
  writeFileSync(target, flowJsonSchemaText());
  return target;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(`wrote ${writeFlowJsonSchema()}`);
}
