import type { PrismaClient, UserRole } from "../generated/prisma/client.js";
import { hashSecret, randomSecret } from "./hashSecret.js";
import { sessionTtlMs } from "./sessionCookie.js";

/** What a valid session or API token resolves to. */
export interface SessionUser {
  id: string;
  email: string;
  role: UserRole;
  canSeeSensitive: boolean;
}

const userSelect = { id: true, email: true, role: true, canSeeSensitive: true, active: true } as const;

/**
 * Opens a session for a user: the cookie value is returned once, the database keeps its sha256
 * (a stolen database dump cannot be replayed as a cookie).
 */
export async function createSession(
  prisma: Pick<PrismaClient, "session">,
  userId: string,
  now: Date,
): Promise<{ cookieValue: string; csrfToken: string; expiresAt: Date }> {
  const cookieValue = randomSecret();
  const csrfToken = randomSecret();
  const expiresAt = new Date(now.getTime() + sessionTtlMs);
  await prisma.session.create({ data: { id: hashSecret(cookieValue), userId, csrfToken, expiresAt, createdAt: now } });
  return { cookieValue, csrfToken, expiresAt };
}

/** The user of a session cookie, or null when unknown, expired or the user is deactivated. */
export async function readSession(
  prisma: Pick<PrismaClient, "session">,
  cookieValue: string,
  now: Date,
): Promise<{ user: SessionUser; csrfToken: string } | null> {
  const session = await prisma.session.findUnique({
    where: { id: hashSecret(cookieValue) },
    select: { csrfToken: true, expiresAt: true, user: { select: userSelect } },
  });
  if (!session || session.expiresAt <= now || !session.user.active) return null;
  const { active: _active, ...user } = session.user;
  return { user, csrfToken: session.csrfToken };
}

/** Ends a session (logout). */
export async function deleteSession(prisma: Pick<PrismaClient, "session">, cookieValue: string): Promise<void> {
  await prisma.session.deleteMany({ where: { id: hashSecret(cookieValue) } });
}

/** Prefix of API tokens, so that a leaked one is recognisable (secret scanners, logs). */
export const apiTokenPrefix = "relais_";

/** Creates an API token for scripts; the token is returned once and only its sha256 is stored. */
export async function createApiToken(
  prisma: Pick<PrismaClient, "apiToken">,
  userId: string,
  name: string,
): Promise<{ id: string; token: string }> {
  const token = apiTokenPrefix + randomSecret();
  const row = await prisma.apiToken.create({
    data: { userId, name, tokenHash: hashSecret(token) },
    select: { id: true },
  });
  return { id: row.id, token };
}

/** The user of a bearer token, or null when unknown, revoked or the user is deactivated. */
export async function readApiToken(
  prisma: Pick<PrismaClient, "apiToken">,
  token: string,
  now: Date,
): Promise<SessionUser | null> {
  if (!token.startsWith(apiTokenPrefix)) return null;
  const row = await prisma.apiToken.findUnique({
    where: { tokenHash: hashSecret(token) },
    select: { id: true, revokedAt: true, lastUsedAt: true, user: { select: userSelect } },
  });
  if (!row || row.revokedAt || !row.user.active) return null;
  // Record use at most once a minute: a script polling every second should not write every second.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  const { active: _active, ...user } = row.user;
  return user;
}
