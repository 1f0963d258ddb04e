import { describe, expect, it } from "vitest";
import { createStatementNamer, preparedMarker } from "../../src/db/createStatementNamer.js";
import { prepared } from "../../src/db/sqlValues.js";
import { Prisma } from "../../src/generated/prisma/client.js";

describe("createStatementNamer", () => {
  it("names the statements marked as prepared, the same text always the same name", () => {
    const name = createStatementNamer();
    const statement = prepared(Prisma.sql`SELECT ${1}::int AS "n"`);
    expect(statement.text.startsWith(preparedMarker)).toBe(true);
    const first = name({ sql: statement.text });
    expect(first).toMatch(/^relais_[A-Za-z0-9_-]{32}$/);
    expect(name({ sql: prepared(Prisma.sql`SELECT ${2}::int AS "n"`).text })).toBe(first);
    expect(name({ sql: prepared(Prisma.sql`SELECT ${1}::text AS "n"`).text })).not.toBe(first);
    // Another namer (another process, the fast lane) gives the same name to the same text.
    expect(createStatementNamer()({ sql: statement.text })).toBe(first);
  });

  it("leaves unmarked statements unnamed: PostgreSQL plans them for each use", () => {
    const name = createStatementNamer();
    expect(name({ sql: 'SELECT "id" FROM "OutboxItem" WHERE "nextAttemptAt" <= $1 LIMIT $2' })).toBe("");
  });

  it("names no more than its limit of distinct texts", () => {
    const name = createStatementNamer(2);
    const texts = [1, 2, 3].map((i) => `${preparedMarker} SELECT ${i}`);
    expect(texts.map((sql) => name({ sql }) !== "")).toEqual([true, true, false]);
    expect(name({ sql: texts[0] ?? "" })).not.toBe("");
  });
});
