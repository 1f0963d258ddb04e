import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { type FlowIssue, FlowValidationError } from "./errors.js";
import type { I18n } from "./i18n.js";
import { parseFlowSource } from "./parseFlowSource.js";
import { type LoadedFlow, validateFlows } from "./validateFlows.js";

/** The loaded flows, by id. */
export type FlowSet = ReadonlyMap<string, LoadedFlow>;

/** Options of {@link loadFlows}. */
export interface LoadFlowsOptions {
  /** Folder holding `*.yaml` flows (the flow id is the file name without extension). */
  flowsDir: string;
  i18n: I18n;
  /** Names of the actions registered in code; a flow using another name is invalid. */
  actionNames: readonly string[];
}

/**
 * Reads, parses and validates every flow of `flowsDir`. Throws a {@link FlowValidationError} listing
 * every problem (file, step, problem) when any flow is invalid, so a bad flow stops the start-up.
 *
 * @example
 * ```ts
 * const flows = loadFlows({ flowsDir: "flows", i18n, actionNames: Object.keys(actions) });
 * ```
 */
export function loadFlows(options: LoadFlowsOptions): FlowSet {
  const shownDir = path.basename(path.resolve(options.flowsDir));
  const files = readdirSync(options.flowsDir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
  const sources = files.map((name) => ({
    name,
    file: `${shownDir}/${name}`,
    source: readFileSync(path.join(options.flowsDir, name), "utf8"),
  }));
  return buildFlowSet(sources, options);
}

/** A flow file's name (`feedback.yaml`), the path shown in messages, and its YAML text. */
export interface FlowSource {
  name: string;
  file: string;
  source: string;
}

/**
 * Parses and validates flows given as text (what {@link loadFlows} does after reading the folder);
 * useful for tests and for an admin page that checks an edited flow before saving it.
 */
export function buildFlowSet(
  sources: readonly FlowSource[],
  options: Pick<LoadFlowsOptions, "i18n" | "actionNames">,
): FlowSet {
  const issues: FlowIssue[] = [];
  const loaded: LoadedFlow[] = [];
  const seen = new Set<string>();
  for (const { name, file, source } of sources) {
    const id = name.replace(/\.ya?ml$/, "");
    if (!/^[a-z][a-z0-9_]*$/.test(id)) {
      issues.push({ file, problem: "a flow file name is lowercase letters, digits and _ (it is the flow id)" });
      continue;
    }
    if (seen.has(id)) {
      issues.push({ file, problem: `flow "${id}" is defined twice` });
      continue;
    }
    seen.add(id);
    const parsed = parseFlowSource(file, source);
    if (parsed.status === "ok") loaded.push({ id, file, flow: parsed.flow });
    else issues.push(...parsed.issues);
  }
  issues.push(...validateFlows(loaded, options));
  if (issues.length > 0) throw new FlowValidationError(issues);
  return new Map(loaded.map((flow) => [flow.id, flow]));
}
