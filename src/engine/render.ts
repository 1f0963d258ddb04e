import { type SmsDescription, smsSegments } from "./smsSegments.js";
import type { OutMessage } from "./types.js";

/**
 * Renders a message as plain text: the text, then the choices numbered from 1, one per line.
 * Used by the SMS and WhatsApp channels, and by flow validation to count SMS segments.
 *
 * @example
 * ```ts
 * renderForSms({ text: "Choisissez:", choices: [{ value: "fr", label: "Français" }] });
 * // "Choisissez:\n1. Français"
 * ```
 */
export function renderForSms(out: OutMessage): string {
  if (!out.choices || out.choices.length === 0) return out.text;
  const lines = out.choices.map((choice, index) => `${index + 1}. ${choice.label}`);
  return `${out.text}\n${lines.join("\n")}`;
}

/** A Telegram inline keyboard button; `callback_data` is the choice number, so it parses like an SMS reply. */
export interface TelegramButton {
  text: string;
  callback_data: string;
}

/** A message shaped for the Telegram Bot API `sendMessage` (`reply_markup.inline_keyboard`). */
export interface TelegramRendering {
  text: string;
  inline_keyboard: TelegramButton[][];
}

/**
 * Renders a message for Telegram: the text alone, and one button per choice (one per row).
 * Each button's `callback_data` is the choice number as a string ("1", "2"...), which `parseChoice`
 * accepts like a typed reply, so a button press and an SMS reply go through the same path.
 */
export function renderForTelegram(out: OutMessage): TelegramRendering {
  const inline_keyboard = (out.choices ?? []).map((choice, index) => [
    { text: choice.label, callback_data: String(index + 1) },
  ]);
  return { text: out.text, inline_keyboard };
}

/** Encoding, length and segments of an SMS text, for the simulator and for logs. */
export function describeSms(text: string): SmsDescription {
  return smsSegments(text);
}
