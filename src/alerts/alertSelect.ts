import type { Prisma } from "../generated/prisma/client.js";

/** The columns the alert domain reads for routing, notifying, acknowledging and escalating. */
export const alertSelect = {
  id: true,
  ref: true,
  category: true,
  urgency: true,
  channel: true,
  status: true,
  tier: true,
  locationId: true,
  location: { select: { code: true, name: true, path: true } },
  place: true,
  latitude: true,
  longitude: true,
  description: true,
  anonymous: true,
  reporterContactId: true,
  consentToContact: true,
  duplicateOfId: true,
  createdAt: true,
  acknowledgedAt: true,
  nextEscalationAt: true,
} satisfies Prisma.AlertSelect;

/** An alert as the domain reads it (see {@link alertSelect}). */
export type AlertRow = Prisma.AlertGetPayload<{ select: typeof alertSelect }>;
