import type { DbClient } from "../db/Tx.js";
import { Prisma } from "../generated/prisma/client.js";
import { ancestorCodes } from "./locationPath.js";

/** What a need is matched on. Unknown profile fields (`null`: "prefer not to say") exclude nobody. */
export interface MatchQuery {
  /** Service code asked for; a provider of its parent service or of one of its sub-services matches too. */
  service: string;
  /** Materialised path of the person's location (`GN/GN-D/GN-D-KINDIA`). */
  locationPath: string;
  sex?: "female" | "male" | null;
  /** Age range of the person's age group, inclusive (`[18, 24]`). */
  ageRange?: readonly [number, number] | null;
  /** ISO country code of the person's nationality (returnees: the country they returned to). */
  nationality?: string | null;
  /** Providers already tried for this need. */
  excludeProviderIds?: readonly string[];
  limit?: number;
}

/** A provider that can take the need, with what the person is shown. */
export interface ProviderMatch {
  id: string;
  code: string;
  name: string;
  hours: string | null;
  phone: string | null;
  address: string | null;
  /** Depth of the most local area through which it serves the person: 2 prefecture, 1 region, 0 national. */
  areaDepth: number;
}

/**
 * Finds the providers for a need, best first: those serving the most local area (the prefecture or
 * department itself, then its region, then the whole country), then those with fewer referrals
 * waiting for an answer. Providers not taking referrals, without an active focal point, or whose
 * eligibility (sex, age, nationality) excludes the person are skipped. One indexed query: the
 * location's ancestors come from its path, not from a recursive walk.
 *
 * @example
 * await matchProviders(prisma, { service: "mhpss", locationPath: "GN/GN-D/GN-D-KINDIA", sex: "female" });
 */
export async function matchProviders(db: DbClient, query: MatchQuery): Promise<ProviderMatch[]> {
  const rows = await db.$queryRaw<
    {
      id: string;
      code: string;
      name: string;
      hours: string | null;
      phone: string | null;
      address: string | null;
      areaDepth: number;
    }[]
  >(matchProvidersSql(query));
  return rows.map((r) => ({ ...r, areaDepth: Number(r.areaDepth) }));
}

/** The SQL of {@link matchProviders} (exported for `EXPLAIN` in the benchmark). */
export function matchProvidersSql(query: MatchQuery): Prisma.Sql {
  const conditions: Prisma.Sql[] = [
    Prisma.sql`p."takesReferrals"`,
    // A scalar sub-select with LIMIT stays a per-row index probe (an EXISTS would hash every focal point).
    Prisma.sql`COALESCE((SELECT true FROM "FocalPoint" f WHERE f."providerId" = p.id AND f.active LIMIT 1), false)`,
  ];
  const exclude = query.excludeProviderIds ?? [];
  if (exclude.length > 0) conditions.push(Prisma.sql`p.id <> ALL(${[...exclude]}::uuid[])`);
  if (query.sex) {
    conditions.push(Prisma.sql`(p.eligibility->>'sex' IS NULL OR p.eligibility->>'sex' = ${query.sex})`);
  }
  if (query.ageRange) {
    const [low, high] = query.ageRange;
    conditions.push(Prisma.sql`COALESCE((p.eligibility->>'minAge')::int, 0) <= ${high}`);
    conditions.push(Prisma.sql`COALESCE((p.eligibility->>'maxAge')::int, 200) >= ${low}`);
  }
  if (query.nationality) {
    conditions.push(
      Prisma.sql`(p.eligibility->'nationalities' IS NULL OR p.eligibility->'nationalities' @> jsonb_build_array(${query.nationality}::text))`,
    );
  }
  // Intersect first (providers of the service ∩ providers of the place's areas, both from small
  // indexes), then read only those providers' rows for eligibility: a few dozen, not hundreds.
  return Prisma.sql`
    WITH svc AS MATERIALIZED (
      SELECT id FROM "Service"
      WHERE code = ${query.service} OR "parentCode" = ${query.service}
        OR code = (SELECT "parentCode" FROM "Service" WHERE code = ${query.service})
    ),
    offering AS MATERIALIZED (
      SELECT DISTINCT ps."providerId" AS id FROM "ProviderService" ps WHERE ps."serviceId" IN (SELECT id FROM svc)
    ),
    serving AS MATERIALIZED (
      SELECT pa."providerId" AS id, l.depth
      FROM "Location" l JOIN "ProviderArea" pa ON pa."locationId" = l.id
      WHERE l.code = ANY(${ancestorCodes(query.locationPath)}::text[])
    ),
    cand AS MATERIALIZED (
      SELECT s.id, MAX(s.depth) AS depth FROM serving s JOIN offering o ON o.id = s.id GROUP BY s.id
    )
    SELECT p.id, p.code, p.name, p.hours, p.phone, p.address, c.depth::int AS "areaDepth"
    FROM cand c
    JOIN "Provider" p ON p.id = c.id
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY c.depth DESC,
      (SELECT count(*) FROM "Referral" r WHERE r."providerId" = p.id AND r.status = 'pending') ASC,
      p.code ASC
    LIMIT ${query.limit ?? 3}
  `;
}
