import { execFile } from "node:child_process";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { importProviders } from "../../src/directory/importProviders.js";
import { readCsv, readProviderFile } from "../../src/directory/readProviderFile.js";
import { seedDirectory } from "../../src/directory/seedDirectory.js";
import { createTestDatabase, type TestDatabase } from "../support/createTestDatabase.js";
import { testDbKind } from "../support/testDbConfig.js";

const run = promisify(execFile);

const header =
  "Code;Name;Country;Services;Areas;Sex;Min age;Max age;Nationalities;Languages;Hours;Address;Phone;Takes referrals;Focal point name;Focal point phone;Focal point WhatsApp;Focal point language";
const good =
  'PRV-GN-IMP-1;Centre importé (fictif);GN;"mhpss; health";"GN-D-KINDIA; GN-D-COYAH";female;;;;"fr; sus";Lun-Ven 8h-16h;Kindia centre;620 11 22 33;oui;Fictif A.;620 11 22 34;+224620112235;fr';
const broken = 'PRV-GN-IMP-2;Centre cassé;GN;"mhpss; astrology";CM-LT;;30;20;;;;;12;maybe;Fictif B.;not a phone;;fr';
const noName = "PRV-GN-IMP-3;;GN;mhpss;GN-D;;;;;;;;;;Fictif C.;+224620112240;;fr";
const duplicate = "PRV-GN-IMP-1;Centre importé bis;GN;mhpss;GN-D-KINDIA;;;;;;;;;oui;Fictif D.;+224620112241;;fr";

describe("importing the provider directory", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await seedDirectory(db.prisma, { demoProviders: false });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("reports broken rows line by line in a dry run and writes nothing", async () => {
    const rows = readCsv([header, good, broken, noName, duplicate].join("\n"));
    const report = await importProviders(db.prisma, rows, { dryRun: true, pseudonymSecret: "s" });
    expect(report).toMatchObject({ dryRun: true, rows: 4, valid: 1, invalid: 3, created: 0 });
    const byLine = new Map(report.problems.map((p) => [p.line, p.problems]));
    expect(byLine.get(3)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^phone: /),
        expect.stringMatching(/^takes_referrals: /),
        expect.stringMatching(/^focal_point_phone: /),
      ]),
    );
    expect(byLine.get(4)).toEqual([expect.stringMatching(/^name: /)]);
    expect(byLine.get(5)).toEqual(["code: PRV-GN-IMP-1 is already on line 2"]);
    expect(await db.prisma.provider.count()).toBe(0);
  });

  it("applies valid rows, skips broken ones, and upserts on the code when run again", async () => {
    const text = [
      header,
      good,
      broken.replace("maybe", "non").replace(";12;", ";;").replace("not a phone", "+224620112239"),
    ].join("\n");
    const first = await importProviders(db.prisma, readCsv(text), { dryRun: false, pseudonymSecret: "s" });
    expect(first).toMatchObject({ created: 1, updated: 0, invalid: 1 });
    expect(first.problems[0]?.problems).toEqual(
      expect.arrayContaining([
        "services: astrology is not a known service",
        "areas: CM-LT is not in GN",
        expect.stringMatching(/^min_age|^eligibility/),
      ]),
    );
    const provider = await db.prisma.provider.findUniqueOrThrow({
      where: { code: "PRV-GN-IMP-1" },
      include: { focalPoints: { include: { contact: { include: { addresses: true } } } }, services: true, areas: true },
    });
    expect(provider).toMatchObject({
      phone: "+224620112233",
      languages: ["fr", "sus"],
      eligibility: { sex: "female" },
    });
    expect(provider.services).toHaveLength(2);
    expect(provider.areas).toHaveLength(2);
    expect(provider.focalPoints[0]?.contact.addresses.map((a) => `${a.channel}:${a.address}`).sort()).toEqual([
      "sms:+224620112234",
      "whatsapp:+224620112235",
    ]);
    const again = await importProviders(
      db.prisma,
      readCsv([header, good.replace("Lun-Ven 8h-16h", "Lun-Sam")].join("\n")),
      {
        dryRun: false,
        pseudonymSecret: "s",
      },
    );
    expect(again).toMatchObject({ created: 0, updated: 1, invalid: 0 });
    expect((await db.prisma.provider.findUniqueOrThrow({ where: { code: "PRV-GN-IMP-1" } })).hours).toBe("Lun-Sam");
    expect(await db.prisma.focalPoint.count({ where: { provider: { code: "PRV-GN-IMP-1" } } })).toBe(1);
    expect(await db.prisma.auditLog.count({ where: { action: "provider.import" } })).toBe(2);
  });

  it("leaves out a row whose focal point would merge two people's contacts", async () => {
    await db.prisma.contact.create({
      data: { pseudonym: "a", addresses: { create: { channel: "sms", address: "+224620112250" } } },
    });
    await db.prisma.contact.create({
      data: { pseudonym: "b", addresses: { create: { channel: "whatsapp", address: "+224620112251" } } },
    });
    const row = "PRV-GN-IMP-9;Centre neuf;GN;mhpss;GN-D;;;;;;;;;oui;Fictif F.;+224620112250;+224620112251;fr";
    const report = await importProviders(db.prisma, readCsv([header, row].join("\n")), {
      dryRun: false,
      pseudonymSecret: "s",
    });
    expect(report).toMatchObject({ created: 0, invalid: 1 });
    expect(report.problems[0]?.problems[0]).toMatch(/belong to different contacts/);
    expect(await db.prisma.provider.count({ where: { code: "PRV-GN-IMP-9" } })).toBe(0);
  });

  it("reads the same columns from an XLSX workbook (numbers as cells too)", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "relais-import-"));
    const file = path.join(dir, "providers.xlsx");
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Prestataires");
    sheet.addRow([
      "code",
      "name",
      "country",
      "services",
      "areas",
      "min_age",
      "phone",
      "takes_referrals",
      "focal_point_name",
      "focal_point_phone",
    ]);
    sheet.addRow([
      "PRV-CM-IMP-1",
      "Centre Douala (fictif)",
      "CM",
      "legal_aid",
      "CM-LT-WOURI",
      18,
      "+237690000001",
      "yes",
      "Fictif E.",
      237690000002,
    ]);
    await workbook.xlsx.writeFile(file);
    const rows = await readProviderFile(file);
    expect(rows).toEqual([expect.objectContaining({ line: 2 })]);
    const report = await importProviders(db.prisma, rows, { dryRun: false, pseudonymSecret: "s" });
    expect(report).toMatchObject({ created: 1, invalid: 0 });
    expect(await db.prisma.provider.findUniqueOrThrow({ where: { code: "PRV-CM-IMP-1" } })).toMatchObject({
      eligibility: { minAge: 18 },
    });
    await rm(dir, { recursive: true, force: true });
  });
});

describe("the import:providers command", () => {
  it("validates a file in a dry run, prints the report and exits 2 when rows are broken", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "relais-import-cli-"));
    const file = path.join(dir, "providers.csv");
    await writeFile(file, [header, good, noName].join("\n"));
    let env: Record<string, string>;
    let cleanup: () => Promise<void>;
    if (testDbKind === "postgres") {
      const db = await createTestDatabase();
      env = { DATABASE_URL: db.url ?? "" };
      cleanup = () => db.close();
    } else {
      const dataDir = path.join(dir, "data");
      await cp(inject("testDbTemplate"), dataDir, { recursive: true });
      env = { DATA_DIR: dataDir };
      cleanup = async () => {};
    }
    try {
      const result = await run(
        path.resolve("node_modules/.bin/tsx"),
        ["src/cli/importProviders.ts", file, "--dry-run"],
        {
          env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "silent", ...env },
        },
      ).then(
        (r) => ({ code: 0, stdout: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
      );
      expect(result.code).toBe(2);
      expect(result.stdout).toMatch(/Dry run: 2 row\(s\), 1 valid, 1 broken/);
      expect(result.stdout).toMatch(/line 3 \(PRV-GN-IMP-3\):\n {4}- name: /);
    } finally {
      await cleanup();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
