import { z } from "zod";
import { foldText } from "../engine/foldText.js";
import { ALERT_CATEGORIES, ALERT_URGENCIES } from "./alertCodes.js";

export const alertCategory = z.enum(ALERT_CATEGORIES);
export const alertUrgency = z.enum(ALERT_URGENCIES);

// Replies that mean "nothing to add" to the optional description.
const skipWords = new Set(["0", "-", ".", "non", "no", "rien", "aucun", "hapana", "skip", "passer"]);

/**
 * The variables `flows/alert.yaml` collects, as `alert.create` reads them: the place is a pin
 * (`{ latitude, longitude, label? }`) or a written village (`{ text }`); a description of "0",
 * "non", "hapana"... means none.
 */
export const alertVariables = z.object({
  category: alertCategory,
  urgency: alertUrgency,
  etd: z.string().min(2),
  place: z
    .union([
      z.object({
        latitude: z.number().min(-90).max(90),
        longitude: z.number().min(-180).max(180),
        label: z.string().optional(),
      }),
      z.object({ text: z.string() }),
    ])
    .optional(),
  description: z
    .string()
    .optional()
    .transform((text) => {
      const trimmed = text?.trim() ?? "";
      return trimmed === "" || skipWords.has(foldText(trimmed)) ? null : trimmed.slice(0, 1000);
    }),
  anonymous: z.boolean(),
});
export type AlertVariables = z.output<typeof alertVariables>;
