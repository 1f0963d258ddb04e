import { type DestinationStream, type Logger, pino } from "pino";

/** Keys whose values are personal data or secrets: replaced wherever they appear in a log object. */
const sensitiveKeys = new Set(
  [
    "phone",
    "phonenumber",
    "from",
    "to",
    "address",
    "recipient",
    "text",
    "body",
    "message_text",
    "name",
    "displayname",
    "firstname",
    "lastname",
    "first_name",
    "last_name",
    "username",
    "email",
    "password",
    "token",
    "authtoken",
    "authorization",
    "cookie",
    "set-cookie",
    "x-twilio-signature",
    "x-telegram-bot-api-secret-token",
    "secret",
    "description",
    "note",
    "comment",
    "caption",
    "latitude",
    "longitude",
  ].map((k) => k.toLowerCase()),
);

// A run of 8+ digits with phone punctuation, standing alone (not inside an id such as a MessageSid).
const phonePattern = /(?<![\w+])(?:whatsapp:)?\+?\d[\d\s().-]{6,}\d(?!\w)/g;
const botTokenPattern = /(?<!\d)\d{6,}:[\w-]{20,}/g;
const REDACTED = "[redacted]";

/**
 * Replaces personal data in anything about to be logged: values under sensitive keys, and any
 * phone-number-like or bot-token-like run of characters inside strings.
 */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrubString(value);
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) return scrub(pino.stdSerializers.err(value), depth + 1);
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = sensitiveKeys.has(key.toLowerCase()) && v !== undefined && v !== null ? REDACTED : scrub(v, depth + 1);
  }
  return out;
}

function scrubString(s: string): string {
  return s
    .replace(botTokenPattern, REDACTED)
    .replace(phonePattern, (m) => (m.replace(/\D/g, "").length >= 8 ? REDACTED : m));
}

/**
 * Structured JSON logger (pino) that never writes phone numbers, names, message text or tokens.
 *
 * @example
 * const log = createLogger({ level: "info" });
 * log.info({ contactId }, "inbound message stored");
 */
export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: "relais" },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Errors are serialised inside `scrub` (formatters run before serializers in pino).
      serializers: { err: (value: unknown) => value },
      formatters: {
        log: (object) => scrub(object) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const cleaned = args.map((a) => (typeof a === "string" ? scrubString(a) : a));
          method.apply(this, cleaned as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}

export type { Logger };
