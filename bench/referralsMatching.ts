/**
 * Matching latency with 5,000 providers over the full Guinea location tree (8 regions, 34
 * prefectures), 10,000 referrals in the queues, on PGlite and (with DATABASE_URL) PostgreSQL.
 * Run: `npx tsx bench/referralsMatching.ts` (DATABASE_URL=postgresql://... for PostgreSQL; the
 * benchmark creates and drops its own scratch database on that server).
 */
import { randomUUID } from "node:crypto";
import { matchProviders, matchProvidersSql } from "../src/directory/matchProviders.js";
import type { PrismaClient } from "../src/generated/prisma/client.js";
import { Prisma } from "../src/generated/prisma/client.js";
import { ageGroups } from "../src/referrals/referralProfile.js";
import { benchDatabases, percentile, seeded } from "./referralsBenchDb.js";

const providers = Number(process.env.PROVIDERS ?? 5000);
const queries = Number(process.env.QUERIES ?? 2000);

async function populate(prisma: PrismaClient, random: () => number): Promise<void> {
  const locations = await prisma.location.findMany({ where: { country: "GN" }, select: { id: true, level: true } });
  const prefectures = locations.filter((l) => l.level === "prefecture");
  const regions = locations.filter((l) => l.level === "region");
  const country = locations.find((l) => l.level === "country");
  const services = await prisma.service.findMany({ select: { id: true } });
  const pick = <T>(list: readonly T[]): T => {
    const item = list[Math.floor(random() * list.length)] ?? list[0];
    if (item === undefined) throw new Error("nothing to pick from");
    return item;
  };
  const rows: {
    providers: Prisma.ProviderCreateManyInput[];
    services: Prisma.ProviderServiceCreateManyInput[];
    areas: Prisma.ProviderAreaCreateManyInput[];
    contacts: Prisma.ContactCreateManyInput[];
    addresses: Prisma.ContactAddressCreateManyInput[];
    focal: Prisma.FocalPointCreateManyInput[];
  } = { providers: [], services: [], areas: [], contacts: [], addresses: [], focal: [] };
  const providerIds: string[] = [];
  for (let i = 0; i < providers; i++) {
    const id = randomUUID();
    providerIds.push(id);
    const r = random();
    const eligibility =
      r < 0.1
        ? { sex: "female" }
        : r < 0.15
          ? { maxAge: 17 }
          : r < 0.25
            ? { minAge: 18, maxAge: 35, nationalities: ["GN"] }
            : {};
    rows.providers.push({
      id,
      code: `PRV-BENCH-${i}`,
      name: `Prestataire ${i}`,
      country: "GN",
      languages: ["fr"],
      eligibility,
      takesReferrals: random() > 0.1,
      fictional: true,
    });
    const serviceIds = new Set(
      [pick(services).id, pick(services).id, pick(services).id].slice(0, 1 + Math.floor(random() * 3)),
    );
    for (const serviceId of serviceIds) rows.services.push({ providerId: id, serviceId });
    const scope = random();
    const areas = new Set(
      scope < 0.05 && country
        ? [country.id]
        : scope < 0.25
          ? [pick(regions).id]
          : [pick(prefectures).id, pick(prefectures).id].slice(0, 1 + Math.floor(random() * 2)),
    );
    for (const locationId of areas) rows.areas.push({ providerId: id, locationId });
    const contactId = randomUUID();
    rows.contacts.push({ id: contactId, pseudonym: `bench-${i}` });
    rows.addresses.push({ contactId, channel: "sms", address: `sim:+22462${String(i).padStart(7, "0")}` });
    rows.focal.push({
      code: `PRV-BENCH-${i}-FP1`,
      name: "Fictif",
      role: "provider",
      contactId,
      providerId: id,
      fictional: true,
    });
  }
  const phase = async (name: string, work: () => Promise<unknown>) => {
    const t0 = Date.now();
    await work();
    if (process.env.BENCH_DEBUG) console.log(`  ${name}: ${Date.now() - t0} ms`);
  };
  await phase("providers", () => prisma.provider.createMany({ data: rows.providers }));
  await phase("services", () => prisma.providerService.createMany({ data: rows.services }));
  await phase("areas", () => prisma.providerArea.createMany({ data: rows.areas }));
  await phase("contacts", () => prisma.contact.createMany({ data: rows.contacts }));
  await phase("addresses", () => prisma.contactAddress.createMany({ data: rows.addresses }));
  await phase("focal points", () => prisma.focalPoint.createMany({ data: rows.focal }));
  const referrals: Prisma.ReferralCreateManyInput[] = Array.from({ length: 10_000 }, (_, n) => ({
    number: n + 1,
    ref: `R-${1001 + n}`,
    providerId: pick(providerIds),
    serviceId: pick(services).id,
    locationId: pick(prefectures).id,
    channel: "sms",
    status: random() < 0.2 ? "pending" : "served",
  }));
  await phase("referrals", async () => {
    for (let i = 0; i < referrals.length; i += 2000)
      await prisma.referral.createMany({ data: referrals.slice(i, i + 2000) });
  });
  await prisma.$executeRawUnsafe("ANALYZE");
}

for await (const bench of benchDatabases("matching")) {
  try {
    const random = seeded(42);
    if (process.env.ONLY && process.env.ONLY !== bench.kind) continue;
    const started = Date.now();
    await populate(bench.db.prisma, random);
    const prefectures = await bench.db.prisma.location.findMany({
      where: { country: "GN", level: "prefecture" },
      select: { path: true },
    });
    const services = await bench.db.prisma.service.findMany({ select: { code: true } });
    const groups = Object.values(ageGroups);
    const one = () =>
      matchProviders(bench.db.prisma, {
        service: services[Math.floor(random() * services.length)]?.code ?? "mhpss",
        locationPath: prefectures[Math.floor(random() * prefectures.length)]?.path ?? "GN",
        sex: random() < 0.5 ? "female" : "male",
        ageRange: groups[Math.floor(random() * groups.length)] ?? null,
        nationality: "GN",
        limit: 3,
      });
    for (let i = 0; i < 100; i++) await one();
    const times: number[] = [];
    let found = 0;
    for (let i = 0; i < queries; i++) {
      const t0 = performance.now();
      found += (await one()).length;
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    if (process.env.EXPLAIN) {
      const plan = await bench.db.prisma.$queryRaw<{ "QUERY PLAN": string }[]>(
        Prisma.sql`EXPLAIN (ANALYZE, BUFFERS) ${matchProvidersSql({ service: "mhpss", locationPath: prefectures[0]?.path ?? "GN", sex: "female", ageRange: [18, 24], nationality: "GN" })}`,
      );
      console.log(plan.map((r) => r["QUERY PLAN"]).join("\n"));
    }
    const fmt = (n: number) => n.toFixed(2);
    console.log(
      `${bench.kind}: ${providers} providers, ${queries} matches (setup ${((Date.now() - started) / 1000).toFixed(1)} s): ` +
        `p50 ${fmt(percentile(times, 50))} ms, p95 ${fmt(percentile(times, 95))} ms, p99 ${fmt(percentile(times, 99))} ms, ` +
        `max ${fmt(times.at(-1) ?? 0)} ms, ${(found / queries).toFixed(2)} options per match`,
    );
  } finally {
    await bench.close();
  }
}
