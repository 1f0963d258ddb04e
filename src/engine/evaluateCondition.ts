import type { Condition } from "./flowSchema.js";
import type { JsonValue } from "./types.js";

/**
 * Evaluates a `branch` condition against the conversation variables. A variable "exists" when it is
 * set to anything but null; `equals` and `in` compare scalars strictly (`"1"` is not `1`).
 *
 * @example
 * ```ts
 * evaluateCondition({ var: "sensitive", equals: true }, { sensitive: true }); // true
 * evaluateCondition({ not: { var: "ref", exists: true } }, {});              // true
 * ```
 */
export function evaluateCondition(condition: Condition, variables: Readonly<Record<string, JsonValue>>): boolean {
  if ("not" in condition) return !evaluateCondition(condition.not, variables);
  if ("all" in condition) return condition.all.every((inner) => evaluateCondition(inner, variables));
  if ("any" in condition) return condition.any.some((inner) => evaluateCondition(inner, variables));
  const value = variables[condition.var];
  if ("equals" in condition) return value === condition.equals;
  if ("in" in condition) return condition.in.some((candidate) => candidate === value);
  return (value !== undefined && value !== null) === condition.exists;
}
