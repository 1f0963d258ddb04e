import { z } from "zod";
import type { OutboundBody } from "./OutboundBody.js";

/** Parses `OutboxItem.body` (JSON from the database) back into an `OutboundBody`. */
export const outboundBodySchema: z.ZodType<OutboundBody> = z.object({
  text: z.string(),
  choices: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
  template: z.object({ contentSid: z.string().min(1), variables: z.record(z.string(), z.string()) }).optional(),
});
