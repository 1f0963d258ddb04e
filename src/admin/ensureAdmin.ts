import { hash, verify } from "@node-rs/argon2";
import type { PrismaClient } from "../generated/prisma/client.js";

/** Argon2id parameters (OWASP's minimum: 19 MiB, 2 passes). */
export const passwordHashOptions = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Hashes a password with argon2id, a memory-hard function. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, passwordHashOptions);
}

let dummyHash: Promise<string> | null = null;

/**
 * Checks a password against a stored argon2 hash. Without a hash (unknown email) it still spends
 * the time of one verification, so response times do not reveal which emails have accounts.
 */
export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (passwordHash === null) {
    dummyHash ??= hashPassword("relais-dummy-password-for-timing");
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}

/**
 * Creates the first administrator from `ADMIN_EMAIL`/`ADMIN_PASSWORD` when no user exists yet;
 * does nothing otherwise (changing the password later is done in the admin pages).
 *
 * @returns true when a user was created
 */
export async function ensureAdmin(
  prisma: PrismaClient,
  admin: { email: string; password: string } | null,
): Promise<boolean> {
  if (!admin) return false;
  if ((await prisma.user.count()) > 0) return false;
  const passwordHash = await hashPassword(admin.password);
  await prisma.$transaction([
    prisma.user.create({
      data: { email: admin.email.toLowerCase(), passwordHash, role: "admin", canSeeSensitive: true },
    }),
    prisma.auditLog.create({ data: { action: "user.bootstrap_admin", target: "user" } }),
  ]);
  return true;
}
