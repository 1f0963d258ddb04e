import type { PrismaClient } from "../generated/prisma/client.js";

/**
 * Claims one run of a scheduled job across every instance sharing the database: the first
 * instance to insert the slot's lease runs it, the others skip. A slot is the job name plus its
 * scheduled minute, so each slot runs once however many instances tick.
 *
 * @returns true when this instance should run the slot
 */
export async function claimJobSlot(prisma: PrismaClient, job: string, slot: Date, owner: string): Promise<boolean> {
  const minute = new Date(Math.floor(slot.getTime() / 60_000) * 60_000);
  const key = `${job}@${minute.toISOString()}`;
  const inserted = await prisma.$executeRaw`
    INSERT INTO "JobLease" (name, owner, "lockedUntil", "lastRunAt")
    VALUES (${key}, ${owner}, ${new Date(minute.getTime() + 24 * 3_600_000)}, ${new Date()})
    ON CONFLICT (name) DO NOTHING`;
  return inserted === 1;
}

/** Removes leases of slots older than a day (they only guard against a double run). */
export async function pruneJobSlots(prisma: PrismaClient, now: Date): Promise<number> {
  return prisma.jobLease.deleteMany({ where: { lockedUntil: { lt: now } } }).then((r) => r.count);
}
