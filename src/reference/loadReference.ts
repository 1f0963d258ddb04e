/**
 * Loads the reference data under `reference/` (locations, service taxonomy, demo committees and providers),
 * validates each file with zod and checks referential integrity. Any problem throws a
 * {@link ReferenceDataError} naming the file and the entry.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { z } from "zod";
import {
  COUNTRY_CODES,
  COUNTRY_LEVELS,
  type CountryCode,
  type DemoCommitteesFile,
  type DemoProvider,
  demoCommitteesFileSchema,
  demoProvidersFileSchema,
  type Location,
  locationsFileSchema,
  PARENT_LEVELS,
  type Service,
  servicesFileSchema,
} from "./referenceSchemas.js";

/** Paths of the reference files, relative to the project root. */
export const REFERENCE_FILES = {
  locations: {
    CD: "reference/locations/cd-tanganyika.json",
    GN: "reference/locations/gn.json",
    CM: "reference/locations/cm.json",
  } satisfies Record<CountryCode, string>,
  services: "reference/services.json",
  demoCommittees: "reference/demo/committees.json",
  demoProviders: "reference/demo/providers.json",
} as const;

export interface ReferenceProblem {
  /** Which entry, e.g. `locations[12] (GN-D-KINDIA).parent`; `(file)` for the file as a whole. */
  entry: string;
  detail: string;
}

/** Reference data that does not load: names the file and every faulty entry. */
export class ReferenceDataError extends Error {
  override readonly name = "ReferenceDataError";
  readonly file: string;
  readonly problems: readonly ReferenceProblem[];

  constructor(file: string, problems: readonly ReferenceProblem[]) {
    const lines = problems.map((p) => `${file}: ${p.entry}: ${p.detail}`);
    super(lines.length === 1 ? (lines[0] ?? file) : `${file}: ${problems.length} problems\n${lines.join("\n")}`);
    this.file = file;
    this.problems = problems;
  }
}

export interface LoadOptions {
  /** Project root holding `reference/`; found from this module's location when absent. */
  root?: string;
}

/** The nearest ancestor of this module (or of `from`) holding both `package.json` and `reference/`. */
export function findProjectRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, "package.json")) && existsSync(path.join(dir, "reference"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`reference data: no project root with package.json and reference/ above ${from}`);
    dir = up;
  }
}

// ---------------------------------------------------------------------------
// Public loaders
// ---------------------------------------------------------------------------

/** Locations of one country, or of all countries (CD, GN, CM) when `country` is absent. */
export async function loadLocations(country?: CountryCode, options: LoadOptions = {}): Promise<Location[]> {
  const root = options.root ?? findProjectRoot();
  if (country !== undefined) return loadCountryLocations(root, country);
  const all: Location[] = [];
  const seen = new Map<string, string>();
  for (const c of COUNTRY_CODES) {
    const file = REFERENCE_FILES.locations[c];
    const problems: ReferenceProblem[] = [];
    for (const loc of await loadCountryLocations(root, c)) {
      const other = seen.get(loc.code);
      if (other !== undefined) problems.push({ entry: loc.code, detail: `code already used in ${other}` });
      seen.set(loc.code, file);
      all.push(loc);
    }
    if (problems.length > 0) throw new ReferenceDataError(file, problems);
  }
  return all;
}

/** The service taxonomy. */
export async function loadServices(options: LoadOptions = {}): Promise<Service[]> {
  const root = options.root ?? findProjectRoot();
  const file = REFERENCE_FILES.services;
  const raw = await readJson(root, file);
  const data = parseWith(servicesFileSchema, raw, file);
  const problems: ReferenceProblem[] = [];
  const byCode = indexUnique(data.services, (s, i) => `services[${i}] (${s.code})`, problems);
  data.services.forEach((s, i) => {
    if (s.parent === undefined) return;
    const entry = `services[${i}] (${s.code}).parent`;
    const parent = byCode.get(s.parent);
    if (parent === undefined) problems.push({ entry, detail: `unknown service ${s.parent}` });
    else if (parent.parent !== undefined) {
      problems.push({ entry, detail: `parent ${s.parent} is itself a sub-service (two levels at most)` });
    }
  });
  throwIfAny(file, problems);
  return data.services;
}

/** Demo (fictional) committees of Tanganyika and their routing rules. */
export async function loadDemoCommittees(options: LoadOptions = {}): Promise<DemoCommitteesFile> {
  const root = options.root ?? findProjectRoot();
  const file = REFERENCE_FILES.demoCommittees;
  const raw = await readJson(root, file);
  const data = parseWith(demoCommitteesFileSchema, raw, file);
  const locations = new Map((await loadCountryLocations(root, "CD")).map((l) => [l.code, l]));
  const problems: ReferenceProblem[] = [];

  const committees = indexUnique(data.committees, (c, i) => `committees[${i}] (${c.code})`, problems);
  const focalPoints = data.committees.flatMap((c, i) =>
    c.focalPoints.map((fp, j) => ({ fp, entry: `committees[${i}] (${c.code}).focalPoints[${j}] (${fp.code})` })),
  );
  indexUnique(
    focalPoints.map((x) => x.fp),
    (_fp, k) => focalPoints[k]?.entry ?? `focal point ${k}`,
    problems,
  );

  data.committees.forEach((c, i) => {
    const entry = `committees[${i}] (${c.code})`;
    const loc = locations.get(c.location);
    if (loc === undefined) problems.push({ entry: `${entry}.location`, detail: `unknown location ${c.location}` });
    else if (c.kind === "cls" && loc.level !== "etd") {
      problems.push({ entry: `${entry}.location`, detail: `a CLS sits in an ETD, ${c.location} is a ${loc.level}` });
    }
  });

  data.routingRules.forEach((r, i) => {
    const entry = `routingRules[${i}]`;
    if (r.etd !== null) {
      const loc = locations.get(r.etd);
      if (loc === undefined) problems.push({ entry: `${entry}.etd`, detail: `unknown location ${r.etd}` });
      else if (loc.level !== "etd") problems.push({ entry: `${entry}.etd`, detail: `${r.etd} is a ${loc.level}` });
    }
    const committee = committees.get(r.committee);
    if (committee === undefined) {
      problems.push({ entry: `${entry}.committee`, detail: `unknown committee ${r.committee}` });
      return;
    }
    for (const role of r.roles) {
      if (!committee.focalPoints.some((fp) => fp.role === role)) {
        problems.push({
          entry: `${entry}.roles`,
          detail: `committee ${r.committee} has no focal point with role ${role}`,
        });
      }
    }
    if (r.exclude !== true && r.tier !== committee.tier) {
      problems.push({
        entry: `${entry}.tier`,
        detail: `committee ${r.committee} is a tier ${committee.tier} committee, rule says tier ${r.tier}`,
      });
    }
  });

  throwIfAny(file, problems);
  return data;
}

/** Demo (fictional) providers of Guinea and Cameroon. */
export async function loadDemoProviders(options: LoadOptions = {}): Promise<DemoProvider[]> {
  const root = options.root ?? findProjectRoot();
  const file = REFERENCE_FILES.demoProviders;
  const raw = await readJson(root, file);
  const data = parseWith(demoProvidersFileSchema, raw, file);
  const locations = new Map((await loadLocations(undefined, { root })).map((l) => [l.code, l]));
  const services = new Set((await loadServices({ root })).map((s) => s.code));
  const problems: ReferenceProblem[] = [];

  indexUnique(data.providers, (p, i) => `providers[${i}] (${p.code})`, problems);
  const focalPoints = data.providers.flatMap((p, i) =>
    p.focalPoints.map((fp, j) => ({ fp, entry: `providers[${i}] (${p.code}).focalPoints[${j}] (${fp.code})` })),
  );
  indexUnique(
    focalPoints.map((x) => x.fp),
    (_fp, k) => focalPoints[k]?.entry ?? `focal point ${k}`,
    problems,
  );

  data.providers.forEach((p, i) => {
    const entry = `providers[${i}] (${p.code})`;
    for (const dup of duplicates(p.services))
      problems.push({ entry: `${entry}.services`, detail: `${dup} listed twice` });
    for (const dup of duplicates(p.areas)) problems.push({ entry: `${entry}.areas`, detail: `${dup} listed twice` });
    for (const s of p.services) {
      if (!services.has(s)) problems.push({ entry: `${entry}.services`, detail: `unknown service ${s}` });
    }
    for (const a of p.areas) {
      const loc = locations.get(a);
      if (loc === undefined) problems.push({ entry: `${entry}.areas`, detail: `unknown location ${a}` });
      else if (countryOf(loc.code, locations) !== p.country) {
        problems.push({ entry: `${entry}.areas`, detail: `${a} is not in ${p.country}` });
      }
    }
  });

  throwIfAny(file, problems);
  return data.providers;
}

// ---------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------

async function loadCountryLocations(root: string, country: CountryCode): Promise<Location[]> {
  const file = REFERENCE_FILES.locations[country];
  const raw = await readJson(root, file);
  const data = parseWith(locationsFileSchema, raw, file);
  const problems: ReferenceProblem[] = [];
  if (data.country !== country) {
    problems.push({ entry: "country", detail: `file is for ${data.country}, expected ${country}` });
  }
  const label = (l: Location, i: number): string => `locations[${i}] (${l.code})`;
  const byCode = indexUnique(data.locations, label, problems);
  const allowed = COUNTRY_LEVELS[country];
  const roots = data.locations.filter((l) => l.level === "country");
  if (roots.length !== 1 || roots[0]?.code !== country) {
    problems.push({ entry: "locations", detail: `expected exactly one country entry with code ${country}` });
  }

  data.locations.forEach((l, i) => {
    const entry = label(l, i);
    if (!allowed.includes(l.level)) {
      problems.push({ entry: `${entry}.level`, detail: `level ${l.level} is not used in ${country}` });
    }
    if (l.code !== country && !l.code.startsWith(`${country}-`)) {
      problems.push({ entry: `${entry}.code`, detail: `code must start with ${country}-` });
    }
    const expectedParentLevels = PARENT_LEVELS[l.level];
    if (l.parent === null || expectedParentLevels === null) return;
    const parent = byCode.get(l.parent);
    if (parent === undefined) {
      problems.push({ entry: `${entry}.parent`, detail: `unknown parent ${l.parent}` });
      return;
    }
    if (!expectedParentLevels.includes(parent.level)) {
      problems.push({
        entry: `${entry}.parent`,
        detail: `a ${l.level} needs a ${expectedParentLevels.join(" or ")} as parent, ${l.parent} is a ${parent.level}`,
      });
    }
    const rest = l.code.slice(l.parent.length + 1);
    if (!l.code.startsWith(`${l.parent}-`) || rest.length === 0 || rest.includes("-")) {
      problems.push({
        entry: `${entry}.code`,
        detail: `code must be the parent's code plus one segment (${l.parent}-X)`,
      });
    }
  });

  throwIfAny(file, problems);
  return data.locations;
}

async function readJson(root: string, file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path.join(root, file), "utf8");
  } catch (error) {
    throw new ReferenceDataError(file, [{ entry: "(file)", detail: `cannot read: ${errorMessage(error)}` }]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ReferenceDataError(file, [{ entry: "(file)", detail: `invalid JSON: ${errorMessage(error)}` }]);
  }
}

function parseWith<S extends z.ZodType>(schema: S, raw: unknown, file: string): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new ReferenceDataError(
    file,
    result.error.issues.map((issue) => ({ entry: describePath(raw, issue.path), detail: issue.message })),
  );
}

/** `locations[12] (GN-D-KINDIA).menuLabel`: array indexes followed by the element's code when it has one. */
function describePath(raw: unknown, issuePath: readonly PropertyKey[]): string {
  let out = "";
  let current: unknown = raw;
  for (const key of issuePath) {
    if (typeof key === "number") {
      current = Array.isArray(current) ? (current[key] as unknown) : undefined;
      const code = isRecord(current) && typeof current.code === "string" ? ` (${current.code})` : "";
      out += `[${key}]${code}`;
    } else {
      const name = String(key);
      current = isRecord(current) ? current[name] : undefined;
      out += out === "" ? name : `.${name}`;
    }
  }
  return out === "" ? "(file)" : out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function indexUnique<T extends { code: string }>(
  items: readonly T[],
  label: (item: T, index: number) => string,
  problems: ReferenceProblem[],
): Map<string, T> {
  const map = new Map<string, T>();
  const firstIndex = new Map<string, number>();
  items.forEach((item, i) => {
    const first = firstIndex.get(item.code);
    if (first !== undefined) {
      problems.push({ entry: label(item, i), detail: `duplicate code ${item.code} (first at index ${first})` });
      return;
    }
    firstIndex.set(item.code, i);
    map.set(item.code, item);
  });
  return map;
}

function duplicates(values: readonly string[]): string[] {
  return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}

function countryOf(code: string, locations: ReadonlyMap<string, Location>): string | undefined {
  let current = locations.get(code);
  for (let guard = 0; current !== undefined && guard < 16; guard++) {
    if (current.parent === null) return current.code;
    current = locations.get(current.parent);
  }
  return undefined;
}

function throwIfAny(file: string, problems: readonly ReferenceProblem[]): void {
  if (problems.length > 0) throw new ReferenceDataError(file, problems);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
