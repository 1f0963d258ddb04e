import { describe, expect, it } from "vitest";
import { evaluateCondition } from "../../src/engine/index.js";

const variables = { type: "complaint", sensitive: true, age: 34, empty: null };

describe("evaluateCondition", () => {
  it.each([
    [{ var: "type", equals: "complaint" }, true],
    [{ var: "type", equals: "thanks" }, false],
    [{ var: "age", equals: "34" }, false],
    [{ var: "type", in: ["complaint", "sensitive"] }, true],
    [{ var: "type", in: ["thanks"] }, false],
    [{ var: "sensitive", exists: true }, true],
    [{ var: "missing", exists: true }, false],
    [{ var: "empty", exists: true }, false],
    [{ var: "missing", exists: false }, true],
    [{ not: { var: "sensitive", equals: true } }, false],
    [
      {
        all: [
          { var: "sensitive", equals: true },
          { var: "age", in: [34] },
        ],
      },
      true,
    ],
    [
      {
        all: [
          { var: "sensitive", equals: true },
          { var: "age", in: [1] },
        ],
      },
      false,
    ],
    [
      {
        any: [
          { var: "missing", exists: true },
          { var: "age", equals: 34 },
        ],
      },
      true,
    ],
  ])("%j is %s", (condition, expected) => {
    expect(evaluateCondition(condition, variables)).toBe(expected);
  });
});
