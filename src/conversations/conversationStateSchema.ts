import { z } from "zod";
import type { JsonValue } from "../engine/types.js";

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

/** A conversation row as read back from the database: checked, since JSON columns are untyped. */
export const conversationStateSchema = z.object({
  flowId: z.string(),
  stepId: z.string(),
  variables: z.record(z.string(), jsonValue),
  stack: z.array(z.object({ flowId: z.string(), stepId: z.string() })),
  attempts: z.number().int(),
});
