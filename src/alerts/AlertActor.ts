import { writeAudit } from "../admin/audit.js";
import type { Tx } from "../db/Tx.js";
import type { I18n } from "../engine/i18n.js";
import type { Prisma, UserRole } from "../generated/prisma/client.js";

/**
 * Who acts on an alert: a focal point it was routed to (`OK` / `FIN` from SMS, WhatsApp or Telegram)
 * or a signed-in user of the web dashboard or API (admin or case handler).
 */
export type AlertActor =
  | { kind: "focal_point"; focalPointId: string; code: string; name: string; role: string }
  | { kind: "user"; userId: string; name: string | null; role: UserRole };

/** A focal point acting by command. */
export type FocalPointActor = Extract<AlertActor, { kind: "focal_point" }>;

/** The `AlertEvent` columns that name the actor (one of the two is set). */
export function actorColumns(actor: AlertActor): { focalPointId: string | null; userId: string | null } {
  return actor.kind === "focal_point"
    ? { focalPointId: actor.focalPointId, userId: null }
    : { focalPointId: null, userId: actor.userId };
}

/**
 * How the other recipients read the actor in `alert:ack.byOther`: a focal point's name and role; a
 * user's name (or "the programme team" when the account has none) and web role.
 */
export function actorForRecipients(i18n: I18n, language: string, actor: AlertActor): { name: string; role: string } {
  const role = i18n.t(language, `alert:role.${actor.role}`);
  if (actor.kind === "focal_point") return { name: actor.name, role };
  return { name: actor.name ?? i18n.t(language, "alert:actor.staff"), role };
}

/**
 * Records an action on an alert in the audit log, in the transaction of the change: the user, or
 * the focal point's code for a command. Never the reporter, the note or any address.
 */
export async function auditAlertAction(
  tx: Tx,
  actor: AlertActor,
  entry: { action: "alert.acknowledge" | "alert.close"; ref: string; data?: Prisma.InputJsonObject },
): Promise<void> {
  await writeAudit(tx, {
    userId: actor.kind === "user" ? actor.userId : null,
    action: entry.action,
    target: entry.ref,
    data:
      actor.kind === "user"
        ? { via: "web", role: actor.role, ...entry.data }
        : { via: "command", focalPoint: actor.code, ...entry.data },
  });
}
