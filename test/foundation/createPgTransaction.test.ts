import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createPgTransaction, forgetPrepared } from "../../src/db/createPgTransaction.js";
import { createStatementNamer } from "../../src/db/createStatementNamer.js";
import { prepared } from "../../src/db/sqlValues.js";
import { Prisma } from "../../src/generated/prisma/client.js";
import { createTestDatabase, type TestDatabase } from "../support/createTestDatabase.js";
import { testDbKind } from "../support/testDbConfig.js";

// The fast lane's transactions on bare `pg` connections exist on PostgreSQL only.
describe.skipIf(testDbKind !== "postgres")("createPgTransaction", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  const name = createStatementNamer();
  beforeAll(async () => {
    db = await createTestDatabase();
    if (!db.pg) throw new Error("a PostgreSQL database has a pg pool");
    pool = db.pg.pool;
    await pool.query(`CREATE TABLE "Note" ("id" int PRIMARY KEY, "text" text, "data" jsonb, "flag" boolean)`);
  });
  afterAll(async () => {
    await db?.close();
  });

  const insert = (id: number, text: string | null, data: unknown, flag: boolean) =>
    prepared(
      Prisma.sql`INSERT INTO "Note" ("id", "text", "data", "flag") VALUES (${id}::int, ${text}, ${
        data === null ? null : JSON.stringify(data)
      }::jsonb, ${flag}) RETURNING "id"`,
    );
  const read = (id: number) => prepared(Prisma.sql`SELECT "text", "data", "flag" FROM "Note" WHERE "id" = ${id}::int`);

  it("sends values as PostgreSQL reads parameters: quotes, backslashes, JSON, NULL and booleans arrive intact", async () => {
    const client = await pool.connect();
    try {
      const text = `O'Brien \\ "quoted" \\' -- ; DROP TABLE "Note"; ☀ é`;
      const data = { note: "it's \\n not a newline", list: [1, null, true] };
      const tx = createPgTransaction(client, name);
      const [inserted, alsoInserted, rows] = await tx.run([
        insert(1, text, data, true),
        insert(2, null, null, false),
        read(1),
      ]);
      expect(inserted).toEqual([{ id: 1 }]);
      expect(alsoInserted).toEqual([{ id: 2 }]);
      // The read in the same round trip sees the insert before it.
      expect(rows).toEqual([{ text, data, flag: true }]);
      expect(await tx.commitWith([read(2)])).toEqual([[{ text: null, data: null, flag: false }]]);
      expect(tx.committed).toBe(true);
    } finally {
      client.release();
    }
    const { rows } = await pool.query(`SELECT "id" FROM "Note" ORDER BY "id"`);
    expect(rows).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it("takes one round trip to open the transaction with its first statements, one to end it with its last", async () => {
    const client = await pool.connect();
    try {
      // The first use on a connection prepares each statement once.
      const warm = createPgTransaction(client, name);
      await warm.run([read(1), read(2)]);
      await warm.rollback();
      const queries = vi.spyOn(client, "query");
      const tx = createPgTransaction(client, name);
      await tx.run([insert(10, "a", null, true), read(10)]);
      await tx.commitWith([insert(11, "b", null, true)]);
      await tx.commit();
      expect(queries).toHaveBeenCalledTimes(2);
      queries.mockRestore();
    } finally {
      client.release();
    }
    const { rows } = await pool.query(`SELECT "id" FROM "Note" WHERE "id" >= 10 ORDER BY "id"`);
    expect(rows).toEqual([{ id: 10 }, { id: 11 }]);
  });

  it("rolls back everything, and leaves the connection usable", async () => {
    const client = await pool.connect();
    try {
      const tx = createPgTransaction(client, name);
      await tx.run([insert(20, "gone", null, true)]);
      // A duplicate key fails the round trip; the transaction is still open until rolled back.
      await expect(tx.run([insert(20, "again", null, true)])).rejects.toMatchObject({ code: "23505" });
      await tx.rollback();
      const next = createPgTransaction(client, name);
      expect(await next.run([read(20)])).toEqual([[]]);
      await next.commit();
    } finally {
      client.release();
    }
    expect((await pool.query(`SELECT count(*)::int AS "n" FROM "Note" WHERE "id" = 20`)).rows).toEqual([{ n: 0 }]);
  });

  it("runs a statement not worth preparing on its own, inside the same transaction", async () => {
    const client = await pool.connect();
    try {
      const tx = createPgTransaction(client, name);
      const unprepared = Prisma.sql`INSERT INTO "Note" ("id", "text") VALUES (${30}::int, ${"plain"}) RETURNING "text"`;
      expect(await tx.run([unprepared, read(30)])).toEqual([
        [{ text: "plain" }],
        [{ text: "plain", data: null, flag: null }],
      ]);
      await tx.rollback();
    } finally {
      client.release();
    }
    expect((await pool.query(`SELECT count(*)::int AS "n" FROM "Note" WHERE "id" = 30`)).rows).toEqual([{ n: 0 }]);
  });

  it("reports statements the connection lost (DISCARD ALL) and prepares them again once told", async () => {
    const client = await pool.connect();
    try {
      await createPgTransaction(client, name).run([read(1)]);
      await client.query("ROLLBACK");
      await client.query("DISCARD ALL");
      const lost = createPgTransaction(client, name);
      await expect(lost.run([read(1)])).rejects.toMatchObject({ code: "26000" });
      await lost.rollback();
      forgetPrepared(client);
      const again = createPgTransaction(client, name);
      expect(await again.run([read(1)])).toHaveLength(1);
      await again.rollback();
    } finally {
      client.release();
    }
  });
});
