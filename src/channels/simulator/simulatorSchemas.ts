import { z } from "zod";

/** A phone number as typed in the simulator: `+` and 7 to 15 digits (spaces, dots and dashes ignored). */
const phoneSchema = z
  .string()
  .transform((s) => s.replace(/[\s.()-]/g, ""))
  .pipe(z.string().regex(/^\+?[1-9]\d{6,14}$/, "expected a phone number such as +243990000001"))
  .transform((s) => (s.startsWith("+") ? s : `+${s}`));

/** A Telegram chat id: digits only (private chats have positive ids). */
const chatIdSchema = z
  .string()
  .trim()
  .regex(/^\d{1,15}$/, "expected a Telegram chat id (digits)");

/** The simulated sender plus `fields`: the channel decides what an address looks like. */
function withSender<Shape extends z.ZodRawShape>(fields: Shape) {
  return z.discriminatedUnion("channel", [
    z.object({ channel: z.enum(["sms", "whatsapp"]), phone: phoneSchema, ...fields }),
    z.object({ channel: z.literal("telegram"), phone: chatIdSchema, ...fields }),
  ]);
}

const locationSchema = z.object({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
});

const textSchema = z
  .string()
  .min(1)
  .max(1600)
  .refine((s) => s.trim().length > 0, "text must not be blank");

/**
 * The body of `POST /simulator/api/messages`: a channel, the sender's phone (or Telegram chat id),
 * and exactly one of `text` or `location`. SMS cannot carry a location pin, as on a real phone.
 *
 * @example
 * simulatorMessageSchema.parse({ channel: "sms", phone: "+243990000001", text: "bonjour" });
 */
export const simulatorMessageSchema = withSender({
  text: textSchema.optional(),
  location: locationSchema.optional(),
}).superRefine((body, ctx) => {
  if ((body.text === undefined) === (body.location === undefined)) {
    ctx.addIssue({ code: "custom", path: ["text"], message: "send exactly one of text or location" });
  }
  if (body.location !== undefined && body.channel === "sms") {
    ctx.addIssue({ code: "custom", path: ["location"], message: "SMS cannot carry a location" });
  }
});

export type SimulatorMessage = z.infer<typeof simulatorMessageSchema>;

/**
 * The query of `GET /simulator/api/messages`: which conversation, and optionally only the messages
 * stored after an instant (ISO 8601), for polling.
 */
export const conversationQuerySchema = withSender({ after: z.iso.datetime({ offset: true }).optional() });

export type ConversationQuery = z.infer<typeof conversationQuerySchema>;
