import { z } from "zod";
import { userRoles } from "./AuthUser.js";

/** A password an administrator sets: long rather than complex (NIST SP 800-63B). */
export const newPasswordSchema = z.string().min(12, "at least 12 characters").max(256);

export const createUserSchema = z.strictObject({
  email: z.email().trim().toLowerCase().max(254),
  name: z.string().trim().min(1).max(120).optional(),
  role: z.enum(userRoles),
  password: newPasswordSchema,
  canSeeSensitive: z.boolean().default(false),
});

export const updateUserSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(120).nullable().optional(),
    role: z.enum(userRoles).optional(),
    canSeeSensitive: z.boolean().optional(),
    active: z.boolean().optional(),
    password: newPasswordSchema.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "nothing to change");

export const createTokenSchema = z.strictObject({ name: z.string().trim().min(1).max(80) });

export const changeOwnPasswordSchema = z.strictObject({
  currentPassword: z.string().min(1).max(1024),
  newPassword: newPasswordSchema,
});

export const idParamSchema = z.object({ id: z.uuid() });
export const tokenParamSchema = z.object({ id: z.uuid(), tokenId: z.uuid() });

export const outboxQuerySchema = z.object({
  status: z.enum(["failed", "dead", "pending", "sending", "sent", "cancelled"]).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.uuid().optional(),
});

export const auditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(100),
  /** The id of the last entry of the previous page. */
  before: z.coerce.bigint().optional(),
  action: z
    .string()
    .regex(/^[a-z_.]+$/)
    .max(60)
    .optional(),
});

export const feedbackQuerySchema = z.object({
  status: z.enum(["open", "in_progress", "closed"]).optional(),
  type: z.enum(["thanks", "suggestion", "complaint", "sensitive"]).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().positive().optional(),
});

export const feedbackUpdateSchema = z.strictObject({ status: z.enum(["open", "in_progress", "closed"]) });
