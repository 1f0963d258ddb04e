/**
 * Import speed for a 5,000-row XLSX provider directory (the sheet service-mapping teams keep):
 * generates the workbook, then times reading it, a dry run, a first import (all created) and a
 * second one (all updated), on PGlite and (with DATABASE_URL) PostgreSQL.
 * Run: `npx tsx bench/referralsImport.ts` (ROWS=5000 by default).
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { importProviders } from "../src/directory/importProviders.js";
import { readProviderFile } from "../src/directory/readProviderFile.js";
import { loadLocations, loadServices } from "../src/reference/loadReference.js";
import { benchDatabases, seeded } from "./referralsBenchDb.js";

const rowCount = Number(process.env.ROWS ?? 5000);

async function writeWorkbook(file: string): Promise<void> {
  const random = seeded(7);
  const pick = <T>(list: readonly T[]): T => {
    const item = list[Math.floor(random() * list.length)] ?? list[0];
    if (item === undefined) throw new Error("nothing to pick from");
    return item;
  };
  const locations = [...(await loadLocations("GN")), ...(await loadLocations("CM"))];
  const services = (await loadServices()).map((s) => s.code);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file });
  const sheet = workbook.addWorksheet("Prestataires");
  sheet
    .addRow([
      "code",
      "name",
      "country",
      "services",
      "areas",
      "sex",
      "min_age",
      "max_age",
      "languages",
      "hours",
      "address",
      "phone",
      "takes_referrals",
      "focal_point_name",
      "focal_point_phone",
      "focal_point_whatsapp",
      "focal_point_language",
    ])
    .commit();
  for (let i = 0; i < rowCount; i++) {
    const country = random() < 0.6 ? "GN" : "CM";
    const local = locations.filter((l) => l.code.startsWith(`${country}-`) && l.level !== "region");
    const areas = new Set([pick(local).code, pick(local).code].slice(0, 1 + Math.floor(random() * 2)));
    const prefix = country === "GN" ? "+22462" : "+23769";
    const broken = i % 100 === 99;
    sheet
      .addRow([
        `PRV-BENCH-${i}`,
        `Prestataire de démonstration ${i} (fictif)`,
        country,
        [pick(services), pick(services)].join("; "),
        broken ? "XX-NOWHERE" : [...areas].join("; "),
        random() < 0.1 ? "female" : "",
        random() < 0.2 ? 18 : "",
        "",
        "fr; en",
        "Lun-Ven 8h-16h",
        `Quartier ${i} (fictif)`,
        `${prefix}${String(i).padStart(7, "0")}`,
        "oui",
        `Fictif ${i}`,
        `${prefix}${String(i + 5_000_000).padStart(7, "0")}`,
        random() < 0.5 ? `${prefix}${String(i + 2_000_000).padStart(7, "0")}` : "",
        "fr",
      ])
      .commit();
  }
  await workbook.commit();
}

const dir = await mkdtemp(path.join(os.tmpdir(), "relais-import-bench-"));
try {
  const file = path.join(dir, "providers.xlsx");
  let t0 = performance.now();
  await writeWorkbook(file);
  console.log(
    `wrote ${rowCount} rows to XLSX (${((await stat(file)).size / 1024).toFixed(0)} KiB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  t0 = performance.now();
  const rows = await readProviderFile(file);
  const readSeconds = (performance.now() - t0) / 1000;
  console.log(`read ${rows.length} rows in ${readSeconds.toFixed(2)} s`);
  for await (const bench of benchDatabases("import")) {
    try {
      if (process.env.ONLY && process.env.ONLY !== bench.kind) continue;
      const prisma = bench.db.prisma;
      const run = async (label: string, dryRun: boolean) => {
        const report = await importProviders(prisma, rows, { dryRun, pseudonymSecret: "bench-secret" });
        const seconds = report.ms / 1000;
        console.log(
          `${bench.kind} ${label}: ${seconds.toFixed(1)} s, ${(rows.length / seconds).toFixed(0)} rows/s ` +
            `(created ${report.created}, updated ${report.updated}, valid ${report.valid}, broken ${report.invalid})`,
        );
      };
      await run("dry run", true);
      await run("first import", false);
      await run("re-import", false);
    } finally {
      await bench.close();
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
