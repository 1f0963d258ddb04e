import { z } from "zod";

const sid = z.string().regex(/^[A-Z]{2}[0-9a-fA-F]{32}$/, "must be a Twilio SID (2 letters and 32 hex digits)");
/** An E.164 number, optionally with Twilio's `whatsapp:` channel prefix. */
const twilioAddress = z
  .string()
  .regex(/^(whatsapp:)?\+[1-9]\d{5,14}$/, "must be an E.164 number (+...), optionally prefixed with whatsapp:");
const optionalText = (max: number) => z.string().max(max).optional();

/**
 * The form parameters of Twilio's inbound message webhook (SMS and WhatsApp) that Relais reads.
 * Twilio sends more (AccountSid, ProfileName, WaId...): they are ignored, and may be added to at any
 * time without notice.
 */
export const twilioMessageSchema = z
  .object({
    MessageSid: sid,
    From: twilioAddress,
    To: twilioAddress,
    Body: z.string().max(5000, "must be at most 5000 characters").default(""),
    NumMedia: z.coerce.number().int().min(0).max(10).default(0),
    MediaUrl0: z.url({ protocol: /^https?$/ }).optional(),
    MediaContentType0: optionalText(200),
    Latitude: z.coerce.number().min(-90).max(90).optional(),
    Longitude: z.coerce.number().min(-180).max(180).optional(),
    Address: optionalText(500),
    Label: optionalText(500),
    /** Quick-reply button of a WhatsApp template: the payload is what the flow expects. */
    ButtonPayload: optionalText(1000),
    ButtonText: optionalText(1000),
  })
  .superRefine((value, ctx) => {
    if (value.NumMedia > 0 && (!value.MediaUrl0 || !value.MediaContentType0)) {
      ctx.addIssue({
        code: "custom",
        path: ["MediaUrl0"],
        message: "required with MediaContentType0 when NumMedia > 0",
      });
    }
    if ((value.Latitude === undefined) !== (value.Longitude === undefined)) {
      ctx.addIssue({ code: "custom", path: ["Longitude"], message: "Latitude and Longitude come together" });
    }
  });

/** A parsed inbound message webhook. */
export type TwilioMessage = z.infer<typeof twilioMessageSchema>;

/** The query string of the status callback URL Relais gives Twilio: the outbox item the message is for. */
export const twilioStatusQuerySchema = z.object({ outbox: z.uuid().optional() });

/** The status callback parameters Relais reads (`StatusCallback` of an outbound message). */
export const twilioStatusSchema = z.object({
  MessageSid: sid,
  MessageStatus: z.enum([
    "accepted",
    "scheduled",
    "canceled",
    "queued",
    "sending",
    "sent",
    "failed",
    "delivered",
    "undelivered",
    "receiving",
    "received",
    "read",
    "partially_delivered",
  ]),
  ErrorCode: z
    .string()
    .regex(/^\d{1,6}$/, "must be a Twilio error code")
    .optional(),
});

/** A parsed status callback. */
export type TwilioStatus = z.infer<typeof twilioStatusSchema>;

/**
 * The voice webhook parameters Relais reads for a missed call. `From` is not checked here: a
 * withheld or non-phone caller ("anonymous", "client:...") is still rejected, just not texted.
 */
export const twilioVoiceSchema = z.object({
  CallSid: sid,
  From: z.string().max(100).default(""),
  To: z.string().max(100).default(""),
});

/** A parsed voice webhook (missed call). */
export type TwilioVoice = z.infer<typeof twilioVoiceSchema>;
