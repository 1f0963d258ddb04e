import { defineConfig } from "prisma/config";

// The Prisma CLI reads this file. Relais applies migrations itself (src/db/migrate.ts), so a URL is
// only needed by the official `prisma migrate deploy` on hosts that have the Prisma engines.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/relais" },
});
