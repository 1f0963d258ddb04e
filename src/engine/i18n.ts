import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import i18next, { type Resource, type ResourceLanguage } from "i18next";
import { I18nLoadError } from "./errors.js";
import type { JsonValue } from "./types.js";

/** Options of {@link createI18n}. Adding a language is a folder in `localesDir` plus its code in `languages`. */
export interface I18nOptions {
  /** Folder holding `<lang>/<namespace>.json`. */
  localesDir: string;
  /** Shipped languages, in the order they are offered to contacts. */
  languages: readonly string[];
  /** Language used for contacts without one and for keys missing in a language. */
  fallback: string;
}

/** Translation port of the engine: plain lookups over the loaded `locales/` files. */
export interface I18n {
  readonly languages: readonly string[];
  readonly fallback: string;
  readonly namespaces: readonly string[];
  /** Translates `namespace:key` with `{{var}}` interpolation and plurals (`count`). */
  t(language: string, key: string, vars?: Readonly<Record<string, JsonValue>>): string;
  /** Whether `key` (or its plural forms) exists in `language` itself, without fallback. */
  has(language: string, key: string): boolean;
  /** The concrete keys behind `key` in `language`: the key itself or its plural forms (`key_one`...). */
  forms(language: string, key: string): string[];
  /** The raw (uninterpolated) text of a concrete key. */
  raw(language: string, key: string): string | undefined;
  /** Every concrete key of `language`, as `namespace:path.to.key`. */
  keys(language: string): string[];
  /** Resolves a contact's language to a shipped one (unknown or null gives the fallback). */
  resolveLanguage(language: string | null | undefined): string;
}

const pluralSuffixes = ["zero", "one", "two", "few", "many", "other"] as const;

/**
 * Loads `localesDir/<lang>/*.json` synchronously and returns an {@link I18n} backed by i18next.
 *
 * @example
 * ```ts
 * const i18n = createI18n({ localesDir: "locales", languages: ["fr", "en", "sw"], fallback: "fr" });
 * i18n.t("en", "feedback:done", { ref: "F-1001" });
 * ```
 */
export function createI18n(options: I18nOptions): I18n {
  const { localesDir, languages, fallback } = options;
  if (!languages.includes(fallback)) {
    throw new I18nLoadError(`fallback language "${fallback}" is not in languages [${languages.join(", ")}]`);
  }
  const resources: Resource = {};
  const flat = new Map<string, Map<string, string>>();
  const namespaces = new Set<string>();
  for (const language of languages) {
    const dir = path.join(localesDir, language);
    let files: string[];
    try {
      files = readdirSync(dir).filter((name) => name.endsWith(".json"));
    } catch {
      throw new I18nLoadError(`${dir}: language folder not found`);
    }
    const bundle: ResourceLanguage = {};
    const keys = new Map<string, string>();
    for (const file of files.sort()) {
      const namespace = file.slice(0, -".json".length);
      const filePath = path.join(dir, file);
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(filePath, "utf8"));
      } catch (error) {
        throw new I18nLoadError(
          `${filePath}: invalid JSON (${error instanceof Error ? error.message : String(error)})`,
        );
      }
      if (!isRecord(parsed)) throw new I18nLoadError(`${filePath}: expected an object of texts`);
      flatten(parsed, "", (key, value) => keys.set(`${namespace}:${key}`, value), filePath);
      bundle[namespace] = parsed;
      namespaces.add(namespace);
    }
    resources[language] = bundle;
    flat.set(language, keys);
  }

  const instance = i18next.createInstance();
  void instance.init({
    resources,
    lng: fallback,
    fallbackLng: fallback,
    supportedLngs: [...languages],
    ns: [...namespaces],
    defaultNS: "common",
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });

  const keysOf = (language: string): Map<string, string> => flat.get(language) ?? new Map();
  const forms = (language: string, key: string): string[] => {
    const keys = keysOf(language);
    if (keys.has(key)) return [key];
    return pluralSuffixes.map((suffix) => `${key}_${suffix}`).filter((form) => keys.has(form));
  };
  const resolveLanguage = (language: string | null | undefined): string =>
    language && languages.includes(language) ? language : fallback;

  return {
    languages,
    fallback,
    namespaces: [...namespaces].sort(),
    t: (language, key, vars) => instance.t(key, { ...vars, lng: resolveLanguage(language) }),
    has: (language, key) => forms(language, key).length > 0,
    forms,
    raw: (language, key) => keysOf(language).get(key),
    keys: (language) => [...keysOf(language).keys()],
    resolveLanguage,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function flatten(
  node: Record<string, unknown>,
  prefix: string,
  add: (key: string, value: string) => void,
  filePath: string,
): void {
  for (const [name, value] of Object.entries(node)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (typeof value === "string") add(key, value);
    else if (isRecord(value)) flatten(value, key, add, filePath);
    else throw new I18nLoadError(`${filePath}: "${key}" must be a text or an object of texts`);
  }
}
