/** Which database the suite runs on: `RELAIS_TEST_DB=postgres npm test` for PostgreSQL, PGlite otherwise. */
export const testDbKind: "pglite" | "postgres" = process.env.RELAIS_TEST_DB === "postgres" ? "postgres" : "pglite";

/** Server connection used to create one database per test file (PostgreSQL runs only). */
export const testAdminUrl = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

export function databaseUrl(adminUrl: string, name: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}
