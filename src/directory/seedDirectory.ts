import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../generated/prisma/client.js";
import { loadDemoProviders, loadLocations, loadServices } from "../reference/loadReference.js";
import type { CountryCode, DemoProvider, Location } from "../reference/referenceSchemas.js";
import { loadDirectoryRefs } from "./loadDirectoryRefs.js";
import { childPath, pathDepth } from "./locationPath.js";
import type { ProviderInput } from "./providerInputSchema.js";
import { upsertProvider } from "./upsertProvider.js";

/** The countries of the referral mechanism (DR Congo's locations are seeded by the alerts feature). */
export const directoryCountries: readonly CountryCode[] = ["GN", "CM"];

export interface SeedDirectoryOptions {
  /** Key for the pseudonyms of the demo focal points' contacts; a fixed demo key when absent. */
  pseudonymSecret?: string;
  /** Project root holding `reference/` (tests). */
  root?: string;
  /** Also load the fictional demo providers (default true; the import CLI loads only the reference data). */
  demoProviders?: boolean;
}

/** What the seed wrote (rows that already existed are left as they are, except demo providers, which are upserted). */
export interface SeedDirectoryReport {
  locations: number;
  services: number;
  providers: number;
}

/**
 * Loads Guinea's regions and prefectures and Cameroon's regions and departments (with materialised
 * `path`/`depth`), the service taxonomy, and the fictional demo providers. Idempotent. Demo focal
 * points get `sim:` addresses only, so the demo can never text a real phone; the providers' public
 * phones are stored with the same prefix.
 *
 * @example
 * await seedDirectory(prisma, { pseudonymSecret }); // { locations: 112, services: 16, providers: 33 }
 */
export async function seedDirectory(
  prisma: PrismaClient,
  options: SeedDirectoryOptions = {},
): Promise<SeedDirectoryReport> {
  const load = options.root === undefined ? {} : { root: options.root };
  let locations = 0;
  for (const country of directoryCountries)
    locations += await seedLocations(prisma, await loadLocations(country, load));
  const services = await loadServices(load);
  const created = await prisma.service.createMany({
    data: services.map((s) => ({
      code: s.code,
      parentCode: s.parent ?? null,
      // `menu` holds the short labels used in SMS menus; the other keys are the full labels.
      labels: { ...s.labels, menu: { ...s.menuLabel } },
    })),
    skipDuplicates: true,
  });
  if (options.demoProviders === false) return { locations, services: created.count, providers: 0 };
  const demo = await loadDemoProviders(load);
  const refs = await loadDirectoryRefs(prisma);
  const secret = options.pseudonymSecret ?? "relais-demo-directory";
  for (const provider of demo) {
    await prisma.$transaction(
      (tx) => upsertProvider(tx, demoProviderInput(provider), refs, { pseudonymSecret: secret }),
      {
        timeout: 20_000,
      },
    );
  }
  return { locations, services: created.count, providers: demo.length };
}

async function seedLocations(prisma: PrismaClient, locations: readonly Location[]): Promise<number> {
  const existing = new Map(
    (
      await prisma.location.findMany({
        where: { code: { in: locations.map((l) => l.code) } },
        select: { id: true, code: true, path: true },
      })
    ).map((l) => [l.code, l]),
  );
  const byCode = new Map(locations.map((l) => [l.code, l]));
  const resolved = new Map<string, { id: string; path: string }>(existing);
  const resolve = (code: string): { id: string; path: string } => {
    const known = resolved.get(code);
    if (known) return known;
    const location = byCode.get(code);
    if (!location) throw new Error(`location ${code}: unknown parent`);
    const parent = location.parent === null ? null : resolve(location.parent);
    const entry = { id: randomUUID(), path: childPath(parent?.path ?? null, code) };
    resolved.set(code, entry);
    return entry;
  };
  const missing = locations.filter((l) => !existing.has(l.code));
  const rows = missing.map((l) => {
    const { id, path } = resolve(l.code);
    const parentId = l.parent === null ? null : resolve(l.parent).id;
    return { id, code: l.code, name: l.name, level: l.level, country: path.split("/")[0] ?? l.code, parentId, path };
  });
  rows.sort((a, b) => pathDepth(a.path) - pathDepth(b.path));
  const created = await prisma.location.createMany({
    data: rows.map((r) => ({ ...r, depth: pathDepth(r.path) })),
    skipDuplicates: true,
  });
  return created.count;
}

/** A demo provider as a directory entry: `sim:` addresses for every focal point and the public phone. */
function demoProviderInput(p: DemoProvider): ProviderInput {
  return {
    code: p.code,
    name: p.name,
    description: p.note ?? null,
    country: p.country,
    services: p.services,
    areas: p.areas,
    eligibility: p.eligibility,
    languages: p.languages,
    hours: p.hours,
    address: p.address,
    phone: `sim:${p.phone}`,
    takesReferrals: p.takesReferrals,
    fictional: true,
    focalPoints: p.focalPoints.map((fp) => ({
      code: fp.code,
      name: fp.name,
      language: fp.language,
      sms: `sim:${fp.channels.sms ?? fp.channels.whatsapp ?? fp.code}`,
      active: true,
    })),
  };
}
