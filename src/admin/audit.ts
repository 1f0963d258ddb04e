import type { DbClient } from "../db/Tx.js";
import type { Prisma } from "../generated/prisma/client.js";

/** One audit entry: who did what to what. `data` holds codes and counts, never passwords or personal data. */
export interface AuditEntry {
  userId: string | null;
  /** e.g. `login.success`, `login.failure`, `export.events`, `user.create`, `outbox.retry`. */
  action: string;
  target?: string | null;
  data?: Prisma.InputJsonValue;
}

/**
 * Appends an entry to the audit log (in the caller's transaction when given one).
 *
 * @example
 * await writeAudit(prisma, { userId: user.id, action: "outbox.retry", target: `outbox:${id}` });
 */
export async function writeAudit(db: DbClient, entry: AuditEntry): Promise<void> {
  await db.auditLog.create({
    data: { userId: entry.userId, action: entry.action, target: entry.target ?? null, data: entry.data },
  });
}
