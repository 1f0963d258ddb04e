import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js";
import { z } from "zod";
import {
  alertCategorySchema,
  alertUrgencySchema,
  entityCodeSchema,
  focalPointRoleSchema,
  locationCodeSchema,
  messageLanguageSchema,
  telegramChatIdSchema,
} from "../../reference/referenceSchemas.js";
import { COMMITTEE_KINDS } from "../alertCodes.js";
import type { TableKind } from "./readTables.js";

/** Other names accepted for each column (after `normaliseColumn`), per table kind. */
export const columnAliases: Readonly<Record<TableKind, Readonly<Record<string, string>>>> = {
  committees: {
    nom: "name",
    type: "kind",
    palier: "tier",
    etd: "location",
    lieu: "location",
    location_code: "location",
  },
  focal_points: {
    nom: "name",
    role_code: "role",
    langue: "language",
    lang: "language",
    comite: "committee",
    committee_code: "committee",
    phone: "sms",
    telephone: "sms",
    sms_phone: "sms",
    telegram_chat_id: "telegram",
    whatsapp_phone: "whatsapp",
    actif: "active",
  },
  routing_rules: {
    location: "etd",
    lieu: "etd",
    categorie: "category",
    urgence: "urgency",
    comite: "committee",
    committee_code: "committee",
    role: "roles",
    palier: "tier",
    exclure: "exclude",
    actif: "active",
  },
};

/** The columns each kind knows (the canonical names). */
export const knownColumns: Readonly<Record<TableKind, readonly string[]>> = {
  committees: ["code", "name", "kind", "tier", "location"],
  focal_points: ["code", "name", "role", "language", "committee", "sms", "telegram", "whatsapp", "active"],
  routing_rules: ["etd", "category", "urgency", "committee", "roles", "tier", "exclude", "active"],
};

const trueWords = new Set(["yes", "oui", "true", "vrai", "1", "y", "o", "ndiyo", "x"]);
const falseWords = new Set(["no", "non", "false", "faux", "0", "n", "hapana"]);

const yesNo = z.string().transform((s, ctx) => {
  const folded = s.trim().toLowerCase();
  if (trueWords.has(folded)) return true;
  if (falseWords.has(folded)) return false;
  ctx.addIssue({ code: "custom", message: `"${s}" is not yes/no (oui/non, true/false, 1/0)` });
  return z.NEVER;
});

const tier = z.coerce
  .number()
  .int("tier must be 1, 2 or 3")
  .min(1, "tier must be 1, 2 or 3")
  .max(3, "tier must be 1, 2 or 3");
const upper = <O>(schema: z.ZodType<O, string>) =>
  z
    .string()
    .transform((s) => s.trim().toUpperCase())
    .pipe(schema);
const lower = <O>(schema: z.ZodType<O, string>) =>
  z
    .string()
    .transform((s) => s.trim().toLowerCase())
    .pipe(schema);
const text = z.string().trim().min(1).max(200);

/** A phone in E.164, or written locally (`0812345678`) for `region`. */
function phone(region: CountryCode) {
  return z.string().transform((s, ctx) => {
    const parsed = parsePhoneNumberFromString(s.replace(/[\s.()-]/g, ""), region);
    if (parsed?.isValid()) return parsed.number;
    // The value is not echoed: reports and terminals must not collect phone numbers.
    ctx.addIssue({ code: "custom", message: "not a valid phone number (write +243... or a local number)" });
    return z.NEVER;
  });
}

/** Row of a committees table. */
export const committeeRow = z.object({
  code: upper(entityCodeSchema),
  name: text,
  kind: lower(z.enum(COMMITTEE_KINDS)),
  tier,
  location: upper(locationCodeSchema).optional(),
});

/** Row of a focal points table (phones may be written locally, for `region`). */
export function focalPointRow(region: CountryCode) {
  return z.object({
    code: upper(entityCodeSchema),
    name: text,
    role: lower(focalPointRoleSchema),
    language: lower(messageLanguageSchema).default("fr"),
    committee: upper(entityCodeSchema),
    sms: phone(region).optional(),
    telegram: z.string().trim().pipe(telegramChatIdSchema).optional(),
    whatsapp: phone(region).optional(),
    active: yesNo.optional(),
  });
}

const roleList = z
  .string()
  .transform((s) =>
    s
      .split(/[|,;/\s]+/)
      .map((r) => r.trim().toLowerCase())
      .filter((r) => r !== ""),
  )
  .pipe(z.array(focalPointRoleSchema).min(1, "at least one role"));

/** Row of a routing rules table: an empty `etd`, `category`, `urgency` or `committee` matches any. */
export const routingRuleRow = z.object({
  etd: upper(locationCodeSchema).optional(),
  category: lower(alertCategorySchema).optional(),
  urgency: lower(alertUrgencySchema).optional(),
  committee: upper(entityCodeSchema).optional(),
  roles: roleList,
  tier,
  exclude: yesNo.optional(),
  active: yesNo.optional(),
});
