import path from "node:path";
import { envSchema, secretVariables } from "./configSchema.js";

/** Validated configuration, grouped per integration. */
export interface Config {
  env: "development" | "production" | "test";
  server: {
    port: number;
    publicUrl: string;
    logLevel: string;
    /** Express `trust proxy`: false, a number of hops, or addresses/subnets (`TRUST_PROXY`). */
    trustProxy: false | number | string;
  };
  database: { url: string | undefined; dataDir: string };
  telegram: { token: string; webhookSecret: string | undefined; apiRoot: string; mode: "webhook" | "polling" } | null;
  twilio: {
    accountSid: string;
    authToken: string;
    smsFrom: string | undefined;
    whatsappFrom: string | undefined;
    apiBaseUrl: string;
    whatsappTemplateSid: string | undefined;
  } | null;
  admin: { email: string; password: string } | null;
  meal: { pseudonymSecret: string | undefined };
  i18n: { defaultLanguage: string; languages: string[]; defaultPhoneRegion: string };
  alerts: { escalationMinutes: { danger_now: number; recent: number; information: number } };
  referrals: { responseHours: number; followUpDays: number };
  retention: { messageDays: number; contactDays: number };
  rates: {
    smsPerSecond: number;
    whatsappPerSecond: number;
    telegramPerSecond: number;
    telegramPerChatPerSecond: number;
  };
  missedCallsPerHour: number;
  outboxWorkers: number;
  jobsEnabled: boolean;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/**
 * Validates the environment once, at start. Empty values count as absent. Errors come back as one
 * line per field, and never contain the value of a secret.
 *
 * @example
 * const result = loadConfig(process.env);
 * if (!result.ok) { for (const line of result.errors) console.error(line); process.exit(1); }
 */
export function loadConfig(source: Record<string, string | undefined>): ConfigResult {
  const raw = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v.trim() !== ""));
  const parsed = envSchema.safeParse(raw);
  const errors = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const field = issue.path.join(".") || "(environment)";
        const shown = secretVariables.has(field) ? "" : describeValue(raw[field]);
        return `${field}: ${issue.message}${shown}`;
      });
  errors.push(...crossFieldErrors(raw));
  if (!parsed.success || errors.length > 0) return { ok: false, errors };
  const e = parsed.data;
  const languages = e.LANGUAGES.split(",");
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");
  return {
    ok: true,
    config: {
      env: e.NODE_ENV,
      server: { port: e.PORT, publicUrl, logLevel: e.LOG_LEVEL, trustProxy: e.TRUST_PROXY },
      database: { url: e.DATABASE_URL, dataDir: path.resolve(e.DATA_DIR) },
      telegram: e.TELEGRAM_BOT_TOKEN
        ? {
            token: e.TELEGRAM_BOT_TOKEN,
            webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
            apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ""),
            mode: e.TELEGRAM_MODE,
          }
        : null,
      twilio:
        e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN
          ? {
              accountSid: e.TWILIO_ACCOUNT_SID,
              authToken: e.TWILIO_AUTH_TOKEN,
              smsFrom: e.TWILIO_SMS_FROM,
              whatsappFrom: e.TWILIO_WHATSAPP_FROM,
              apiBaseUrl: e.TWILIO_API_BASE_URL.replace(/\/+$/, ""),
              whatsappTemplateSid: e.TWILIO_WHATSAPP_TEMPLATE_SID,
            }
          : null,
      admin: e.ADMIN_EMAIL && e.ADMIN_PASSWORD ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD } : null,
      meal: { pseudonymSecret: e.PSEUDONYM_SECRET },
      i18n: { defaultLanguage: e.DEFAULT_LANGUAGE, languages, defaultPhoneRegion: e.DEFAULT_PHONE_REGION },
      alerts: {
        escalationMinutes: {
          danger_now: e.ESCALATE_DANGER_NOW_MINUTES,
          recent: e.ESCALATE_RECENT_MINUTES,
          information: e.ESCALATE_INFORMATION_MINUTES,
        },
      },
      referrals: { responseHours: e.REFERRAL_RESPONSE_HOURS, followUpDays: e.FOLLOW_UP_DAYS },
      retention: { messageDays: e.RETENTION_MESSAGE_DAYS, contactDays: e.RETENTION_CONTACT_DAYS },
      rates: {
        smsPerSecond: e.RATE_SMS_PER_SECOND,
        whatsappPerSecond: e.RATE_WHATSAPP_PER_SECOND,
        telegramPerSecond: e.RATE_TELEGRAM_PER_SECOND,
        telegramPerChatPerSecond: e.RATE_TELEGRAM_PER_CHAT_PER_SECOND,
      },
      missedCallsPerHour: e.MISSED_CALLS_PER_HOUR,
      outboxWorkers: e.OUTBOX_WORKERS,
      jobsEnabled: e.JOBS_ENABLED,
    },
  };
}

/** Rules between fields, checked on the raw values so they show up beside per-field errors. */
function crossFieldErrors(raw: Record<string, string | undefined>): string[] {
  const errors: string[] = [];
  const mode = raw.TELEGRAM_MODE ?? "webhook";
  if (raw.TELEGRAM_BOT_TOKEN && mode === "webhook" && !raw.TELEGRAM_WEBHOOK_SECRET) {
    errors.push(
      "TELEGRAM_WEBHOOK_SECRET: required with TELEGRAM_BOT_TOKEN in webhook mode (or set TELEGRAM_MODE=polling)",
    );
  }
  const twilioSet = [raw.TWILIO_ACCOUNT_SID, raw.TWILIO_AUTH_TOKEN].filter(Boolean).length;
  if (twilioSet === 1) errors.push("TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN: set both or neither");
  if (twilioSet === 2 && !raw.TWILIO_SMS_FROM && !raw.TWILIO_WHATSAPP_FROM) {
    errors.push("TWILIO_SMS_FROM: set TWILIO_SMS_FROM and/or TWILIO_WHATSAPP_FROM to send with Twilio");
  }
  if (Boolean(raw.ADMIN_EMAIL) !== Boolean(raw.ADMIN_PASSWORD))
    errors.push("ADMIN_EMAIL, ADMIN_PASSWORD: set both or neither");
  const languages = (raw.LANGUAGES ?? "fr,en,sw").split(",");
  const defaultLanguage = raw.DEFAULT_LANGUAGE ?? "fr";
  if (!languages.includes(defaultLanguage)) errors.push(`DEFAULT_LANGUAGE: "${defaultLanguage}" is not in LANGUAGES`);
  if (raw.NODE_ENV === "production" && !raw.PSEUDONYM_SECRET) errors.push("PSEUDONYM_SECRET: required in production");
  return errors;
}

function describeValue(value: string | undefined): string {
  if (value === undefined) return "";
  const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return ` (got "${shown}")`;
}
