/**
 * The channel-agnostic conversation engine: flows as YAML data, texts through i18next, pure async
 * functions over typed inputs. Channels and the data layer call it; it never imports them.
 */
export {
  createEngine,
  type Engine,
  type EngineOptions,
  type EntryFlows,
  type FlowSettings,
  type HandleOptions,
  type StartOptions,
} from "./createEngine.js";
export { allEngineTextKeys, engineTexts, repromptKeys } from "./engineTexts.js";
export {
  ActionError,
  EngineError,
  type EngineErrorCode,
  type FlowIssue,
  FlowValidationError,
  formatFlowIssue,
  I18nLoadError,
  StepLoopError,
  UnknownFlowError,
} from "./errors.js";
export { evaluateCondition } from "./evaluateCondition.js";
export { flowJsonSchemaPath, flowJsonSchemaText, writeFlowJsonSchema } from "./flowJsonSchema.js";
export * from "./flowSchema.js";
export { foldText } from "./foldText.js";
export { createI18n, type I18n, type I18nOptions } from "./i18n.js";
export {
  type CommandRef,
  commandWords,
  type FocalCommand,
  type Keyword,
  keywordWords,
  matchKeyword,
  parseCommand,
} from "./keywords.js";
export { buildFlowSet, type FlowSet, type FlowSource, type LoadFlowsOptions, loadFlows } from "./loadFlows.js";
export { type AnswerOptions, type AnswerParse, parseAnswer } from "./parseAnswer.js";
export { type ChoiceParse, parseChoice } from "./parseChoice.js";
export { parseDate } from "./parseDate.js";
export { type FlowSourceParse, parseFlowSource } from "./parseFlowSource.js";
export { describeSms, renderForSms, renderForTelegram, type TelegramButton, type TelegramRendering } from "./render.js";
export { isGsm7, type SmsDescription, type SmsEncoding, smsSegments } from "./smsSegments.js";
export type * from "./types.js";
export { type LoadedFlow, stepTextKeys, type ValidateOptions, validateFlows } from "./validateFlows.js";
