/**
 * `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the PGlite folder in
 * DATA_DIR when DATABASE_URL is absent. Same bookkeeping as `prisma migrate deploy`.
 */
import { loadConfig } from "../config/loadConfig.js";
import { applyMigrations } from "../db/migrations.js";
import { openDatabase } from "../db/openDatabase.js";

const result = loadConfig(process.env);
if (!result.ok) {
  process.stderr.write(`${result.errors.join("\n")}\n`);
  process.exit(1);
}
try {
  const db = await openDatabase({
    url: result.config.database.url,
    dataDir: result.config.database.dataDir,
    migrate: false,
  });
  try {
    const applied = await applyMigrations(db.adapterFactory);
    process.stdout.write(
      applied.length === 0
        ? `No pending migrations on ${db.location}.\n`
        : `Applied ${applied.length} migration(s) on ${db.location}:\n${applied.map((n) => `  ${n}\n`).join("")}`,
    );
  } finally {
    await db.close();
  }
  process.exit(0);
} catch (error) {
  process.stderr.write(`Migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
