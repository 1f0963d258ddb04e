/**
 * Zod schemas and types for the reference data under `reference/`:
 * administrative locations, the service taxonomy, and the (fictional) demo committees and providers.
 *
 * Shape checks live here; cross-entry and cross-file checks (parents exist, codes referenced exist)
 * live in `loadReference.ts`.
 */
import { isValidPhoneNumber } from "libphonenumber-js";
import { z } from "zod";

// ---------------------------------------------------------------------------
// Enumerations shared with the domain
// ---------------------------------------------------------------------------

export const COUNTRY_CODES = ["CD", "GN", "CM"] as const;
export const countryCodeSchema = z.enum(COUNTRY_CODES);
export type CountryCode = z.infer<typeof countryCodeSchema>;

/** Languages the service writes to contacts and focal points in. */
export const MESSAGE_LANGUAGES = ["fr", "en", "sw"] as const;
export const messageLanguageSchema = z.enum(MESSAGE_LANGUAGES);
export type MessageLanguage = z.infer<typeof messageLanguageSchema>;

export const ALERT_CATEGORIES = [
  "armed_group",
  "intercommunity_conflict",
  "theft",
  "physical_violence",
  "sgbv",
  "abduction",
  "population_movement",
  "natural_hazard",
  "police_misconduct",
  "other",
] as const;
export const alertCategorySchema = z.enum(ALERT_CATEGORIES);
export type AlertCategory = z.infer<typeof alertCategorySchema>;

export const ALERT_URGENCIES = ["danger_now", "recent", "information"] as const;
export const alertUrgencySchema = z.enum(ALERT_URGENCIES);
export type AlertUrgency = z.infer<typeof alertUrgencySchema>;

export const FOCAL_POINT_ROLES = [
  "cls_president",
  "cls_member",
  "pnc_liaison",
  "protection",
  "provincial_focal",
  "duty_officer",
] as const;
export const focalPointRoleSchema = z.enum(FOCAL_POINT_ROLES);
export type FocalPointRole = z.infer<typeof focalPointRoleSchema>;

export const tierSchema = z.union([z.literal(1), z.literal(2), z.literal(3)]);
export type Tier = z.infer<typeof tierSchema>;

// ---------------------------------------------------------------------------
// GSM-7
// ---------------------------------------------------------------------------

/** The GSM 03.38 basic character set (one septet each; the extension table is deliberately excluded). */
const GSM7_BASIC = new Set(
  Array.from(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
  ),
);

/** True when every character of `text` is in the GSM-7 basic set (so an SMS stays GSM-7, not UCS-2). */
export function isGsm7Basic(text: string): boolean {
  for (const ch of text) {
    if (!GSM7_BASIC.has(ch)) return false;
  }
  return true;
}

/** A short menu label: non-empty, at most `max` characters, GSM-7 basic set only, no outer spaces. */
export function menuLabelSchema(max: number) {
  return z
    .string()
    .min(1)
    .max(max)
    .refine((s) => s.trim() === s, { message: "menu label has leading or trailing spaces" })
    .refine(isGsm7Basic, { message: "menu label is not GSM-7 (basic set)" });
}

export const ETD_MENU_LABEL_MAX = 18;
export const SERVICE_MENU_LABEL_MAX = 20;

// ---------------------------------------------------------------------------
// Codes and contact channels
// ---------------------------------------------------------------------------

/**
 * Location codes: ISO 3166-1 alpha-2 country, then `-`-separated upper-case ASCII segments, each child's code
 * being its parent's code plus one segment (`CD-TA-KAL-TUMBWE`, `GN-D-KINDIA`); `_` joins words inside a segment.
 */
export const locationCodeSchema = z
  .string()
  .regex(/^[A-Z]{2}(-[A-Z0-9]+(_[A-Z0-9]+)*)*$/, { message: "location code must look like CD-TA-KAL-TUMBWE" });

/** Service codes: lower snake_case (`mhpss`, `vocational_training`). */
export const serviceCodeSchema = z
  .string()
  .regex(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/, { message: "service code must be lower snake_case" });

/** Codes of committees, focal points and providers: upper-case ASCII segments joined by `-` (`CLS-CD-TA-KAL-TUMBWE`). */
export const entityCodeSchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]*(-[A-Z0-9_]+)*$/, { message: "code must be upper-case ASCII segments joined by '-'" });

/** An E.164 phone number that libphonenumber-js considers valid. */
export const phoneNumberSchema = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, { message: "phone number must be E.164 (+243...)" })
  .refine((s) => isValidPhoneNumber(s), { message: "phone number is not a valid number for its country" });

/** A Telegram chat id, as a string of digits (negative for groups). */
export const telegramChatIdSchema = z.string().regex(/^-?\d{1,20}$/, { message: "Telegram chat id must be numeric" });

/** ISO 639-1 or 639-3 language code (`fr`, `ff`, `sus`, `emk`...). */
export const languageTagSchema = z.string().regex(/^[a-z]{2,3}$/, { message: "language must be an ISO 639 code" });

// ---------------------------------------------------------------------------
// Locations
// ---------------------------------------------------------------------------

export const LOCATION_LEVELS = [
  "country",
  "province",
  "territory",
  "town",
  "etd",
  "region",
  "prefecture",
  "department",
] as const;
export const locationLevelSchema = z.enum(LOCATION_LEVELS);
export type LocationLevel = z.infer<typeof locationLevelSchema>;

/** Levels each country's file may use. */
export const COUNTRY_LEVELS: Readonly<Record<CountryCode, readonly LocationLevel[]>> = {
  CD: ["country", "province", "territory", "town", "etd"],
  GN: ["country", "region", "prefecture"],
  CM: ["country", "region", "department"],
};

/** The level(s) a location's parent must have (`null`: no parent). */
export const PARENT_LEVELS: Readonly<Record<LocationLevel, readonly LocationLevel[] | null>> = {
  country: null,
  province: ["country"],
  territory: ["province"],
  town: ["province"],
  etd: ["territory", "town"],
  region: ["country"],
  prefecture: ["region"],
  department: ["region"],
};

export const locationSchema = z
  .strictObject({
    code: locationCodeSchema,
    name: z.string().min(1),
    level: locationLevelSchema,
    parent: locationCodeSchema.nullable(),
    /** Local kind of entity: `chefferie`, `secteur`, `commune`, `ville`, `territoire`, `zone_speciale`... */
    kind: z.string().min(1).optional(),
    /** ISO 3166-2 code, when the entity has one. */
    iso: z
      .string()
      .regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/)
      .optional(),
    /** Other spellings and names (English names, accents dropped...), to match free text. */
    altNames: z.array(z.string().min(1)).optional(),
    /** Chef-lieu. */
    capital: z.string().min(1).optional(),
    /** Short label for SMS menus (ETDs). */
    menuLabel: menuLabelSchema(ETD_MENU_LABEL_MAX).optional(),
    /** Part of a pilot (the six CLS ETDs of Tanganyika). */
    pilot: z.boolean().optional(),
    note: z.string().min(1).optional(),
  })
  .superRefine((loc, ctx) => {
    if (loc.level === "country" && loc.parent !== null) {
      ctx.addIssue({ code: "custom", path: ["parent"], message: "a country has no parent" });
    }
    if (loc.level !== "country" && loc.parent === null) {
      ctx.addIssue({ code: "custom", path: ["parent"], message: `a ${loc.level} needs a parent` });
    }
    if (loc.level === "etd" && loc.menuLabel === undefined) {
      ctx.addIssue({ code: "custom", path: ["menuLabel"], message: "an ETD needs a menuLabel" });
    }
  });
export type Location = z.infer<typeof locationSchema>;

export const locationsFileSchema = z.strictObject({
  country: countryCodeSchema,
  description: z.string().optional(),
  codeScheme: z.string().optional(),
  locations: z.array(locationSchema).min(1),
});
export type LocationsFile = z.infer<typeof locationsFileSchema>;

// ---------------------------------------------------------------------------
// Services
// ---------------------------------------------------------------------------

const labelsSchema = z.strictObject({ fr: z.string().min(1), en: z.string().min(1), sw: z.string().min(1) });
const serviceMenuLabel = menuLabelSchema(SERVICE_MENU_LABEL_MAX);

export const serviceSchema = z.strictObject({
  code: serviceCodeSchema,
  parent: serviceCodeSchema.optional(),
  labels: labelsSchema,
  menuLabel: z.strictObject({ fr: serviceMenuLabel, en: serviceMenuLabel, sw: serviceMenuLabel }),
});
export type Service = z.infer<typeof serviceSchema>;

export const servicesFileSchema = z.strictObject({
  description: z.string().optional(),
  services: z.array(serviceSchema).min(1),
});
export type ServicesFile = z.infer<typeof servicesFileSchema>;

// ---------------------------------------------------------------------------
// Demo committees (early warning, DR Congo)
// ---------------------------------------------------------------------------

const hasAChannel = (channels: Record<string, string | undefined>): boolean =>
  Object.values(channels).some((v) => v !== undefined);

export const committeeChannelsSchema = z
  .strictObject({ sms: phoneNumberSchema.optional(), telegram: telegramChatIdSchema.optional() })
  .refine(hasAChannel, { message: "a focal point needs at least one channel" });

export const demoCommitteeFocalPointSchema = z.strictObject({
  code: entityCodeSchema,
  name: z.string().min(1),
  role: focalPointRoleSchema,
  language: z.enum(["fr", "sw"]),
  channels: committeeChannelsSchema,
  fictional: z.literal(true),
});
export type DemoCommitteeFocalPoint = z.infer<typeof demoCommitteeFocalPointSchema>;

export const COMMITTEE_KINDS = ["cls", "protection", "provincial", "programme"] as const;

export const demoCommitteeSchema = z.strictObject({
  code: entityCodeSchema,
  name: z.string().min(1),
  kind: z.enum(COMMITTEE_KINDS),
  /** The escalation tier at which this committee is notified. */
  tier: tierSchema,
  location: locationCodeSchema,
  focalPoints: z.array(demoCommitteeFocalPointSchema).min(1),
  fictional: z.literal(true),
});
export type DemoCommittee = z.infer<typeof demoCommitteeSchema>;

/**
 * A routing rule matches an alert when each non-null selector (`etd`, `category`, `urgency`) equals the alert's.
 * An include rule notifies the focal points of `committee` holding one of `roles` when the alert reaches `tier`.
 * An exclude rule (`exclude: true`) keeps those focal points from receiving the alert from `tier` on, whatever
 * the include rules say.
 */
export const routingRuleSchema = z.strictObject({
  etd: locationCodeSchema.nullable(),
  category: alertCategorySchema.nullable(),
  urgency: alertUrgencySchema.nullable(),
  committee: entityCodeSchema,
  roles: z.array(focalPointRoleSchema).min(1),
  tier: tierSchema,
  exclude: z.literal(true).optional(),
});
export type RoutingRule = z.infer<typeof routingRuleSchema>;

export const demoCommitteesFileSchema = z.strictObject({
  description: z.string().optional(),
  routingSemantics: z.string().optional(),
  fictional: z.literal(true),
  committees: z.array(demoCommitteeSchema).min(1),
  routingRules: z.array(routingRuleSchema).min(1),
});
export type DemoCommitteesFile = z.infer<typeof demoCommitteesFileSchema>;

// ---------------------------------------------------------------------------
// Demo providers (referral mechanism, Guinea and Cameroon)
// ---------------------------------------------------------------------------

export const providerChannelsSchema = z
  .strictObject({
    sms: phoneNumberSchema.optional(),
    whatsapp: phoneNumberSchema.optional(),
    telegram: telegramChatIdSchema.optional(),
  })
  .refine(hasAChannel, { message: "a focal point needs at least one channel" });

export const demoProviderFocalPointSchema = z.strictObject({
  code: entityCodeSchema,
  name: z.string().min(1),
  language: messageLanguageSchema,
  channels: providerChannelsSchema,
  fictional: z.literal(true),
});
export type DemoProviderFocalPoint = z.infer<typeof demoProviderFocalPointSchema>;

export const eligibilitySchema = z
  .strictObject({
    sex: z.enum(["female", "male"]).optional(),
    minAge: z.number().int().min(0).max(120).optional(),
    maxAge: z.number().int().min(0).max(120).optional(),
    /** ISO 3166-1 alpha-2 codes. */
    nationalities: z
      .array(z.string().regex(/^[A-Z]{2}$/))
      .min(1)
      .optional(),
  })
  .refine((e) => e.minAge === undefined || e.maxAge === undefined || e.minAge <= e.maxAge, {
    message: "minAge is greater than maxAge",
  });
export type Eligibility = z.infer<typeof eligibilitySchema>;

export const demoProviderSchema = z
  .strictObject({
    code: entityCodeSchema,
    name: z.string().min(1),
    country: countryCodeSchema,
    services: z.array(serviceCodeSchema).min(1),
    /** Location codes served: prefectures/departments, regions, or the country for national providers. */
    areas: z.array(locationCodeSchema).min(1),
    eligibility: eligibilitySchema,
    languages: z.array(languageTagSchema).min(1),
    hours: z.string().min(1),
    address: z.string().min(1),
    phone: phoneNumberSchema,
    takesReferrals: z.boolean(),
    focalPoints: z.array(demoProviderFocalPointSchema),
    note: z.string().min(1).optional(),
    fictional: z.literal(true),
  })
  .superRefine((p, ctx) => {
    if (p.takesReferrals && p.focalPoints.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["focalPoints"],
        message: "a provider that takes referrals needs at least one focal point",
      });
    }
  });
export type DemoProvider = z.infer<typeof demoProviderSchema>;

export const demoProvidersFileSchema = z.strictObject({
  description: z.string().optional(),
  fictional: z.literal(true),
  providers: z.array(demoProviderSchema).min(1),
});
export type DemoProvidersFile = z.infer<typeof demoProvidersFileSchema>;
