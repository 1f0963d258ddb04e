import { z } from "zod";
import type { AuthUser } from "../admin/AuthUser.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { listReferrals, openReferralStatuses, referralStatuses } from "../referrals/listReferrals.js";

/** Alert categories whose details (place, description) only staff granted sensitive access read. */
export const sensitiveAlertCategories: readonly string[] = ["sgbv", "police_misconduct"];

export const queueQuerySchema = z.object({
  status: z
    .string()
    .regex(/^[a-z_]+$/)
    .max(30)
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `number` of the last item of the previous page. */
  before: z.coerce.number().int().positive().optional(),
  /** One item by its reference (`A-1042`, `R-2031`), whatever its status: a row refreshed after an action. */
  ref: z
    .string()
    .regex(/^[ar]-\d{1,9}$/i)
    .transform((s) => s.toUpperCase())
    .optional(),
});
export type QueueQuery = z.infer<typeof queueQuerySchema>;

const alertStatuses = ["open", "acknowledged", "closed"] as const;

function oneOf<T extends string>(values: readonly T[], value: string | undefined): T | undefined {
  return values.find((v) => v === value);
}

/** Who acted in a history entry: a focal point or a user (at most one is set). */
interface EventActor {
  focalPointId: string | null;
  userId: string | null;
}

/**
 * Names who acted in these histories: a focal point by its code (not its name or number), a
 * user by their e-mail. Returns the label of one event's actor, or null (the system acted).
 */
async function actorLabels(db: PrismaClient, events: readonly EventActor[]): Promise<(e: EventActor) => string | null> {
  const unique = (ids: (string | null)[]) => [...new Set(ids.filter((id): id is string => id !== null))];
  const focalPointIds = unique(events.map((e) => e.focalPointId));
  const userIds = unique(events.map((e) => e.userId));
  const [focalPoints, users] = await Promise.all([
    focalPointIds.length > 0
      ? db.focalPoint.findMany({ where: { id: { in: focalPointIds } }, select: { id: true, code: true } })
      : [],
    userIds.length > 0 ? db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } }) : [],
  ]);
  const codes = new Map(focalPoints.map((r) => [r.id, r.code]));
  const emails = new Map(users.map((r) => [r.id, r.email]));
  return (e) =>
    (e.focalPointId ? codes.get(e.focalPointId) : undefined) ?? (e.userId ? emails.get(e.userId) : undefined) ?? null;
}

const historySelect = {
  orderBy: { at: "asc" },
  select: { type: true, at: true, note: true, focalPointId: true, userId: true },
} satisfies Prisma.AlertEventFindManyArgs & Prisma.ReferralEventFindManyArgs;

/**
 * The alert queue for case handlers, newest first, with each alert's history (who acted: a focal
 * point's code or a user's e-mail).
 * Never the reporter's identity; the details of sensitive categories only with `canSeeSensitive`.
 */
export async function listAlertQueue(db: PrismaClient, user: AuthUser, query: QueueQuery) {
  const status = oneOf(alertStatuses, query.status);
  const where: Prisma.AlertWhereInput = query.ref
    ? { ref: query.ref }
    : {
        ...(status ? { status } : { status: { in: ["open", "acknowledged"] } }),
        ...(query.before ? { number: { lt: query.before } } : {}),
      };
  const rows = await db.alert.findMany({
    where,
    orderBy: { number: "desc" },
    take: query.limit,
    select: {
      id: true,
      number: true,
      ref: true,
      category: true,
      urgency: true,
      status: true,
      tier: true,
      place: true,
      description: true,
      channel: true,
      anonymous: true,
      consentToContact: true,
      closeReason: true,
      createdAt: true,
      acknowledgedAt: true,
      closedAt: true,
      nextEscalationAt: true,
      location: { select: { code: true, name: true } },
      events: historySelect,
    },
  });
  const by = await actorLabels(
    db,
    rows.flatMap((a) => a.events),
  );
  return rows.map((a) => {
    const hidden = sensitiveAlertCategories.includes(a.category) && !user.canSeeSensitive && user.role !== "admin";
    return {
      ...a,
      place: hidden ? null : a.place,
      description: hidden ? null : a.description,
      withheld: hidden,
      events: a.events.map((e) => ({
        type: e.type,
        at: e.at,
        note: hidden ? null : e.note,
        by: by(e),
      })),
    };
  });
}

/**
 * The referral queue, newest first (its priority shown), with each referral's history: the admin
 * API's referral list (`listReferrals`) with the queue's columns. Declared vulnerabilities only
 * with `canSeeSensitive`; never the person's identity.
 */
export async function listReferralQueue(db: PrismaClient, user: AuthUser, query: QueueQuery) {
  const status = oneOf(referralStatuses, query.status);
  const { items: rows } = await listReferrals(
    db,
    query.ref ? { ref: query.ref } : { status: status ? [status] : openReferralStatuses, numberBelow: query.before },
    {
      orderBy: [{ number: "desc" }],
      take: query.limit,
      select: {
        id: true,
        number: true,
        ref: true,
        status: true,
        channel: true,
        priority: true,
        sex: true,
        ageGroup: true,
        vulnerabilities: true,
        createdAt: true,
        respondBy: true,
        acceptedAt: true,
        outcomeAt: true,
        followUpDueAt: true,
        satisfaction: true,
        serviceReceived: true,
        provider: { select: { code: true, name: true } },
        service: { select: { code: true, labels: true } },
        location: { select: { code: true, name: true } },
        events: historySelect,
      },
    },
  );
  const sensitive = user.canSeeSensitive || user.role === "admin";
  const by = await actorLabels(
    db,
    rows.flatMap((r) => r.events),
  );
  return rows.map((r) => ({
    ...r,
    vulnerabilities: sensitive ? r.vulnerabilities : null,
    events: r.events.map((e) => ({
      type: e.type,
      at: e.at,
      note: sensitive ? e.note : null,
      by: by(e),
    })),
  }));
}
