import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Flow } from "../engine/flowSchema.js";
import { parseFlowSource } from "../engine/parseFlowSource.js";
import { projectRoot } from "../service/projectPaths.js";

/** A flow file as the flowcharts page lists it. */
export interface FlowDefinition {
  id: string;
  file: string;
  flow: Flow;
}

/**
 * Reads the flows of `flows/*.yaml` for drawing (the engine validated them at start; a file that
 * no longer parses is skipped rather than breaking the page).
 */
export function loadFlowDefinitions(flowsDir: string = path.join(projectRoot(), "flows")): FlowDefinition[] {
  return readdirSync(flowsDir)
    .filter((name) => /^[a-z][a-z0-9_]*\.ya?ml$/.test(name))
    .sort()
    .flatMap((name) => {
      const file = `flows/${name}`;
      const parsed = parseFlowSource(file, readFileSync(path.join(flowsDir, name), "utf8"));
      return parsed.status === "ok" ? [{ id: name.replace(/\.ya?ml$/, ""), file, flow: parsed.flow }] : [];
    });
}
