import { z } from "zod";

/** Text in each language: `{ fr: "...", en: "...", sw: "..." }` (French required: the default language). */
export const localizedSchema = z
  .record(z.string().regex(/^[a-z]{2,3}$/, "a language code like fr, en, sw"), z.string().min(1))
  .refine((v) => typeof v.fr === "string", "needs at least a French (fr) text");
export type Localized = z.infer<typeof localizedSchema>;

/** A key inside `MealEvent.data` (also used as a disaggregation `data.<key>`). */
export const dataKeySchema = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,62}$/, "a data key is letters, digits and _");

/** MealEvent columns an event selector or a disaggregation may use. */
export const eventColumns = [
  "channel",
  "location",
  "sex",
  "ageGroup",
  "category",
  "service",
  "urgency",
  "flowId",
] as const;
export type EventColumn = (typeof eventColumns)[number];

const scalar = z.union([z.string().min(1), z.number(), z.boolean()]);
const scalarOrList = z.union([scalar, z.array(scalar).min(1)]);

/**
 * Which events an indicator counts: an event type (or several), optionally narrowed by columns
 * (`where`) and by fields of `data` (`data`); a list means "any of".
 *
 * @example
 * { type: referral.outcome, data: { status: served } }
 */
export const eventSelectorSchema = z.strictObject({
  type: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  where: z.partialRecord(z.enum(eventColumns), scalarOrList).optional(),
  data: z.record(dataKeySchema, scalarOrList).optional(),
});
export type EventSelector = z.infer<typeof eventSelectorSchema>;

/** Breakdowns: MealEvent columns, `month`, the event `type`, a data field `data.<key>`; `direction` for messages. */
export const dimensionSchema = z.union([
  z.enum([...eventColumns, "month", "type", "direction"]),
  z.string().regex(/^data\.[a-zA-Z_][a-zA-Z0-9_]{0,62}$/, "a data disaggregation looks like data.status"),
]);
export type Dimension = z.infer<typeof dimensionSchema>;

const eventsList = z.array(eventSelectorSchema).min(1);

const part = z.strictObject({
  events: eventsList,
  /** `count` events (default) or `people` (distinct pseudonyms). */
  measure: z.enum(["count", "people"]).default("count"),
});

/** A target, for a year or for the whole programme, optionally for one group (e.g. `{ sex: female }`). */
export const targetSchema = z.strictObject({
  value: z.number().nonnegative(),
  year: z.int().min(2000).max(2100).optional(),
  where: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

const common = {
  id: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "an indicator id is lowercase letters, digits and _"),
  label: localizedSchema,
  description: localizedSchema.optional(),
  /** Dashboard section (cards are grouped by section, in file order). */
  section: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/)
    .default("other"),
  /** Breakdowns the dashboard and the exports offer; the first is the default chart. */
  disaggregations: z.array(dimensionSchema).default([]),
  chart: z
    .strictObject({
      type: z.enum(["bar", "line", "doughnut", "pie"]).default("bar"),
      /** Breakdown drawn by default; must be one of `disaggregations`. */
      by: dimensionSchema.optional(),
    })
    .optional(),
  targets: z.array(targetSchema).default([]),
  /** Shown after the value: `%`, `min`, `/5`... */
  unit: z.string().max(12).optional(),
};

/** One indicator of the logframe. */
export const indicatorSchema = z
  .discriminatedUnion("measure", [
    z.strictObject({
      ...common,
      measure: z.enum(["count", "people"]),
      source: z.literal("events").default("events"),
      events: eventsList,
    }),
    z.strictObject({
      ...common,
      measure: z.enum(["mean", "median", "sum"]),
      source: z.literal("events").default("events"),
      events: eventsList,
      /** The numeric `data` field summarised (e.g. `minutesToAcknowledge`). */
      field: dataKeySchema,
    }),
    z.strictObject({
      ...common,
      measure: z.literal("share"),
      source: z.literal("events").default("events"),
      numerator: part,
      denominator: part,
    }),
    z.strictObject({
      ...common,
      measure: z.literal("messages"),
      source: z.literal("messages").default("messages"),
      /** Count inbound, outbound or both (default) messages. */
      direction: z.enum(["inbound", "outbound"]).optional(),
    }),
  ])
  .superRefine((indicator, ctx) => {
    const by = indicator.chart?.by;
    if (by !== undefined && !indicator.disaggregations.includes(by)) {
      ctx.addIssue({ code: "custom", path: ["chart", "by"], message: `"${by}" is not one of disaggregations` });
    }
    if (indicator.measure === "messages") {
      for (const [i, d] of indicator.disaggregations.entries()) {
        if (!["channel", "month", "direction"].includes(d)) {
          ctx.addIssue({
            code: "custom",
            path: ["disaggregations", i],
            message: "messages break down by channel, month, direction",
          });
        }
      }
    } else {
      for (const [i, d] of indicator.disaggregations.entries()) {
        if (d === "direction")
          ctx.addIssue({ code: "custom", path: ["disaggregations", i], message: "direction is for messages" });
      }
    }
  });
export type Indicator = z.infer<typeof indicatorSchema>;

/** The logframe file `logframe/indicators.yaml`. */
export const logframeSchema = z
  .strictObject({
    title: localizedSchema,
    sections: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), localizedSchema).default({}),
    /** Labels of codes shown in tables and charts, per disaggregation: `{ sex: { female: { fr: Femme } } }`. */
    labels: z.record(z.string(), z.record(z.string(), localizedSchema)).default({}),
    indicators: z.array(indicatorSchema).min(1),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.indicators.forEach((indicator, i) => {
      if (seen.has(indicator.id))
        ctx.addIssue({ code: "custom", path: ["indicators", i, "id"], message: `"${indicator.id}" is used twice` });
      seen.add(indicator.id);
    });
  });
export type Logframe = z.infer<typeof logframeSchema>;
