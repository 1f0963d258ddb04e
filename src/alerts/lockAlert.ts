import type { Tx } from "../db/Tx.js";
import { type AlertRow, alertSelect } from "./alertSelect.js";

/**
 * Reads an alert by reference (`A-1042`) or id after locking its row for the rest of the
 * transaction, so that focal-point commands, web actions and escalation take turns on it.
 * Null when there is no such alert.
 */
export async function lockAlert(tx: Tx, key: { ref: string } | { id: string }): Promise<AlertRow | null> {
  const rows =
    "ref" in key
      ? await tx.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM "Alert" WHERE ref = ${key.ref} FOR UPDATE`
      : await tx.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM "Alert" WHERE id = ${key.id}::uuid FOR UPDATE`;
  const found = rows[0];
  return found ? tx.alert.findUnique({ where: { id: found.id }, select: alertSelect }) : null;
}
