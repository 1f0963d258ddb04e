import { simulatorPrefix } from "../channels/simulator/SimulatorSender.js";
import type { DbClient } from "../db/Tx.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { loadDemoCommittees, loadLocations } from "../reference/loadReference.js";
import type { Location as ReferenceLocation } from "../reference/referenceSchemas.js";
import { saveCommittee } from "./directory/saveCommittee.js";
import { type FocalPointAddresses, saveFocalPoint } from "./directory/saveFocalPoint.js";
import { saveRoutingRule } from "./directory/saveRoutingRule.js";

export interface SeedPilotAreaOptions {
  /** The MEAL pseudonym key: focal points get contacts whose pseudonym is computed like any other. */
  pseudonymSecret: string;
  /**
   * `simulator` (default): each demo focal point gets one `sim:` SMS address, so demo data can never
   * text a real phone. `real`: the phone numbers and Telegram chat ids written in the reference file
   * (tests, whose Twilio and Telegram are local fakes).
   */
  addresses?: "simulator" | "real";
  /** False: the locations only, without the fictional committees, focal points and rules. Default true. */
  demo?: boolean;
}

export interface SeedPilotAreaResult {
  locations: number;
  committees: number;
  focalPoints: number;
  routingRules: number;
}

/**
 * Seeds the pilot area: the Tanganyika locations of `reference/locations/cd-tanganyika.json` with
 * their materialised `path` (`CD/CD-TA/CD-TA-KAL/CD-TA-KAL-TUMBWE`) and `depth` (0 for the country),
 * then the fictional demo committees, focal points (marked fictional) and routing rules of
 * `reference/demo/committees.json` (unless `demo: false`). Idempotent: everything is upserted on its code (rules on their
 * selectors), so running it twice changes nothing.
 *
 * @example
 * await seedPilotArea(prisma, { pseudonymSecret }); // demo focal points reachable in the web simulator only
 */
export async function seedPilotArea(prisma: PrismaClient, options: SeedPilotAreaOptions): Promise<SeedPilotAreaResult> {
  const locations = await loadLocations("CD");
  const demo = await loadDemoCommittees();
  const mode = options.addresses ?? "simulator";
  return prisma.$transaction(
    async (tx) => {
      await saveLocations(tx, locations);

      if (options.demo === false)
        return { locations: locations.length, committees: 0, focalPoints: 0, routingRules: 0 };
      let focalPoints = 0;
      for (const committee of demo.committees) {
        const result = await saveCommittee(tx, {
          code: committee.code,
          name: committee.name,
          kind: committee.kind,
          tier: committee.tier,
          locationCode: committee.location,
          fictional: true,
        });
        if (result.status === "invalid") throw new Error(`seed: committee ${committee.code}: ${result.problem}`);
        for (const fp of committee.focalPoints) {
          const addresses: FocalPointAddresses =
            mode === "real"
              ? { ...fp.channels }
              : { sms: `${simulatorPrefix}${fp.channels.sms ?? `+${fp.channels.telegram ?? fp.code}`}` };
          const fpResult = await saveFocalPoint(
            tx,
            {
              code: fp.code,
              name: fp.name,
              role: fp.role,
              language: fp.language,
              committeeCode: committee.code,
              addresses,
              fictional: true,
            },
            options,
          );
          if (fpResult.status === "invalid") {
            throw new Error(`seed: focal point ${fp.code}: ${fpResult.field}: ${fpResult.problem}`);
          }
          focalPoints++;
        }
      }

      for (const rule of demo.routingRules) {
        const result = await saveRoutingRule(tx, {
          etdCode: rule.etd,
          category: rule.category,
          urgency: rule.urgency,
          committeeCode: rule.committee,
          roles: rule.roles,
          tier: rule.tier,
          exclude: rule.exclude === true,
        });
        if (result.status === "invalid") throw new Error(`seed: routing rule: ${result.field}: ${result.problem}`);
      }
      return {
        locations: locations.length,
        committees: demo.committees.length,
        focalPoints,
        routingRules: demo.routingRules.length,
      };
    },
    { timeout: 60_000, maxWait: 20_000 },
  );
}

/**
 * Upserts the reference locations of the pilot area (`reference/locations/cd-tanganyika.json`) with
 * their materialised path and depth, parents first. The import command calls it on a database that
 * has none, so that committees can name their ETD.
 */
export async function seedLocations(db: DbClient): Promise<number> {
  const locations = await loadLocations("CD");
  await saveLocations(db, locations);
  return locations.length;
}

async function saveLocations(db: DbClient, locations: readonly ReferenceLocation[]): Promise<void> {
  const byCode = new Map(locations.map((l) => [l.code, l]));
  const saved = new Map<string, string>();
  for (const location of [...locations].sort((a, b) => ancestry(a, byCode).length - ancestry(b, byCode).length)) {
    const chain = ancestry(location, byCode);
    const parentId = location.parent === null ? null : (saved.get(location.parent) ?? null);
    const data = {
      name: location.name,
      level: location.level,
      country: "CD",
      parentId,
      path: chain.join("/"),
      depth: chain.length - 1,
    };
    const row = await db.location.upsert({
      where: { code: location.code },
      create: { code: location.code, ...data },
      update: data,
      select: { id: true },
    });
    saved.set(location.code, row.id);
  }
}

/** Codes from the root to `location` itself. */
function ancestry(location: ReferenceLocation, byCode: ReadonlyMap<string, ReferenceLocation>): string[] {
  const chain = [location.code];
  let current = location;
  for (let guard = 0; current.parent !== null && guard < 16; guard++) {
    const parent = byCode.get(current.parent);
    if (!parent) break;
    chain.unshift(parent.code);
    current = parent;
  }
  return chain;
}
