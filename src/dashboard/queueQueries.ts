import { z } from "zod";
import type { AuthUser } from "../admin/AuthUser.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";

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
});
export type QueueQuery = z.infer<typeof queueQuerySchema>;

const alertStatuses = ["open", "acknowledged", "closed"] as const;
const referralStatuses = [
  "pending",
  "accepted",
  "declined",
  "expired",
  "served",
  "no_show",
  "refused_by_person",
  "no_capacity",
  "unreachable",
] as const;

function oneOf<T extends string>(values: readonly T[], value: string | undefined): T | undefined {
  return values.find((v) => v === value);
}

type Db = Pick<PrismaClient, "alert" | "referral" | "focalPoint">;

/** Codes of the focal points who acted in these histories (codes, not names or numbers). */
async function focalPointCodes(db: Db, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db.focalPoint.findMany({ where: { id: { in: wanted } }, select: { id: true, code: true } });
  return new Map(rows.map((r) => [r.id, r.code]));
}

/**
 * The alert queue for case handlers, most urgent and newest first, with each alert's history.
 * Never the reporter's identity; the details of sensitive categories only with `canSeeSensitive`.
 */
export async function listAlertQueue(db: Db, user: AuthUser, query: QueueQuery) {
  const status = oneOf(alertStatuses, query.status);
  const where: Prisma.AlertWhereInput = {
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
      events: { orderBy: { at: "asc" }, select: { type: true, at: true, note: true, focalPointId: true } },
    },
  });
  const codes = await focalPointCodes(
    db,
    rows.flatMap((a) => a.events.map((e) => e.focalPointId)),
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
        by: e.focalPointId ? (codes.get(e.focalPointId) ?? null) : null,
      })),
    };
  });
}

/**
 * The referral queue, highest priority and newest first, with each referral's history. Declared
 * vulnerabilities only with `canSeeSensitive`; never the person's identity.
 */
export async function listReferralQueue(db: Db, user: AuthUser, query: QueueQuery) {
  const status = oneOf(referralStatuses, query.status);
  const rows = await db.referral.findMany({
    where: {
      ...(status ? { status } : { status: { in: ["pending", "accepted"] } }),
      ...(query.before ? { number: { lt: query.before } } : {}),
    },
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
      events: { orderBy: { at: "asc" }, select: { type: true, at: true, note: true, focalPointId: true } },
    },
  });
  const sensitive = user.canSeeSensitive || user.role === "admin";
  const codes = await focalPointCodes(
    db,
    rows.flatMap((r) => r.events.map((e) => e.focalPointId)),
  );
  return rows.map((r) => ({
    ...r,
    vulnerabilities: sensitive ? r.vulnerabilities : null,
    events: r.events.map((e) => ({
      type: e.type,
      at: e.at,
      note: sensitive ? e.note : null,
      by: e.focalPointId ? (codes.get(e.focalPointId) ?? null) : null,
    })),
  }));
}
