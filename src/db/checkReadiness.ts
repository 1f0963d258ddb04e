import type { PrismaClient } from "../generated/prisma/client.js";
import { readMigrations } from "./migrations.js";

export type Readiness = { ready: true } | { ready: false; reason: string };

/**
 * Ready when the database answers and every migration in `prisma/migrations` is applied and
 * finished (as recorded in `_prisma_migrations`).
 */
export async function checkReadiness(prisma: PrismaClient, expected?: string[]): Promise<Readiness> {
  const names = expected ?? (await readMigrations()).migrationDirectories.map((d) => d.path);
  try {
    const rows = await prisma.$queryRawUnsafe<{ migration_name: string }[]>(
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
    );
    const applied = new Set(rows.map((r) => r.migration_name));
    const pending = names.filter((n) => !applied.has(n));
    return pending.length === 0
      ? { ready: true }
      : { ready: false, reason: `pending migrations: ${pending.join(", ")}` };
  } catch {
    return { ready: false, reason: "database unreachable" };
  }
}
