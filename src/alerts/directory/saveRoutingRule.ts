import type { DbClient } from "../../db/Tx.js";
import { invalid, type SaveResult } from "./SaveResult.js";

/**
 * A routing rule as imports, the API and the demo seed describe it. Selectors left null match any
 * alert; `etdCode` also matches alerts in places below it (a rule on `CD-TA` covers the province).
 */
export interface RoutingRuleInput {
  etdCode: string | null;
  category: string | null;
  urgency: string | null;
  /** Null: for an include rule, the committees located at the alert's place; for an exclude rule, every committee. */
  committeeCode: string | null;
  roles: string[];
  tier: number;
  exclude: boolean;
  active?: boolean;
}

/**
 * Creates a routing rule, or updates the one with the same selectors, committee, tier and kind
 * (rules have no code: that combination is their identity, so an import run twice changes nothing).
 * With `id`, updates that rule instead.
 */
export async function saveRoutingRule(db: DbClient, input: RoutingRuleInput, id?: string): Promise<SaveResult> {
  let locationId: string | null = null;
  if (input.etdCode !== null) {
    const location = await db.location.findUnique({ where: { code: input.etdCode }, select: { id: true } });
    if (!location) return invalid("etd", `unknown location ${input.etdCode}`);
    locationId = location.id;
  }
  let committeeId: string | null = null;
  if (input.committeeCode !== null) {
    const committee = await db.committee.findUnique({ where: { code: input.committeeCode }, select: { id: true } });
    if (!committee) return invalid("committee", `unknown committee ${input.committeeCode}`);
    committeeId = committee.id;
  }
  const key = {
    locationId,
    category: input.category,
    urgency: input.urgency,
    committeeId,
    tier: input.tier,
    exclude: input.exclude,
  };
  const data = {
    ...key,
    roles: [...new Set(input.roles)],
    ...(input.active !== undefined ? { active: input.active } : {}),
  };
  if (id !== undefined) {
    const updated = await db.routingRule.updateMany({ where: { id }, data });
    return updated.count === 1 ? { status: "updated", id } : invalid("id", "no such routing rule");
  }
  const existing = await db.routingRule.findFirst({ where: key, select: { id: true } });
  if (existing) {
    await db.routingRule.update({ where: { id: existing.id }, data });
    return { status: "updated", id: existing.id };
  }
  const created = await db.routingRule.create({ data, select: { id: true } });
  return { status: "created", id: created.id };
}
