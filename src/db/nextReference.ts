import type { Tx } from "./Tx.js";

const tables = { Alert: "A", Referral: "R", Feedback: "F" } as const;

/**
 * Takes the next number of a table's `number` sequence and builds its short public reference
 * (`A-1042`, `R-2031`, `F-1003`): short enough to type on a basic phone, never reused.
 */
export async function nextReference(tx: Tx, table: keyof typeof tables): Promise<{ number: number; ref: string }> {
  const rows = await tx.$queryRawUnsafe<{ n: number }[]>(
    `SELECT nextval(pg_get_serial_sequence('"${table}"', 'number'))::int AS n`,
  );
  const n = rows[0]?.n;
  if (n === undefined) throw new Error(`no sequence value for ${table}`);
  return { number: n, ref: `${tables[table]}-${1000 + n}` };
}
