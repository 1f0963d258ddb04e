/**
 * `npm run import:providers -- <file.csv|file.xlsx> [--dry-run] [--sheet NAME] [--json]`: imports the
 * provider directory from the sheet service-mapping teams keep (columns in docs/import-providers.md),
 * into DATABASE_URL or the PGlite folder in DATA_DIR. Upserts on the provider code; broken rows are
 * reported row by row and skipped, valid rows are applied; `--dry-run` only validates. A progress bar
 * goes to stderr, the report to stdout. Exit code: 0 all rows valid, 2 some rows broken, 1 failure.
 */
import { parseArgs } from "node:util";
import { SingleBar } from "cli-progress";
import { loadConfig } from "../config/loadConfig.js";
import { openDatabase } from "../db/openDatabase.js";
import { type ImportReport, importProviders } from "../directory/importProviders.js";
import { ProviderFileError, readProviderFile } from "../directory/readProviderFile.js";
import { directoryCountries, seedDirectory } from "../directory/seedDirectory.js";
import { loadPseudonymSecret } from "../service/loadPseudonymSecret.js";

const usage = "usage: npm run import:providers -- <file.csv|file.xlsx> [--dry-run] [--sheet NAME] [--json]";

function formatReport(report: ImportReport): string {
  const lines = [
    report.dryRun
      ? `Dry run: ${report.rows} row(s), ${report.valid} valid, ${report.invalid} broken. Nothing was written.`
      : `${report.rows} row(s): ${report.created} created, ${report.updated} updated, ${report.invalid} broken (${(report.ms / 1000).toFixed(1)} s).`,
  ];
  for (const problem of report.problems) {
    lines.push(`  line ${problem.line}${problem.code ? ` (${problem.code})` : ""}:`);
    for (const p of problem.problems) lines.push(`    - ${p}`);
  }
  return `${lines.join("\n")}\n`;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      "dry-run": { type: "boolean", default: false },
      sheet: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [file] = positionals;
  if (values.help || !file || positionals.length > 1) {
    process.stderr.write(`${usage}\n`);
    return values.help ? 0 : 1;
  }
  const config = loadConfig(process.env);
  if (!config.ok) {
    process.stderr.write(`${config.errors.join("\n")}\n`);
    return 1;
  }
  const rows = await readProviderFile(file, values.sheet === undefined ? {} : { sheet: values.sheet });
  const db = await openDatabase({ url: config.config.database.url, dataDir: config.config.database.dataDir });
  const bar = new SingleBar({
    stream: process.stderr,
    format: "providers [{bar}] {value}/{total} rows | {eta}s left",
    hideCursor: true,
  });
  try {
    const located = await db.prisma.location.count({ where: { country: { in: [...directoryCountries] } } });
    if (located === 0) await seedDirectory(db.prisma, { demoProviders: false });
    const { secret } = loadPseudonymSecret(config.config.meal.pseudonymSecret, config.config.database.dataDir);
    bar.start(rows.length, 0);
    const report = await importProviders(db.prisma, rows, {
      dryRun: values["dry-run"],
      pseudonymSecret: secret,
      onProgress: (done) => bar.update(done),
    });
    bar.stop();
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.invalid > 0 ? 2 : 0;
  } finally {
    bar.stop();
    await db.close();
  }
}

try {
  process.exit(await main());
} catch (error) {
  const message = error instanceof ProviderFileError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`Import failed: ${message}\n`);
  process.exit(1);
}
