import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { projectRoot } from "../service/projectPaths.js";
import { type Localized, type Logframe, logframeSchema } from "./logframeSchema.js";

/** The logframe does not load: names the file and each problem (`indicators.3.events: ...`). */
export class LogframeError extends Error {
  override readonly name = "LogframeError";
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: ${problems.join("; ")}`);
  }
}

/** Where the logframe lives by default. */
export function defaultLogframePath(): string {
  return path.join(projectRoot(), "logframe", "indicators.yaml");
}

/**
 * Reads and validates the logframe (YAML). Adding an indicator is an edit of this file, no code:
 * the dashboard and the exports read every indicator it lists.
 *
 * @example
 * const logframe = loadLogframe(); // logframe/indicators.yaml
 */
export function loadLogframe(file: string = defaultLogframePath()): Logframe {
  return parseLogframe(readFileSync(file, "utf8"), path.basename(file));
}

/** Parses logframe YAML text (tests, an admin page checking an edit). */
export function parseLogframe(text: string, file = "indicators.yaml"): Logframe {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new LogframeError(file, [error instanceof Error ? error.message : String(error)]);
  }
  const parsed = logframeSchema.safeParse(raw);
  if (!parsed.success) {
    throw new LogframeError(
      file,
      parsed.error.issues.map((issue) => `${issue.path.join(".") || "(file)"}: ${issue.message}`),
    );
  }
  return parsed.data;
}

/** A text in `language`, else French, else English, else the first one. */
export function pickText(text: Localized, language: string): string {
  return text[language] ?? text.fr ?? text.en ?? Object.values(text)[0] ?? "";
}
