import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDirectoryRefs } from "../../src/directory/loadDirectoryRefs.js";
import { matchProviders } from "../../src/directory/matchProviders.js";
import { providerInputSchema } from "../../src/directory/providerInputSchema.js";
import { seedDirectory } from "../../src/directory/seedDirectory.js";
import { upsertProvider } from "../../src/directory/upsertProvider.js";
import { createTestDatabase, type TestDatabase } from "../support/createTestDatabase.js";

describe("directory: seed and matching", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await seedDirectory(db.prisma, { pseudonymSecret: "test-secret" });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("loads Guinea and Cameroon with materialised paths, idempotently", async () => {
    const kindia = await db.prisma.location.findUniqueOrThrow({ where: { code: "GN-D-KINDIA" } });
    expect(kindia.path).toBe("GN/GN-D/GN-D-KINDIA");
    expect(kindia.depth).toBe(2);
    expect(await db.prisma.location.count({ where: { country: "GN", level: "prefecture" } })).toBe(34);
    expect(await db.prisma.location.count({ where: { country: "CM", level: "department" } })).toBe(58);
    const before = {
      locations: await db.prisma.location.count(),
      providers: await db.prisma.provider.count(),
      focalPoints: await db.prisma.focalPoint.count(),
      contacts: await db.prisma.contact.count(),
    };
    const again = await seedDirectory(db.prisma, { pseudonymSecret: "test-secret" });
    expect(again.locations).toBe(0);
    expect(again.services).toBe(0);
    expect({
      locations: await db.prisma.location.count(),
      providers: await db.prisma.provider.count(),
      focalPoints: await db.prisma.focalPoint.count(),
      contacts: await db.prisma.contact.count(),
    }).toEqual(before);
  });

  it("gives demo focal points simulator addresses only and marks demo providers fictional", async () => {
    const addresses = await db.prisma.contactAddress.findMany({
      where: { contact: { focalPoints: { some: { role: "provider" } } } },
    });
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.every((a) => a.address.startsWith("sim:"))).toBe(true);
    expect(await db.prisma.provider.count({ where: { fictional: false } })).toBe(0);
  });

  it("matches the most local provider first, widening to region then country", async () => {
    const matches = await matchProviders(db.prisma, { service: "mhpss", locationPath: "GN/GN-D/GN-D-KINDIA" });
    expect(matches.map((m) => [m.code, m.areaDepth])).toEqual([
      ["PRV-GN-KIN-SANTE", 2],
      ["PRV-GN-NAT-ECOUTE", 0],
    ]);
    const labe = await matchProviders(db.prisma, { service: "mhpss", locationPath: "GN/GN-L/GN-L-MALI" });
    expect(labe.map((m) => m.code)).toEqual(["PRV-GN-LAB-ECOUTE", "PRV-GN-NAT-ECOUTE"]);
  });

  it("applies eligibility, sub-services and skips providers not taking referrals", async () => {
    const conakry = "GN/GN-C/GN-C-CONAKRY";
    const men = await matchProviders(db.prisma, { service: "gbv", locationPath: conakry, sex: "male" });
    expect(men.map((m) => m.code)).not.toContain("PRV-GN-CKY-FEMMES");
    const women = await matchProviders(db.prisma, { service: "gbv", locationPath: conakry, sex: "female" });
    expect(women.map((m) => m.code)).toContain("PRV-GN-CKY-FEMMES");
    // A request for "protection" reaches providers of its sub-services (gbv) too.
    const protection = await matchProviders(db.prisma, { service: "protection", locationPath: conakry, sex: "female" });
    expect(protection.map((m) => m.code)).toContain("PRV-GN-CKY-FEMMES");
    const adults = await matchProviders(db.prisma, {
      service: "child_protection",
      locationPath: conakry,
      ageRange: [25, 35],
    });
    expect(adults.map((m) => m.code)).not.toContain("PRV-GN-CKY-MINEURS");
    const foreign = await matchProviders(db.prisma, {
      service: "employment",
      locationPath: conakry,
      nationality: "CM",
      ageRange: [18, 24],
    });
    expect(foreign.map((m) => m.code)).not.toContain("PRV-GN-CKY-EMPLOI");
    const kankan = await matchProviders(db.prisma, {
      service: "civil_documentation",
      locationPath: "GN/GN-K/GN-K-KANKAN",
    });
    expect(kankan.map((m) => m.code)).not.toContain("PRV-GN-KAN-ETATCIVIL");
    const excluded = await matchProviders(db.prisma, {
      service: "mhpss",
      locationPath: "GN/GN-D/GN-D-KINDIA",
      excludeProviderIds: [(await db.prisma.provider.findUniqueOrThrow({ where: { code: "PRV-GN-KIN-SANTE" } })).id],
    });
    expect(excluded.map((m) => m.code)).toEqual(["PRV-GN-NAT-ECOUTE"]);
  });

  it("rejects unknown references and areas outside the provider's country without writing", async () => {
    const refs = await loadDirectoryRefs(db.prisma);
    const input = providerInputSchema.parse({
      code: "PRV-TEST-BAD",
      name: "Bad",
      country: "GN",
      services: ["mhpss", "nope"],
      areas: ["CM-LT", "GN-Z"],
      focalPoints: [{ name: "X", sms: "+224620009999" }],
    });
    const result = await db.prisma.$transaction((tx) => upsertProvider(tx, input, refs, { pseudonymSecret: "s" }));
    expect(result).toEqual({
      status: "invalid",
      problems: [
        "services: nope is not a known service",
        "areas: CM-LT is not in GN",
        "areas: GN-Z is not a known location",
      ],
    });
    expect(await db.prisma.provider.count({ where: { code: "PRV-TEST-BAD" } })).toBe(0);
  });
});
