/**
 * The outcome of saving one directory entry (committee, focal point, routing rule), as a value:
 * imports report `invalid` per row and column, the API turns it into a 400/409.
 */
export type SaveResult =
  | { status: "created" | "updated"; id: string }
  | { status: "invalid"; field: string; problem: string };

/** Builds an `invalid` result. */
export function invalid(field: string, problem: string): SaveResult {
  return { status: "invalid", field, problem };
}
