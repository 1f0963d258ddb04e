import type { DbClient } from "../db/Tx.js";
import type { ProviderInput } from "./providerInputSchema.js";

/** Codes a provider may refer to, resolved once per import or request. */
export interface DirectoryRefs {
  /** Service code → id. */
  services: ReadonlyMap<string, string>;
  /** Location code → id and materialised path. */
  locations: ReadonlyMap<string, { id: string; path: string }>;
}

/** Reads every service and location code (a few hundred rows) for validating and writing providers. */
export async function loadDirectoryRefs(db: DbClient): Promise<DirectoryRefs> {
  const [services, locations] = await Promise.all([
    db.service.findMany({ select: { id: true, code: true } }),
    db.location.findMany({ select: { id: true, code: true, path: true } }),
  ]);
  return {
    services: new Map(services.map((s) => [s.code, s.id])),
    locations: new Map(locations.map((l) => [l.code, { id: l.id, path: l.path }])),
  };
}

/**
 * What is wrong with a provider's references: unknown services or areas, areas outside its
 * country, repeated focal-point codes. Empty when it can be written.
 *
 * @example
 * checkProviderRefs(input, refs); // ["areas: GN-Z-NOWHERE is not a known location"]
 */
export function checkProviderRefs(input: ProviderInput, refs: DirectoryRefs): string[] {
  return checkFocalPoints(input, checkCodes(input, refs));
}

/** Unknown services and areas, and areas outside the country (also run on rows that fail other checks). */
export function checkCodes(
  input: { country: string; services: readonly string[]; areas: readonly string[] },
  refs: DirectoryRefs,
): string[] {
  const problems: string[] = [];
  for (const code of new Set(input.services)) {
    if (!refs.services.has(code)) problems.push(`services: ${code} is not a known service`);
  }
  for (const code of new Set(input.areas)) {
    const location = refs.locations.get(code);
    if (!location) problems.push(`areas: ${code} is not a known location`);
    else if (location.path.split("/")[0] !== input.country) problems.push(`areas: ${code} is not in ${input.country}`);
  }
  return problems;
}

function checkFocalPoints(input: ProviderInput, problems: string[]): string[] {
  const codes = input.focalPoints.map((fp, i) => fp.code ?? defaultFocalPointCode(input.code, i));
  for (const [i, code] of codes.entries()) {
    if (codes.indexOf(code) !== i) problems.push(`focalPoints: ${code} is listed twice`);
  }
  if (input.takesReferrals && !input.focalPoints.some((fp) => fp.active)) {
    problems.push("focalPoints: a provider that takes referrals needs at least one active focal point");
  }
  return problems;
}

/** `PRV-GN-KIN-SANTE-FP1` for the first focal point without a code. */
export function defaultFocalPointCode(providerCode: string, index: number): string {
  return `${providerCode}-FP${index + 1}`;
}
