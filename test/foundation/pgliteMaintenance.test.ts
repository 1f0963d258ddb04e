import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPgliteMaintenance } from "../../src/db/startPgliteMaintenance.js";
import { createLogger } from "../../src/log/createLogger.js";
import { createTestDatabase, type TestDatabase } from "../support/createTestDatabase.js";
import { testDbKind } from "../support/testDbConfig.js";

// PostgreSQL servers vacuum and analyse on their own (autovacuum); PGlite does not.
describe.skipIf(testDbKind === "postgres")("PGlite maintenance", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("vacuums and analyses the tables that autovacuum would have", async () => {
    const lastRun = async () =>
      db.prisma.$queryRaw<{ vacuumed: boolean; analysed: boolean }[]>`
        SELECT "last_vacuum" IS NOT NULL AS "vacuumed", "last_analyze" IS NOT NULL AS "analysed"
        FROM pg_stat_user_tables WHERE "relname" = 'OutboxItem'`;
    expect(await lastRun()).toEqual([{ vacuumed: false, analysed: false }]);
    const job = startPgliteMaintenance({ prisma: db.prisma, log: createLogger({ level: "silent" }), owner: "test" });
    try {
      await job.runNow();
    } finally {
      await job.stop();
    }
    expect(await lastRun()).toEqual([{ vacuumed: true, analysed: true }]);
  });
});
