import type { Response } from "express";
import { z } from "zod";
import type { Tx } from "../../db/Tx.js";
import type { Prisma } from "../../generated/prisma/client.js";

// The sign-in feature leaves the user on `res.locals` (as `user.id` or `userId`); absent: an anonymous caller.
const signedIn = z.union([z.object({ user: z.object({ id: z.uuid() }) }), z.object({ userId: z.uuid() })]);

/** The id of the signed-in user behind a request, or null when the auth port left none. */
export function auditUserId(res: Response): string | null {
  const parsed = signedIn.safeParse(res.locals);
  if (!parsed.success) return null;
  return "user" in parsed.data ? parsed.data.user.id : parsed.data.userId;
}

/**
 * Writes one AuditLog row in the transaction of the change it records. `data` names what changed;
 * it must not hold phone numbers or chat ids (an address change is recorded as the channel only).
 */
export async function writeAudit(
  tx: Tx,
  res: Response,
  entry: { action: string; target: string; data?: Prisma.InputJsonObject },
): Promise<void> {
  const userId = auditUserId(res);
  const user = userId ? await tx.user.findUnique({ where: { id: userId }, select: { id: true } }) : null;
  await tx.auditLog.create({
    data: {
      userId: user?.id ?? null,
      action: entry.action,
      target: entry.target,
      ...(entry.data ? { data: entry.data } : {}),
    },
  });
}
