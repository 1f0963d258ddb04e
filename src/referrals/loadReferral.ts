import { z } from "zod";
import type { DbClient } from "../db/Tx.js";
import type { Prisma } from "../generated/prisma/client.js";

/** What the referral lifecycle reads with a referral: provider, service, place, and the returnee's pseudonym. */
export const referralContext = {
  provider: { select: { id: true, code: true, name: true, phone: true, hours: true, address: true } },
  service: { select: { code: true, labels: true } },
  location: { select: { code: true, name: true, path: true, country: true, parent: { select: { name: true } } } },
  contact: { select: { pseudonym: true } },
} satisfies Prisma.ReferralInclude;

export type ReferralWithContext = Prisma.ReferralGetPayload<{ include: typeof referralContext }>;

/** A referral by its number (`R-2031` is number 1031), with its context; null when there is none. */
export async function loadReferral(
  db: DbClient,
  where: { number: number } | { id: string },
): Promise<ReferralWithContext | null> {
  return db.referral.findUnique({ where, include: referralContext });
}

const labelsSchema = z.object({ menu: z.record(z.string(), z.string()).optional() }).catchall(z.unknown());

/**
 * A service's label in `language` (the short menu label with `short`), falling back to French, then the code.
 *
 * @example
 * serviceLabel({ code: "mhpss", labels }, "en", { short: true }); // "Mental health"
 */
export function serviceLabel(
  service: { code: string; labels: unknown },
  language: string,
  options: { short?: boolean } = {},
): string {
  const parsed = labelsSchema.safeParse(service.labels);
  if (!parsed.success) return service.code;
  const labels = parsed.data;
  if (options.short && labels.menu) return labels.menu[language] ?? labels.menu.fr ?? service.code;
  const full = labels[language] ?? labels.fr;
  return typeof full === "string" ? full : service.code;
}

/** "Kindia (Kindia)": the place and its region, for notices. */
export function placeLabel(location: ReferralWithContext["location"]): string {
  if (!location) return "-";
  return location.parent ? `${location.name} (${location.parent.name})` : location.name;
}
