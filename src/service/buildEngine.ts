import path from "node:path";
import { isSupportedCountry } from "libphonenumber-js";
import type { Config } from "../config/loadConfig.js";
import { createEngine, type Engine } from "../engine/createEngine.js";
import { createI18n, type I18n } from "../engine/i18n.js";
import { loadFlows } from "../engine/loadFlows.js";
import { projectRoot } from "./projectPaths.js";

/**
 * Loads texts and flows and creates the engine. An invalid flow or a missing text throws a
 * `FlowValidationError` naming file, step and problem, which stops the start.
 */
export function buildEngine(
  config: Config,
  actionNames: readonly string[],
  dirs: { flowsDir?: string; localesDir?: string } = {},
): { engine: Engine; i18n: I18n } {
  const root = projectRoot();
  const i18n = createI18n({
    localesDir: dirs.localesDir ?? path.join(root, "locales"),
    languages: config.i18n.languages,
    fallback: config.i18n.defaultLanguage,
  });
  const flows = loadFlows({ flowsDir: dirs.flowsDir ?? path.join(root, "flows"), i18n, actionNames });
  const region = config.i18n.defaultPhoneRegion;
  if (!isSupportedCountry(region)) throw new Error(`DEFAULT_PHONE_REGION: "${region}" is not a supported country code`);
  const engine = createEngine({
    flows,
    i18n,
    actionNames,
    defaultLanguage: config.i18n.defaultLanguage,
    defaultRegion: region,
  });
  return { engine, i18n };
}
