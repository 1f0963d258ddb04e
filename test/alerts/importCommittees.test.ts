import { spawn } from "node:child_process";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { importDirectory } from "../../src/alerts/importing/importDirectory.js";
import { readTables } from "../../src/alerts/importing/readTables.js";
import { seedLocations } from "../../src/alerts/seedPilotArea.js";
import { openDatabase } from "../../src/db/openDatabase.js";
import { createTestDatabase, type TestDatabase } from "../support/createTestDatabase.js";
import { testDbKind } from "../support/testDbConfig.js";
import { pseudonymSecret } from "./alertSupport.js";

const committeesCsv = [
  "Code;Nom;Type;Palier;Lieu",
  "CLS-CD-TA-KAL-TUMBWE;CLS Tumbwe;cls;1;CD-TA-KAL-TUMBWE",
  "PROV-CD-TA;Province du Tanganyika;provincial;2;CD-TA",
  "CLS-NOWHERE;CLS Nulle part;cls;1;CD-TA-XX",
  "cls-bad;Sans type;;4;", // the code is upper-cased: only kind and tier are wrong
].join("\n");

const focalPointsCsv = [
  "code,name,role,langue,comite,sms,telegram,notes",
  "FP-T-1,Amani K.,cls_president,sw,CLS-CD-TA-KAL-TUMBWE,0990000101,990000101,",
  'FP-T-2,"Jean-Pierre L., membre",cls_member,fr,CLS-CD-TA-KAL-TUMBWE,+243990000102,,',
  "FP-T-3,Kabeya N.,pnc_liaison,fr,CLS-CD-TA-KAL-TUMBWE,12345,,",
  "FP-T-4,Sans comité,cls_member,fr,CLS-UNKNOWN,+243990000104,,",
  "FP-T-5,Sans adresse,cls_member,fr,CLS-CD-TA-KAL-TUMBWE,,,",
  "FP-P-1,Provincial,provincial_focal,fr,PROV-CD-TA,,990000105,",
].join("\n");

const rulesCsv = [
  "etd,category,urgency,committee,roles,tier,exclude",
  "CD-TA-KAL-TUMBWE,,,CLS-CD-TA-KAL-TUMBWE,cls_president|cls_member|pnc_liaison,1,",
  ",police_misconduct,,,pnc_liaison,1,oui",
  ",,,PROV-CD-TA,provincial_focal,2,non",
  ",theft,,CLS-CD-TA-KAL-TUMBWE,chief,1,",
].join("\n");

describe("importing committees, focal points and routing rules", () => {
  let db: TestDatabase;
  let dir: string;
  const files = () => ["committees.csv", "focal_points.csv", "routing_rules.csv"].map((f) => path.join(dir, f));
  const tablesOf = async (paths: string[]) => (await Promise.all(paths.map((p) => readTables(p)))).flat();
  const run = async (dryRun: boolean, paths = files()) =>
    importDirectory(db.prisma, await tablesOf(paths), {
      dryRun,
      pseudonymSecret,
      region: "CD",
      before: async (tx) => {
        await seedLocations(tx);
      },
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(os.tmpdir(), "relais-import-"));
    await writeFile(path.join(dir, "committees.csv"), `\uFEFF${committeesCsv}`);
    await writeFile(path.join(dir, "focal_points.csv"), focalPointsCsv);
    await writeFile(path.join(dir, "routing_rules.csv"), rulesCsv);
  });
  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("reports every broken row by row number and column, and writes nothing in a dry run", async () => {
    const report = await run(true);
    expect(report.counts).toEqual({
      committees: { created: 2, updated: 0, rejected: 2 },
      focal_points: { created: 3, updated: 0, rejected: 3 },
      routing_rules: { created: 3, updated: 0, rejected: 1 },
    });
    const where = report.problems.map((p) => `${p.source}:${p.row}:${p.column}`);
    expect(where).toEqual([
      "committees.csv:4:location",
      "committees.csv:5:kind",
      "committees.csv:5:tier",
      "focal_points.csv:4:sms",
      "focal_points.csv:5:committee",
      "focal_points.csv:6:addresses",
      "routing_rules.csv:5:roles",
    ]);
    expect(report.problems[0]?.problem).toBe("unknown location CD-TA-XX");
    expect(report.problems.find((p) => p.column === "sms")?.problem).not.toContain("12345");
    expect(report.warnings).toEqual([
      { source: "focal_points.csv", row: 1, column: "notes", problem: "unknown column, ignored" },
    ]);
    expect(await db.prisma.committee.count()).toBe(0);
    expect(await db.prisma.location.count()).toBe(0);
  });

  it("applies the valid rows, and a second run changes nothing", async () => {
    const first = await run(false);
    expect(first.counts.focal_points).toEqual({ created: 3, updated: 0, rejected: 3 });
    const president = await db.prisma.focalPoint.findUniqueOrThrow({
      where: { code: "FP-T-1" },
      include: { contact: { include: { addresses: true } }, committee: true },
    });
    expect(president).toMatchObject({
      role: "cls_president",
      language: "sw",
      committee: { code: "CLS-CD-TA-KAL-TUMBWE" },
    });
    expect(president.contact.addresses.map((a) => [a.channel, a.address]).sort()).toEqual([
      ["sms", "+243990000101"],
      ["telegram", "990000101"],
    ]);
    expect(await db.prisma.focalPoint.findUniqueOrThrow({ where: { code: "FP-T-2" } })).toMatchObject({
      name: "Jean-Pierre L., membre",
    });
    const rules = await db.prisma.routingRule.findMany();
    expect(rules).toHaveLength(3);
    expect(rules.find((r) => r.exclude)).toMatchObject({
      category: "police_misconduct",
      committeeId: null,
      roles: ["pnc_liaison"],
    });

    const second = await run(false);
    expect(second.counts).toEqual({
      committees: { created: 0, updated: 2, rejected: 2 },
      focal_points: { created: 0, updated: 3, rejected: 3 },
      routing_rules: { created: 0, updated: 3, rejected: 1 },
    });
    expect(await db.prisma.routingRule.count()).toBe(3);
    expect(await db.prisma.contact.count()).toBe(3);
  });

  it("reads an XLSX workbook with one sheet per kind, and refuses to give a focal point another contact's address", async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet("README").addRow(["anything"]);
    const committees = workbook.addWorksheet("Committees");
    committees.addRow(["code", "name", "kind", "tier", "location"]);
    committees.addRow(["CLS-CD-TA-KON-BAYAZI", "CLS Bayazi", "cls", 1, "CD-TA-KON-BAYAZI"]);
    const focal = workbook.addWorksheet("Focal points");
    focal.addRow(["code", "name", "role", "language", "committee", "sms", "telegram"]);
    focal.addRow(["FP-B-1", "Mwamini B.", "cls_president", "sw", "CLS-CD-TA-KON-BAYAZI", "+243990000201", 990000201]);
    // An existing focal point given the phone of another one's contact.
    focal.addRow(["FP-T-2", "Jean-Pierre L.", "cls_member", "fr", "CLS-CD-TA-KAL-TUMBWE", "+243990000101", ""]);
    const file = path.join(dir, "directory.xlsx");
    await workbook.xlsx.writeFile(file);
    const report = await run(false, [file]);
    expect(report.counts.committees).toEqual({ created: 1, updated: 0, rejected: 0 });
    expect(report.counts.focal_points).toEqual({ created: 1, updated: 0, rejected: 1 });
    expect(report.problems).toEqual([
      {
        source: "directory.xlsx#Focal points",
        row: 3,
        column: "sms",
        problem: "this sms address already belongs to another contact",
      },
    ]);
    const fp = await db.prisma.focalPoint.findUniqueOrThrow({
      where: { code: "FP-B-1" },
      include: { contact: { include: { addresses: true } } },
    });
    expect(fp.contact.addresses.find((a) => a.channel === "telegram")?.address).toBe("990000201");
  });

  it("runs as a command: dry run, report on stdout, exit code 2 when rows are rejected", async () => {
    const target = await commandDatabase();
    try {
      const dry = await runCli(["--dry-run", ...files()], target.env);
      expect(dry.code).toBe(2);
      expect(dry.stdout).toContain("Dry run: nothing was written.");
      expect(dry.stdout).toContain("committees: 2 would be created, 0 would be updated, 2 rejected");
      expect(dry.stdout).toContain("committees.csv row 4, column location: unknown location CD-TA-XX");
      expect(dry.stdout).not.toContain("12345");
      const real = await runCli([path.join(dir, "committees.csv")], target.env);
      expect(real.code).toBe(2);
      expect(real.stdout).toContain("committees: 2 created, 0 updated, 2 rejected");
      expect(await target.count()).toBe(2);
      const bad = await runCli([path.join(dir, "unknown.txt")], target.env);
      expect(bad.code).toBe(1);
    } finally {
      await target.cleanup();
    }
  }, 240_000);
});

/** A database the command can open: a fresh PostgreSQL database, or a PGlite folder no one else holds. */
async function commandDatabase(): Promise<{
  env: Record<string, string>;
  count: () => Promise<number>;
  cleanup: () => Promise<void>;
}> {
  if (testDbKind === "postgres") {
    const db = await createTestDatabase();
    return {
      env: { DATABASE_URL: db.url ?? "", DATA_DIR: await mkdtemp(path.join(os.tmpdir(), "relais-cli-")) },
      count: () => db.prisma.committee.count(),
      cleanup: () => db.close(),
    };
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "relais-cli-"));
  await cp(inject("testDbTemplate"), dataDir, { recursive: true });
  return {
    env: { DATA_DIR: dataDir },
    count: async () => {
      const db = await openDatabase({ dataDir, migrate: false });
      try {
        return await db.prisma.committee.count();
      } finally {
        await db.close();
      }
    },
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  };
}

function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(path.resolve("node_modules/.bin/tsx"), ["src/cli/importCommittees.ts", ...args], {
    env: { PATH: process.env.PATH ?? "", PSEUDONYM_SECRET: pseudonymSecret, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
}
