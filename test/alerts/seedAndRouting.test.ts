import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escalateAlerts } from "../../src/alerts/escalateAlerts.js";
import { findRecipients } from "../../src/alerts/routing/findRecipients.js";
import { seedPilotArea } from "../../src/alerts/seedPilotArea.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import { nextReference } from "../../src/db/nextReference.js";
import { openDatabase } from "../../src/db/openDatabase.js";
import { createI18n } from "../../src/engine/i18n.js";
import { createLogger } from "../../src/log/createLogger.js";
import { localesDir } from "../engine/support.js";
import { createTestDatabase, type TestDatabase } from "../support/createTestDatabase.js";
import { testDbKind } from "../support/testDbConfig.js";
import { pseudonymSecret } from "./alertSupport.js";

const config = (() => {
  const loaded = loadConfig({ LOG_LEVEL: "silent" });
  if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
  return loaded.config;
})();
const deps = {
  config,
  i18n: createI18n({ localesDir, languages: ["fr", "en", "sw"], fallback: "fr" }),
  log: createLogger({ level: "silent" }),
};

describe("pilot area seed and routing rules", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  const target = async (code: string, category: string, urgency = "recent") => {
    const location = await db.prisma.location.findUniqueOrThrow({ where: { code } });
    return { locationId: location.id, locationPath: location.path, category, urgency };
  };
  const codes = async (code: string, category: string, tier: number, urgency = "recent") =>
    (await findRecipients(db.prisma, await target(code, category, urgency), tier)).recipients.map((r) => r.code).sort();

  it("seeds locations with materialised paths, fictional committees and sim: focal points, idempotently", async () => {
    const first = await seedPilotArea(db.prisma, { pseudonymSecret });
    const again = await seedPilotArea(db.prisma, { pseudonymSecret });
    expect(again).toEqual(first);
    expect(first).toMatchObject({ locations: 15, committees: 9, focalPoints: 24, routingRules: 15 });
    expect(await db.prisma.location.findUniqueOrThrow({ where: { code: "CD-TA-KAL-TUMBWE" } })).toMatchObject({
      path: "CD/CD-TA/CD-TA-KAL/CD-TA-KAL-TUMBWE",
      depth: 3,
      level: "etd",
    });
    expect(await db.prisma.location.findUniqueOrThrow({ where: { code: "CD" } })).toMatchObject({
      path: "CD",
      depth: 0,
    });
    expect(await db.prisma.routingRule.count()).toBe(15);
    expect(await db.prisma.focalPoint.count({ where: { fictional: false } })).toBe(0);
    const addresses = await db.prisma.contactAddress.findMany();
    expect(addresses).toHaveLength(24);
    expect(addresses.every((a) => a.channel === "sms" && a.address.startsWith("sim:+2439900000"))).toBe(true);
  });

  it("routes by place (a rule on a place covers the places below it), category, urgency and tier", async () => {
    expect(await codes("CD-TA-KAL-TUMBWE", "theft", 1)).toEqual([
      "FP-TUMBWE-MEM1",
      "FP-TUMBWE-MEM2",
      "FP-TUMBWE-PNC",
      "FP-TUMBWE-PRES",
    ]);
    expect(await codes("CD-TA-KAL-TUMBWE", "sgbv", 1)).toContain("FP-PROT-CD-TA");
    expect(await codes("CD-TA-KAL-TUMBWE", "police_misconduct", 1)).toEqual([
      "FP-TUMBWE-MEM1",
      "FP-TUMBWE-MEM2",
      "FP-TUMBWE-PRES",
    ]);
    expect(await codes("CD-TA-KAL-TUMBWE", "theft", 2)).toEqual(["FP-PROV-CD-TA"]);
    expect(await codes("CD-TA", "theft", 1)).toEqual([]);

    // A province-wide rule without committee: the committees located at the alert's place.
    const prov = await db.prisma.location.findUniqueOrThrow({ where: { code: "CD-TA" } });
    const rule = await db.prisma.routingRule.create({
      data: {
        locationId: prov.id,
        category: "natural_hazard",
        urgency: "danger_now",
        roles: ["cls_president"],
        tier: 1,
      },
    });
    expect(await codes("CD-TA-KON-BAYAZI", "natural_hazard", 1, "danger_now")).toContain("FP-BAYAZI-PRES");
    expect(await codes("CD-TA-KON-BAYAZI", "natural_hazard", 1, "danger_now")).toHaveLength(3);

    // Even a rule that names the police liaison for misconduct does not reach it.
    const cls = await db.prisma.committee.findUniqueOrThrow({ where: { code: "CLS-CD-TA-KAL-TUMBWE" } });
    const wrong = await db.prisma.routingRule.create({
      data: { category: "police_misconduct", committeeId: cls.id, roles: ["pnc_liaison"], tier: 1 },
    });
    await db.prisma.routingRule.updateMany({ where: { exclude: true }, data: { active: false } });
    expect(await codes("CD-TA-KAL-TUMBWE", "police_misconduct", 1)).not.toContain("FP-TUMBWE-PNC");
    await db.prisma.routingRule.updateMany({ where: { exclude: true }, data: { active: true } });
    await db.prisma.routingRule.deleteMany({ where: { id: { in: [rule.id, wrong.id] } } });

    // Opted-out focal points are not notified.
    const member = await db.prisma.focalPoint.findUniqueOrThrow({ where: { code: "FP-TUMBWE-MEM1" } });
    await db.prisma.contact.update({ where: { id: member.contactId }, data: { optedOut: true } });
    const found = await findRecipients(db.prisma, await target("CD-TA-KAL-TUMBWE", "theft"), 1);
    expect(found.unreachable).toBe(1);
    expect(found.recipients.map((r) => r.code)).not.toContain("FP-TUMBWE-MEM1");
    await db.prisma.contact.update({ where: { id: member.contactId }, data: { optedOut: false } });
  });

  it("escalates each due alert once when two passes run at the same time", async () => {
    const location = await db.prisma.location.findUniqueOrThrow({ where: { code: "CD-TA-KAL-TUMBWE" } });
    const past = new Date(Date.now() - 20 * 60_000);
    await db.prisma.$transaction(async (tx) => {
      for (let i = 0; i < 60; i++) {
        const { number, ref } = await nextReference(tx, "Alert");
        await tx.alert.create({
          data: {
            number,
            ref,
            category: "theft",
            urgency: "danger_now",
            locationId: location.id,
            channel: "sms",
            anonymous: true,
            createdAt: past,
            nextEscalationAt: past,
          },
        });
      }
    });
    // PostgreSQL: a second client, as a second instance would have; PGlite runs one transaction at a time.
    const other =
      testDbKind === "postgres" && db.url
        ? await openDatabase({ url: db.url, dataDir: "unused", migrate: false })
        : null;
    try {
      const now = new Date();
      const passes = await Promise.all([
        escalateAlerts(db.prisma, deps, { now, batchSize: 7 }),
        escalateAlerts(other?.prisma ?? db.prisma, deps, { now, batchSize: 7 }),
      ]);
      expect(passes.reduce((n, p) => n + p.escalated, 0)).toBe(60);
      expect(await db.prisma.alertEvent.count({ where: { type: "escalated" } })).toBe(60);
      expect(await db.prisma.alert.count({ where: { tier: 2, status: "open" } })).toBe(60);
      // One provincial notification per alert.
      expect(await db.prisma.alertRecipient.count({ where: { tier: 2 } })).toBe(60);
      expect(await db.prisma.outboxItem.count()).toBe(60);
      expect(await escalateAlerts(db.prisma, deps, { now })).toMatchObject({ escalated: 0 });
    } finally {
      await other?.close();
    }
  });
});
