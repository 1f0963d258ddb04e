import type { DbClient } from "../db/Tx.js";
import type { Prisma } from "../generated/prisma/client.js";

const providerInclude = {
  services: { select: { service: { select: { code: true } } } },
  areas: { select: { location: { select: { code: true } } } },
  focalPoints: {
    select: {
      code: true,
      name: true,
      language: true,
      active: true,
      contact: { select: { addresses: { select: { channel: true, address: true } } } },
    },
    orderBy: { code: "asc" },
  },
} satisfies Prisma.ProviderInclude;

type ProviderRow = Prisma.ProviderGetPayload<{ include: typeof providerInclude }>;

/** A provider as the admin API shows it: the same shape it accepts, plus ids and timestamps. */
export interface ProviderView {
  id: string;
  code: string;
  name: string;
  description: string | null;
  country: string;
  services: string[];
  areas: string[];
  eligibility: Prisma.JsonValue;
  languages: string[];
  hours: string | null;
  address: string | null;
  phone: string | null;
  takesReferrals: boolean;
  fictional: boolean;
  focalPoints: {
    code: string;
    name: string;
    language: string;
    active: boolean;
    sms?: string;
    whatsapp?: string;
    telegram?: string;
  }[];
  createdAt: Date;
  updatedAt: Date;
}

export function toProviderView(row: ProviderRow): ProviderView {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    description: row.description,
    country: row.country,
    services: row.services.map((s) => s.service.code).sort(),
    areas: row.areas.map((a) => a.location.code).sort(),
    eligibility: row.eligibility,
    languages: row.languages,
    hours: row.hours,
    address: row.address,
    phone: row.phone,
    takesReferrals: row.takesReferrals,
    fictional: row.fictional,
    focalPoints: row.focalPoints.map((fp) => {
      const channels: Partial<Record<"sms" | "whatsapp" | "telegram", string>> = {};
      for (const a of fp.contact.addresses) {
        if (a.channel === "sms" || a.channel === "whatsapp" || a.channel === "telegram")
          channels[a.channel] ??= a.address;
      }
      return { code: fp.code, name: fp.name, language: fp.language, active: fp.active, ...channels };
    }),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** One provider by code, as the API shows it; null when unknown. */
export async function findProviderView(db: DbClient, code: string): Promise<ProviderView | null> {
  const row = await db.provider.findUnique({ where: { code }, include: providerInclude });
  return row ? toProviderView(row) : null;
}

/** A page of providers matching `where`, by code. */
export async function listProviderViews(
  db: DbClient,
  where: Prisma.ProviderWhereInput,
  page: { skip: number; take: number },
): Promise<{ items: ProviderView[]; total: number }> {
  const [rows, total] = await Promise.all([
    db.provider.findMany({ where, include: providerInclude, orderBy: { code: "asc" }, ...page }),
    db.provider.count({ where }),
  ]);
  return { items: rows.map(toProviderView), total };
}
