import { z } from "zod";
import type { MessagingChannel } from "../../conversations/InboundMessage.js";
import { describeSms, renderForSms, renderForTelegram, type TelegramButton } from "../../engine/render.js";
import type { SmsDescription } from "../../engine/smsSegments.js";
import type { OutMessage } from "../../engine/types.js";

/** What a phone would show for one outbound message, as the simulator page draws it. */
export type SimulatorRendering =
  /** SMS and WhatsApp: the numbered text; `sms` only on SMS (encoding and segments, what it costs). */
  | { kind: "text"; text: string; sms?: SmsDescription }
  /** Telegram: the text and its inline keyboard, one button per row. */
  | { kind: "telegram"; text: string; buttons: TelegramButton[][] };

/** The part of `OutboundBody` a phone shows (a stored template keeps its text for the simulator). */
const outboundBodySchema = z.object({
  text: z.string(),
  choices: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
});

/**
 * Renders an `OutboxItem.body` the way the channel's sender would, through the engine's renderers
 * (never a copy of them), so the simulator shows exactly what the phone would. Returns null when the
 * body is not a message body (a purged row).
 *
 * @example
 * renderForSimulator("sms", { text: "Menu:", choices: [{ value: "a", label: "Alerte" }] });
 * // { kind: "text", text: "Menu:\n1. Alerte", sms: { encoding: "GSM-7", length: 15, segments: 1 } }
 */
export function renderForSimulator(channel: MessagingChannel, body: unknown): SimulatorRendering | null {
  const parsed = outboundBodySchema.safeParse(body);
  if (!parsed.success) return null;
  const out: OutMessage = parsed.data.choices
    ? { text: parsed.data.text, choices: parsed.data.choices }
    : { text: parsed.data.text };
  if (channel === "telegram") {
    const telegram = renderForTelegram(out);
    return { kind: "telegram", text: telegram.text, buttons: telegram.inline_keyboard };
  }
  const text = renderForSms(out);
  return channel === "sms" ? { kind: "text", text, sms: describeSms(text) } : { kind: "text", text };
}
