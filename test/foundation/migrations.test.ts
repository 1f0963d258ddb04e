import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultSchemaPath, diffDatabaseToSchema, diffMigrationsToSchema } from "../../src/db/migrations.js";
import { createTestDatabase, type TestDatabase } from "../support/createTestDatabase.js";
import { testDbKind } from "../support/testDbConfig.js";

describe("migrations", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  it("agree with the schema: replaying them leaves an empty diff", async () => {
    expect(await diffMigrationsToSchema()).toBe("");
  });

  // The wasm schema engine cannot introspect a live PostgreSQL server through @prisma/adapter-pg
  // (it fails to read catalog columns of type "char"); the replay above covers PostgreSQL too.
  it.runIf(testDbKind === "pglite")("leave the migrated test database identical to the schema", async () => {
    expect(await diffDatabaseToSchema(db.adapterFactory)).toBe("");
  });

  it("are recorded like prisma migrate deploy does", async () => {
    const rows = await db.prisma.$queryRawUnsafe<{ migration_name: string; checksum: string }[]>(
      "SELECT migration_name, checksum FROM _prisma_migrations ORDER BY migration_name",
    );
    expect(rows.length).toBeGreaterThan(0);
    const first = rows[0];
    if (!first) return;
    const sql = await readFile(path.resolve("prisma/migrations", first.migration_name, "migration.sql"));
    const { createHash } = await import("node:crypto");
    expect(first.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
  });

  it.runIf(testDbKind === "pglite")("detect a schema change that has no migration", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "relais-schema-"));
    const schema = `${await readFile(defaultSchemaPath, "utf8")}\nmodel Extra {\n  id Int @id\n}\n`;
    const changed = path.join(dir, "schema.prisma");
    await writeFile(changed, schema);
    const diff = await diffDatabaseToSchema(db.adapterFactory, changed);
    expect(diff).toContain('CREATE TABLE "Extra"');
  });
});
