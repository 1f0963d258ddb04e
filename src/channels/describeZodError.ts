import type { z } from "zod";

/**
 * One line naming every field that failed and why, for a 400 answer. Zod's messages name the rule,
 * never the value, so no personal data leaks into the answer or the logs.
 *
 * @example
 * describeZodError(schema.safeParse({}).error); // "MessageSid: Invalid input: expected string, received undefined"
 */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(body)"}: ${issue.message}`)
    .join("; ");
}
