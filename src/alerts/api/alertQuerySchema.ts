import { z } from "zod";
import { alertCategorySchema, alertUrgencySchema, locationCodeSchema } from "../../reference/referenceSchemas.js";

const statuses = z.enum(["open", "acknowledged", "closed"]);
const commaList = z.string().transform((s) =>
  s
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== ""),
);

/**
 * Filters of `GET /api/alerts`: `status`, `category`, `urgency` (one value or a comma-separated
 * list), `location` (an ETD or any place above it: `CD-TA-KAL` lists Tumbwe's alerts), `from` and
 * `to` (dates or date-times on `createdAt`, `to` exclusive), `page` (from 1) and `pageSize` (≤ 100).
 */
export const alertQuerySchema = z.object({
  status: commaList.pipe(z.array(statuses).min(1)).optional(),
  category: commaList.pipe(z.array(alertCategorySchema).min(1)).optional(),
  urgency: commaList.pipe(z.array(alertUrgencySchema).min(1)).optional(),
  location: locationCodeSchema.optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type AlertQuery = z.output<typeof alertQuerySchema>;

/** An alert reference in a path: `A-1042` (any case) or the alert's uuid. */
export const alertRefParam = z.union([
  z.uuid(),
  z
    .string()
    .regex(/^a-?\d{1,9}$/i)
    .transform((s) => `A-${s.replace(/^a-?/i, "")}`),
]);
