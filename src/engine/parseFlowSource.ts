import { parseDocument } from "yaml";
import type { z } from "zod";
import type { FlowIssue } from "./errors.js";
import { type Flow, flowSchema } from "./flowSchema.js";

/** The outcome of parsing one flow file: the flow, or the problems found (as values, not thrown). */
export type FlowSourceParse = { status: "ok"; flow: Flow } | { status: "invalid"; issues: FlowIssue[] };

/**
 * Parses the YAML text of one flow file and checks it against {@link flowSchema}. Each problem names
 * the file and, when it is inside a step, the step.
 *
 * @param file - the path shown in messages, e.g. `flows/feedback.yaml`
 */
export function parseFlowSource(file: string, source: string): FlowSourceParse {
  const document = parseDocument(source, { prettyErrors: false });
  if (document.errors.length > 0) {
    return {
      status: "invalid",
      issues: document.errors.map((error) => ({ file, problem: `invalid YAML: ${error.message.split("\n")[0]}` })),
    };
  }
  const parsed = flowSchema.safeParse(document.toJS());
  if (parsed.success) return { status: "ok", flow: parsed.data };
  return { status: "invalid", issues: parsed.error.issues.map((issue) => toFlowIssue(file, issue)) };
}

function toFlowIssue(file: string, issue: z.core.$ZodIssue): FlowIssue {
  const [first, second, ...rest] = issue.path;
  if (first === "steps" && typeof second === "string") {
    if (issue.code === "invalid_key" && rest.length === 0) {
      return { file, stepId: second, problem: "is not a valid step id (lowercase letters, digits and _)" };
    }
    return { file, stepId: second, problem: withPath(rest, issue.message) };
  }
  return { file, problem: withPath(issue.path, issue.message) };
}

function withPath(path: readonly PropertyKey[], message: string): string {
  const where = path
    .map((part, index) => (typeof part === "number" ? `[${part}]` : `${index === 0 ? "" : "."}${String(part)}`))
    .join("");
  return where === "" ? message : `${where}: ${message}`;
}
