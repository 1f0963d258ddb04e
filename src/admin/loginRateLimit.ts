import { incrementRateCounter } from "../channels/twilio/incrementRateCounter.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { hashSecret } from "./hashSecret.js";

/** Failed sign-ins tolerated per window: per email and address, and per address alone (password spraying). */
export const loginLimits = { windowMs: 15 * 60_000, perEmailAndIp: 5, perIp: 30 } as const;

function keysOf(email: string, ip: string): { pair: string; ip: string } {
  return { pair: `login:${hashSecret(`${email}|${ip}`).slice(0, 40)}`, ip: `login-ip:${hashSecret(ip).slice(0, 40)}` };
}

/**
 * True when too many sign-ins failed recently for this email from this address, or from this
 * address overall. Counters live in `RateCounter`, so every instance sees the same counts.
 */
export async function loginBlocked(
  prisma: Pick<PrismaClient, "rateCounter">,
  email: string,
  ip: string,
  now: Date,
): Promise<boolean> {
  const keys = keysOf(email, ip);
  const rows = await prisma.rateCounter.findMany({ where: { key: { in: [keys.pair, keys.ip] } } });
  const openedAfter = now.getTime() - loginLimits.windowMs;
  return rows.some(
    (row) =>
      row.windowStart.getTime() > openedAfter &&
      row.count >= (row.key === keys.pair ? loginLimits.perEmailAndIp : loginLimits.perIp),
  );
}

/** Counts one failed sign-in. */
export async function recordLoginFailure(
  prisma: Pick<PrismaClient, "$queryRaw">,
  email: string,
  ip: string,
  now: Date,
): Promise<void> {
  const keys = keysOf(email, ip);
  await incrementRateCounter(prisma, keys.pair, loginLimits.windowMs, now);
  await incrementRateCounter(prisma, keys.ip, loginLimits.windowMs, now);
}

/** Clears the per-email counter after a successful sign-in (the per-address one keeps counting). */
export async function clearLoginFailures(
  prisma: Pick<PrismaClient, "rateCounter">,
  email: string,
  ip: string,
): Promise<void> {
  await prisma.rateCounter.deleteMany({ where: { key: keysOf(email, ip).pair } });
}
