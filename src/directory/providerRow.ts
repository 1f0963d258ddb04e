import { isSupportedCountry, parsePhoneNumberFromString } from "libphonenumber-js";
import type { z } from "zod";
import { type ProviderInput, providerInputSchema } from "./providerInputSchema.js";

/** One row of a provider sheet: header → cell text, and the row's number in the file (for the report). */
export interface ProviderRow {
  line: number;
  values: Readonly<Record<string, string>>;
}

/** The result of reading one row: a provider to write, or what is wrong with the row. */
export type ProviderRowParse =
  | { status: "ok"; input: ProviderInput }
  /** `codes`: the row's country, services and areas as written, to check them against the reference data too. */
  | { status: "invalid"; problems: string[]; codes: { country: string; services: string[]; areas: string[] } };

/** Focal point column prefixes: `focal_point_*`, then `focal_point_2_*` and `focal_point_3_*`. */
export const focalPointPrefixes = ["focal_point", "focal_point_2", "focal_point_3"] as const;

/**
 * Normalises a header as service-mapping sheets write it: lowercase, accents dropped, spaces,
 * dashes and dots as `_` (`Focal point phone` → `focal_point_phone`, `Takes referrals?` → `takes_referrals`).
 */
export function normaliseHeader(header: string): string {
  return header
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

const yes = new Set(["yes", "y", "true", "1", "oui", "o", "ndiyo", "x"]);
const no = new Set(["no", "n", "false", "0", "non", "hapana", ""]);

/** `a; b, c|d` → ["a","b","c","d"]. */
function list(text: string | undefined): string[] {
  return (text ?? "")
    .split(/[;,|\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Reads a phone as E.164 with the provider's country for numbers written without `+` ("620 00 00 01"
 * in a Guinean sheet). Keeps `sim:` addresses as they are.
 */
export function normalisePhone(text: string, country: string): string | { problem: string } {
  const trimmed = text.trim();
  if (trimmed.startsWith("sim:")) return trimmed;
  const parsed =
    (isSupportedCountry(country)
      ? parsePhoneNumberFromString(trimmed, country)
      : parsePhoneNumberFromString(trimmed)) ?? parsePhoneNumberFromString(`+${trimmed.replace(/\D/g, "")}`);
  return parsed?.isValid()
    ? parsed.number
    : { problem: `"${trimmed.length > 4 ? `${trimmed.slice(0, 4)}...` : trimmed}" is not a valid phone number` };
}

/**
 * Turns a sheet row into a provider (see docs/import-providers.md for the columns), or lists every
 * problem of the row at once. Cell texts are trimmed; empty optional cells are absent.
 */
export function parseProviderRow(row: ProviderRow): ProviderRowParse {
  const v = (name: string): string | undefined => {
    const value = row.values[name]?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  const problems: string[] = [];
  const country = (v("country") ?? "").toUpperCase();
  const phone = (column: string): string | undefined => {
    const text = v(column);
    if (text === undefined) return undefined;
    const normalised = normalisePhone(text, country);
    if (typeof normalised === "string") return normalised;
    problems.push(`${column}: ${normalised.problem}`);
    return undefined;
  };
  const takes = (v("takes_referrals") ?? "yes").toLowerCase();
  if (!yes.has(takes) && !no.has(takes)) problems.push(`takes_referrals: "${takes}" is not yes or no`);
  const int = (column: string): number | undefined => {
    const text = v(column);
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isInteger(n)) problems.push(`${column}: "${text}" is not a whole number`);
    return Number.isInteger(n) ? n : undefined;
  };
  const sex = v("sex")?.toLowerCase();
  const sexValue =
    sex === undefined || sex === "any" || sex === "all" || sex === "tous"
      ? undefined
      : ["female", "f", "femme", "women", "femmes"].includes(sex)
        ? "female"
        : ["male", "m", "homme", "men", "hommes"].includes(sex)
          ? "male"
          : sex;
  const nationalities = list(v("nationalities")).map((n) => n.toUpperCase());
  const focalPoints = focalPointPrefixes.flatMap((prefix) => {
    const name = v(`${prefix}_name`);
    const sms = phone(`${prefix}_phone`);
    const whatsapp = phone(`${prefix}_whatsapp`);
    const telegram = v(`${prefix}_telegram`);
    if (name === undefined && sms === undefined && whatsapp === undefined && telegram === undefined) return [];
    return [
      {
        ...(v(`${prefix}_code`) ? { code: v(`${prefix}_code`) } : {}),
        name: name ?? "",
        language: (v(`${prefix}_language`) ?? "fr").toLowerCase(),
        ...(sms ? { sms } : {}),
        ...(whatsapp ? { whatsapp } : {}),
        ...(telegram ? { telegram } : {}),
      },
    ];
  });
  const candidate = {
    code: v("code")?.toUpperCase(),
    name: v("name"),
    description: v("description"),
    country,
    services: list(v("services")).map((s) => s.toLowerCase()),
    areas: list(v("areas")).map((a) => a.toUpperCase()),
    eligibility: {
      ...(sexValue ? { sex: sexValue } : {}),
      ...(int("min_age") !== undefined ? { minAge: int("min_age") } : {}),
      ...(int("max_age") !== undefined ? { maxAge: int("max_age") } : {}),
      ...(nationalities.length > 0 ? { nationalities } : {}),
    },
    languages: list(v("languages")).map((l) => l.toLowerCase()),
    hours: v("hours"),
    address: v("address"),
    phone: phone("phone"),
    takesReferrals: yes.has(takes),
    fictional: yes.has((v("fictional") ?? "no").toLowerCase()),
    focalPoints,
  };
  const parsed = providerInputSchema.safeParse(candidate);
  if (!parsed.success) problems.push(...parsed.error.issues.map(describeIssue));
  if (problems.length > 0 || !parsed.success) {
    const codes = { country, services: candidate.services, areas: candidate.areas };
    return { status: "invalid", problems: [...new Set(problems)], codes };
  }
  return { status: "ok", input: parsed.data };
}

/** `focalPoints.0.language: ...` → `focal_point_language: ...`, in the sheet's column names. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const [first, second, third] = issue.path;
  const columns: Record<string, string> = {
    takesReferrals: "takes_referrals",
    minAge: "min_age",
    maxAge: "max_age",
  };
  let column = String(first ?? "row");
  if (first === "eligibility" && third === undefined)
    column = columns[String(second)] ?? String(second ?? "eligibility");
  else if (first === "eligibility") column = String(second ?? "eligibility");
  else if (first === "focalPoints" && typeof second === "number") {
    const prefix = focalPointPrefixes[second] ?? "focal_point";
    column = third === undefined ? prefix : `${prefix}_${third === "sms" ? "phone" : String(third)}`;
  } else if (first !== undefined) column = columns[String(first)] ?? String(first);
  return `${column}: ${issue.message}`;
}
