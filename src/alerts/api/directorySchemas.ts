import { z } from "zod";
import {
  alertCategorySchema,
  alertUrgencySchema,
  entityCodeSchema,
  focalPointRoleSchema,
  locationCodeSchema,
  messageLanguageSchema,
  phoneNumberSchema,
  telegramChatIdSchema,
  tierSchema,
} from "../../reference/referenceSchemas.js";
import { COMMITTEE_KINDS } from "../alertCodes.js";

const name = z.string().trim().min(1).max(200);

/** `POST /api/committees`. */
export const committeeBody = z.strictObject({
  code: entityCodeSchema,
  name,
  kind: z.enum(COMMITTEE_KINDS),
  tier: tierSchema,
  location: locationCodeSchema.nullable(),
});
/** `PATCH /api/committees/:code` (the code itself does not change). */
export const committeePatch = committeeBody.omit({ code: true }).partial();

const addressFields = {
  sms: phoneNumberSchema.optional(),
  telegram: telegramChatIdSchema.optional(),
  whatsapp: phoneNumberSchema.optional(),
};

/** `POST /api/focal-points`. */
export const focalPointBody = z.strictObject({
  code: entityCodeSchema,
  name,
  role: focalPointRoleSchema,
  language: messageLanguageSchema,
  committee: entityCodeSchema.nullable(),
  active: z.boolean().optional(),
  ...addressFields,
});
/** `PATCH /api/focal-points/:code`; `removeAddresses` drops addresses of those channels. */
export const focalPointPatch = focalPointBody
  .omit({ code: true })
  .partial()
  .extend({ removeAddresses: z.array(z.enum(["sms", "telegram", "whatsapp"])).optional() });

/** `POST /api/routing-rules` (`etd`, `category`, `urgency`, `committee`: null matches any). */
export const routingRuleBody = z.strictObject({
  etd: locationCodeSchema.nullable(),
  category: alertCategorySchema.nullable(),
  urgency: alertUrgencySchema.nullable(),
  committee: entityCodeSchema.nullable(),
  roles: z.array(focalPointRoleSchema).min(1),
  tier: tierSchema,
  exclude: z.boolean().default(false),
  active: z.boolean().optional(),
});
export const routingRulePatch = routingRuleBody.partial();

/** A route parameter that must be a uuid (routing rules have no code). */
export const uuidParam = z.uuid();
