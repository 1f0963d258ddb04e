import { isIP } from "node:net";
import { z } from "zod";

// 0 asks the OS for a free port (tests, benchmarks).
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const minutes = z.coerce.number().positive();

/** Environment variables as read from `process.env`: every field optional for `npm start`. */
export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: port.default(3000),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATA_DIR: z.string().default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgresql:// or postgres://")
    .optional(),
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[\w-]{20,}$/, "must look like 123456:ABC-... (from @BotFather)")
    .optional(),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, "must be 16-256 characters of A-Z a-z 0-9 _ -")
    .optional(),
  TELEGRAM_API_ROOT: z.url().default("https://api.telegram.org"),
  TELEGRAM_MODE: z.enum(["webhook", "polling"]).default("webhook"),
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, "must be AC followed by 32 hex characters")
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  TWILIO_SMS_FROM: z
    .string()
    .regex(/^(\+\d{6,15}|MG[0-9a-fA-F]{32})$/, "must be an E.164 number (+...) or a Messaging Service SID (MG...)")
    .optional(),
  TWILIO_WHATSAPP_FROM: z
    .string()
    .regex(/^whatsapp:\+\d{6,15}$/, "must look like whatsapp:+14155238886")
    .optional(),
  TWILIO_API_BASE_URL: z.url().default("https://api.twilio.com"),
  /** Content template used for business-initiated WhatsApp messages outside the 24-hour window. */
  TWILIO_WHATSAPP_TEMPLATE_SID: z
    .string()
    .regex(/^HX[0-9a-fA-F]{32}$/, "must be a Content SID (HX...)")
    .optional(),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").optional(),
  PSEUDONYM_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  DEFAULT_LANGUAGE: z
    .string()
    .regex(/^[a-z]{2,3}$/)
    .default("fr"),
  LANGUAGES: z
    .string()
    .regex(/^[a-z]{2,3}(,[a-z]{2,3})*$/, "must be a comma-separated list like fr,en,sw")
    .default("fr,en,sw"),
  DEFAULT_PHONE_REGION: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .default("CD"),
  ESCALATE_DANGER_NOW_MINUTES: minutes.default(15),
  ESCALATE_RECENT_MINUTES: minutes.default(120),
  ESCALATE_INFORMATION_MINUTES: minutes.default(1440),
  REFERRAL_RESPONSE_HOURS: z.coerce.number().positive().default(48),
  FOLLOW_UP_DAYS: z.coerce.number().positive().default(7),
  RETENTION_MESSAGE_DAYS: positiveInt.default(90),
  RETENTION_CONTACT_DAYS: positiveInt.default(365),
  RATE_SMS_PER_SECOND: z.coerce.number().positive().default(1),
  RATE_WHATSAPP_PER_SECOND: z.coerce.number().positive().default(80),
  RATE_TELEGRAM_PER_SECOND: z.coerce.number().positive().default(30),
  RATE_TELEGRAM_PER_CHAT_PER_SECOND: z.coerce.number().positive().default(1),
  MISSED_CALLS_PER_HOUR: positiveInt.default(3),
  OUTBOX_WORKERS: positiveInt.default(1),
  // Behind a TLS proxy / load balancer: which hops to believe for the client address (sign-in
  // limits count per address). "true" (believe anyone's X-Forwarded-For) is refused: spoofable.
  TRUST_PROXY: z
    .string()
    .default("false")
    .refine(
      (v) => v === "false" || /^[1-9]$/.test(v) || v.split(",").every((part) => isProxyAddress(part.trim())),
      'must be "false", a number of proxy hops (1-9), or a comma-separated list of loopback, linklocal, uniquelocal, addresses or CIDRs',
    )
    .transform((v): false | number | string => (v === "false" ? false : /^[1-9]$/.test(v) ? Number(v) : v)),
  JOBS_ENABLED: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
});

export type Env = z.infer<typeof envSchema>;

/** Names of variables whose values must never be printed. */
export const secretVariables = new Set([
  "DATABASE_URL",
  "TELEGRAM_BOT_TOKEN",
  "TELEGRAM_WEBHOOK_SECRET",
  "TWILIO_AUTH_TOKEN",
  "ADMIN_PASSWORD",
  "PSEUDONYM_SECRET",
]);

/** One entry of a `TRUST_PROXY` list: a named subnet, an IP address, or an address/prefix. */
function isProxyAddress(part: string): boolean {
  if (part === "loopback" || part === "linklocal" || part === "uniquelocal") return true;
  const [address = "", prefix, ...rest] = part.split("/");
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128));
}
