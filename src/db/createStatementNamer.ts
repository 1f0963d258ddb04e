import { createHash } from "node:crypto";

/** Gives a statement's name for pg (an empty name: not prepared). */
export type StatementNamer = (query: { sql: string }) => string;

/** The comment that opens a statement worth preparing: see `prepared()` in `sqlValues.ts`. */
export const preparedMarker = "/* prepared */";

/**
 * Names SQL statements for `pg`, so each connection parses a statement once and PostgreSQL can keep
 * its plan (a named prepared statement) instead of parsing and planning every query again. The
 * inbound path's few large statements are planned once per connection instead of once per message.
 *
 * Only statements that open with `preparedMarker` are named: after five runs PostgreSQL may switch a
 * prepared statement to one generic plan for all parameter values, which suits look-ups and writes
 * by key but not every query (the outbox claim's generic plan was ten times slower). Everything else,
 * Prisma's own queries included, stays unnamed (an empty name is PostgreSQL's unnamed statement,
 * parsed and planned on each use). Only the first `limit` distinct texts get a name, so statements
 * whose text varies cannot pile up prepared statements in every connection.
 *
 * @example
 * new PrismaPg({ connectionString }, { statementNameGenerator: createStatementNamer() });
 */
export function createStatementNamer(limit = 500): StatementNamer {
  const names = new Map<string, string>();
  return ({ sql }) => {
    const known = names.get(sql);
    if (known !== undefined) return known;
    if (!sql.startsWith(preparedMarker) || names.size >= limit) return "";
    const name = `relais_${createHash("sha256").update(sql).digest("base64url").slice(0, 32)}`;
    names.set(sql, name);
    return name;
  };
}
