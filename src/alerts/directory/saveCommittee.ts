import type { DbClient } from "../../db/Tx.js";
import { invalid, type SaveResult } from "./SaveResult.js";

/** A committee as imports, the API and the demo seed describe it (codes, not ids). */
export interface CommitteeInput {
  code: string;
  name: string;
  kind: string;
  tier: number;
  /** Location code (`CD-TA-KAL-TUMBWE`), or null for a committee without an area. */
  locationCode: string | null;
  fictional?: boolean;
}

/**
 * Creates or updates a committee by its code. An unknown location is reported as a value.
 *
 * @example
 * await saveCommittee(tx, { code: "CLS-CD-TA-KAL-TUMBWE", name: "CLS Tumbwe", kind: "cls", tier: 1,
 *   locationCode: "CD-TA-KAL-TUMBWE" }); // { status: "created", id }
 */
export async function saveCommittee(db: DbClient, input: CommitteeInput): Promise<SaveResult> {
  let locationId: string | null = null;
  if (input.locationCode !== null) {
    const location = await db.location.findUnique({ where: { code: input.locationCode }, select: { id: true } });
    if (!location) return invalid("location", `unknown location ${input.locationCode}`);
    locationId = location.id;
  }
  const data = {
    name: input.name,
    kind: input.kind,
    tier: input.tier,
    locationId,
    ...(input.fictional !== undefined ? { fictional: input.fictional } : {}),
  };
  const existing = await db.committee.findUnique({ where: { code: input.code }, select: { id: true } });
  if (existing) {
    await db.committee.update({ where: { id: existing.id }, data });
    return { status: "updated", id: existing.id };
  }
  const created = await db.committee.create({ data: { code: input.code, ...data }, select: { id: true } });
  return { status: "created", id: created.id };
}
