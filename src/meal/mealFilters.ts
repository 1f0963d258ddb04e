import { z } from "zod";
import type { LocationDirectory } from "./LocationDirectory.js";
import { type Dimension, dimensionSchema } from "./logframeSchema.js";

const code = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.:+-]{1,64}$/, "a code");
const empty = (v: unknown) => (v === "" ? undefined : v);

/** Dashboard and export filters as they arrive in a query string (`from`/`to` inclusive dates). */
export const mealFiltersSchema = z.object({
  from: z.preprocess(empty, z.iso.date().optional()),
  to: z.preprocess(empty, z.iso.date().optional()),
  location: z.preprocess(empty, code.optional()),
  channel: z.preprocess(empty, z.enum(["sms", "whatsapp", "telegram", "web"]).optional()),
  sex: z.preprocess(empty, code.optional()),
  ageGroup: z.preprocess(empty, code.optional()),
});
export type MealFiltersInput = z.infer<typeof mealFiltersSchema>;

/** Up to two breakdowns, comma-separated: `by=location,sex`. */
export const byParamSchema = z.preprocess(
  (v) => (typeof v === "string" && v !== "" ? v.split(",") : undefined),
  z.array(dimensionSchema).min(1).max(2).optional(),
);

export const languageParamSchema = z.preprocess(empty, z.enum(["fr", "en", "sw"]).default("fr"));

/** Filters ready for SQL: half-open UTC period, the place and every place below it. */
export interface MealFilters {
  from: Date | null;
  /** Exclusive: the day after `to`. */
  until: Date | null;
  /** The chosen place and its descendants; null for everywhere. */
  locations: string[] | null;
  channel: string | null;
  sex: string | null;
  ageGroup: string | null;
}

/**
 * Resolves query filters: dates become a half-open UTC period, a place expands to itself and the
 * places below it (a territory covers its ETDs).
 */
export function resolveFilters(input: MealFiltersInput, places: LocationDirectory): MealFilters {
  return {
    from: input.from ? new Date(`${input.from}T00:00:00.000Z`) : null,
    until: input.to ? new Date(new Date(`${input.to}T00:00:00.000Z`).getTime() + 86_400_000) : null,
    locations: input.location ? places.descendants(input.location) : null,
    channel: input.channel ?? null,
    sex: input.sex ?? null,
    ageGroup: input.ageGroup ?? null,
  };
}

/** Filters that do not apply to message counts (messages carry no place, sex or age). */
export function filtersNotApplicableToMessages(filters: MealFilters): Dimension[] {
  const out: Dimension[] = [];
  if (filters.locations) out.push("location");
  if (filters.sex) out.push("sex");
  if (filters.ageGroup) out.push("ageGroup");
  return out;
}
