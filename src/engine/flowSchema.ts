import { z } from "zod";

/**
 * The format of `flows/*.yaml`. Each file is one flow; its id is the file name without extension.
 * The zod schema checks the shape; `validateFlows` checks what spans steps, flows, texts and actions.
 *
 * @example
 * ```yaml
 * # yaml-language-server: $schema=./flows.schema.json
 * start: ask_type
 * steps:
 *   ask_type:
 *     kind: menu
 *     text: feedback:type.prompt
 *     result: feedback_type
 *     choices:
 *       - { label: feedback:type.thanks, value: thanks, next: done }
 *   done:
 *     kind: end
 *     text: feedback:done
 * ```
 */

const idPattern = /^[a-z][a-z0-9_]*$/;

/** A step id: lowercase letters, digits and `_`, starting with a letter. */
export const stepIdSchema = z.string().regex(idPattern, "a step id is lowercase letters, digits and _");

/** A flow id: the file name of a flow without `.yaml`. */
export const flowIdSchema = z.string().regex(idPattern, "a flow id is lowercase letters, digits and _");

/** An i18next key with its namespace: `namespace:path.to.key` (the file `locales/<lang>/<namespace>.json`). */
export const textKeySchema = z
  .string()
  .regex(/^[a-z][a-zA-Z0-9_]*:[a-zA-Z0-9_]+(\.[a-zA-Z0-9_]+)*$/, "a text key looks like namespace:path.to.key");

/** A conversation variable name. */
export const varNameSchema = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "a variable name is letters, digits and _");

/** A scalar JSON value, as written in `set:` or compared in conditions. */
export const scalarSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type Scalar = z.infer<typeof scalarSchema>;

/** A condition on conversation variables, used by `branch` steps. */
export type Condition =
  | { var: string; equals: Scalar }
  | { var: string; in: Scalar[] }
  | { var: string; exists: boolean }
  | { not: Condition }
  | { all: Condition[] }
  | { any: Condition[] };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ var: varNameSchema, equals: scalarSchema }),
    z.strictObject({ var: varNameSchema, in: z.array(scalarSchema).min(1) }),
    z.strictObject({ var: varNameSchema, exists: z.boolean() }),
    z.strictObject({ not: conditionSchema }),
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
  ]),
);

/** Fields shared by the steps that wait for a reply. */
const inputFields = {
  /** Name of the variable that stores the answer; also reported to MEAL as a `flow.result`. */
  result: varNameSchema.optional(),
  /** Text sent after an invalid reply (defaults to a `common:reprompt.*` text for the input kind). */
  reprompt: textKeySchema.optional(),
  /** Invalid replies tolerated before going to `fallback` (or ending with `common:giveup`). */
  maxAttempts: z.int().min(1).max(10).optional(),
  fallback: stepIdSchema.optional(),
};

export const messageStepSchema = z.strictObject({
  kind: z.literal("message"),
  text: textKeySchema,
  next: stepIdSchema,
});

export const choiceSchema = z.strictObject({
  /** Text key of the label shown to the contact. */
  label: textKeySchema,
  /** Value recorded as the step's result; defaults to the last segment of the label key. */
  value: z.string().min(1).optional(),
  /** Variables set when this choice is picked. */
  set: z.record(varNameSchema, scalarSchema).optional(),
  next: stepIdSchema,
});

export const menuStepSchema = z.strictObject({
  kind: z.literal("menu"),
  text: textKeySchema,
  choices: z.array(choiceSchema).min(1).max(12),
  ...inputFields,
});

const askFields = {
  kind: z.literal("ask"),
  text: textKeySchema,
  next: stepIdSchema,
  ...inputFields,
};

export const askStepSchema = z.discriminatedUnion("input", [
  z.strictObject({ ...askFields, input: z.literal("text"), maxLength: z.int().min(1).optional() }),
  z.strictObject({
    ...askFields,
    input: z.literal("number"),
    min: z.number().optional(),
    max: z.number().optional(),
    integer: z.boolean().optional(),
  }),
  z.strictObject({ ...askFields, input: z.literal("yesno") }),
  z.strictObject({
    ...askFields,
    input: z.literal("phone"),
    /** ISO 3166 region for numbers written without +country code; defaults to the engine's region. */
    region: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional(),
  }),
  z.strictObject({ ...askFields, input: z.literal("date") }),
  z.strictObject({
    ...askFields,
    input: z.literal("location"),
    /** Also accept a written place (SMS cannot send a pin); it is stored as `{ text }`. */
    acceptText: z.boolean().optional(),
  }),
]);

export const branchStepSchema = z.strictObject({
  kind: z.literal("branch"),
  /** The first case whose condition holds wins. */
  cases: z.array(z.strictObject({ when: conditionSchema, next: stepIdSchema })).min(1),
  else: stepIdSchema,
});

export const actionStepSchema = z.strictObject({
  kind: z.literal("action"),
  /** Name of an action registered in code, e.g. `feedback.create`. */
  action: z.string().regex(/^[a-z][a-zA-Z0-9_]*(\.[a-z][a-zA-Z0-9_]*)*$/, "an action name looks like domain.verb"),
  /** Store the action's variables under this name instead of merging them at top level. */
  saveAs: varNameSchema.optional(),
  /** Next step by the outcome the action returns. */
  outcomes: z.record(z.string().min(1), stepIdSchema).optional(),
  /** Next step when the action returns no outcome, or one not listed in `outcomes`. */
  next: stepIdSchema.optional(),
  /** Step to go to when the action throws; without it the error propagates to the caller. */
  onError: stepIdSchema.optional(),
});

export const gotoStepSchema = z.strictObject({
  kind: z.literal("goto"),
  flow: flowIdSchema,
  /** Entry step in the target flow (defaults to its `start`). */
  step: stepIdSchema.optional(),
  /** Step of this flow to come back to when the target flow ends. Without it, the target replaces this flow. */
  return: stepIdSchema.optional(),
  /** Step of this flow to use while the target flow is not installed (e.g. a "coming soon" message). */
  ifMissing: stepIdSchema.optional(),
});

export const endStepSchema = z.strictObject({
  kind: z.literal("end"),
  text: textKeySchema.optional(),
});

/** Lets the contact pick one of the configured languages (labels come from `common:language.name`). */
export const languageStepSchema = z.strictObject({
  kind: z.literal("language"),
  text: textKeySchema,
  next: stepIdSchema,
  ...inputFields,
});

export const stepSchema = z.discriminatedUnion("kind", [
  messageStepSchema,
  menuStepSchema,
  askStepSchema,
  branchStepSchema,
  actionStepSchema,
  gotoStepSchema,
  endStepSchema,
  languageStepSchema,
]);

export const flowSchema = z.strictObject({
  /** Free description for people editing flows. */
  description: z.string().optional(),
  start: stepIdSchema,
  /** A conversation idle longer than this starts fresh. */
  expiresAfterHours: z.number().positive().default(24),
  /** Maximum SMS segments of any single message of this flow, in every shipped language. */
  smsSegmentBudget: z.int().min(1).max(10).default(2),
  /** Hint for the caller: handle results with restricted access. */
  sensitive: z.boolean().default(false),
  /** Hint for the caller: keep no link between the contact and what the flow creates. */
  anonymous: z.boolean().default(false),
  /** Values used for `{{var}}` when checking SMS length (other variables get 8 characters). */
  sampleVars: z.record(varNameSchema, z.union([z.string(), z.number()])).optional(),
  steps: z.record(stepIdSchema, stepSchema),
});

/** A flow as written in YAML (defaults not applied). */
export type FlowInput = z.input<typeof flowSchema>;
/** A parsed flow, defaults applied. */
export type Flow = z.output<typeof flowSchema>;
export type Step = z.output<typeof stepSchema>;
export type StepInput = z.input<typeof stepSchema>;
export type StepKind = Step["kind"];
export type MessageStep = z.output<typeof messageStepSchema>;
export type MenuStep = z.output<typeof menuStepSchema>;
export type MenuChoice = z.output<typeof choiceSchema>;
export type AskStep = z.output<typeof askStepSchema>;
export type AskInputKind = AskStep["input"];
export type BranchStep = z.output<typeof branchStepSchema>;
export type ActionStep = z.output<typeof actionStepSchema>;
export type GotoStep = z.output<typeof gotoStepSchema>;
export type EndStep = z.output<typeof endStepSchema>;
export type LanguageStep = z.output<typeof languageStepSchema>;
/** The steps that wait for a reply from the contact. */
export type InputStep = MenuStep | AskStep | LanguageStep;
