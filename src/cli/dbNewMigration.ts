/**
 * `npm run db:new-migration -- <name>`: writes prisma/migrations/<UTC timestamp>_<name>/migration.sql
 * with the SQL that brings the existing migrations to prisma/schema.prisma. Works offline (wasm
 * schema engine, throw-away PGlite). Review DROP statements before committing.
 */
import { createMigration } from "../db/migrations.js";

const name = process.argv[2];
if (!name) {
  process.stderr.write("usage: npm run db:new-migration -- <name>   (lower-case letters, digits and _)\n");
  process.exit(2);
}
try {
  const created = await createMigration(name);
  if (!created) {
    process.stdout.write("The schema and the migrations already agree: no migration created.\n");
  } else {
    process.stdout.write(`Created ${created.dir}/migration.sql\n`);
    if (/\bDROP\b/.test(created.sql)) {
      process.stdout.write(
        "Warning: the migration drops something. Check it does not lose data before you commit it.\n",
      );
    }
  }
  process.exit(0);
} catch (error) {
  process.stderr.write(`Could not create the migration: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
