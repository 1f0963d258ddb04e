import { z } from "zod";
import {
  eligibilitySchema,
  entityCodeSchema,
  locationCodeSchema,
  messageLanguageSchema,
  serviceCodeSchema,
} from "../reference/referenceSchemas.js";

/** A phone number in E.164 (`+224620000001`), or a web-simulator address (`sim:+224620000001`). */
export const directoryPhoneSchema = z
  .string()
  .trim()
  .regex(/^(sim:)?\+[1-9]\d{6,14}$/, "must be an E.164 number like +224620000001");

/** A Telegram chat id (digits, negative for groups). */
export const telegramChatSchema = z
  .string()
  .trim()
  .regex(/^-?\d{4,20}$/, "must be a Telegram chat id (digits)");

/** A provider's focal point as the API and the importer take it: who answers referrals, on which channels. */
export const focalPointInputSchema = z
  .object({
    /** Stable code; defaults to `<provider code>-FP<n>`. */
    code: entityCodeSchema.optional(),
    name: z.string().trim().min(1).max(120),
    language: messageLanguageSchema.default("fr"),
    sms: directoryPhoneSchema.optional(),
    whatsapp: directoryPhoneSchema.optional(),
    telegram: telegramChatSchema.optional(),
    active: z.boolean().default(true),
  })
  .refine((fp) => fp.sms !== undefined || fp.whatsapp !== undefined || fp.telegram !== undefined, {
    message: "a focal point needs at least one of sms, whatsapp, telegram",
  });
export type FocalPointInput = z.output<typeof focalPointInputSchema>;

/** A provider of the directory, as created or replaced through the API, an import or the demo seed. */
export const providerInputSchema = z.object({
  code: entityCodeSchema,
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(2000).nullish(),
  country: z.string().regex(/^[A-Z]{2}$/, "must be an ISO country code like GN"),
  /** Service codes of `reference/services.json`. */
  services: z.array(serviceCodeSchema).min(1),
  /** Location codes served: prefectures/departments, regions, or the country for national providers. */
  areas: z.array(locationCodeSchema).min(1),
  eligibility: eligibilitySchema.default({}),
  languages: z.array(z.string().trim().min(2).max(8)).default([]),
  hours: z.string().trim().max(200).nullish(),
  address: z.string().trim().max(300).nullish(),
  phone: directoryPhoneSchema.nullish(),
  takesReferrals: z.boolean().default(true),
  fictional: z.boolean().default(false),
  focalPoints: z.array(focalPointInputSchema).max(20).default([]),
});
export type ProviderInput = z.output<typeof providerInputSchema>;
