/**
 * `npm run import:committees -- [--dry-run] [--kind committees|focal_points|routing_rules] <file>...`
 *
 * Imports committees, focal points and routing rules of the alert directory from CSV or XLSX files
 * (columns: docs/import-committees.md) into DATABASE_URL, or the PGlite folder in DATA_DIR (stop the
 * service first: one process per folder). Prints a row-by-row report (row, column, problem) on
 * stdout and a progress bar on stderr. Valid rows are applied, broken rows reported; `--dry-run`
 * checks everything and writes nothing. Exit code: 0 all rows applied, 2 some rows rejected,
 * 1 nothing done (bad arguments, unreadable file, database unreachable).
 */
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { isSupportedCountry } from "libphonenumber-js";
import { type ImportReport, importDirectory } from "../alerts/importing/importDirectory.js";
import {
  ImportFileError,
  readTables,
  TABLE_KINDS,
  type Table,
  type TableKind,
} from "../alerts/importing/readTables.js";
import { seedLocations } from "../alerts/seedPilotArea.js";
import { loadConfig } from "../config/loadConfig.js";
import { openDatabase } from "../db/openDatabase.js";
import { loadPseudonymSecret } from "../service/loadPseudonymSecret.js";

const usage = `Usage: npm run import:committees -- [--dry-run] [--kind ${TABLE_KINDS.join("|")}] <file.csv|file.xlsx>...`;

function isTableKind(value: string): value is TableKind {
  return TABLE_KINDS.some((kind) => kind === value);
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

let args: ReturnType<typeof parseCli>;
try {
  args = parseCli();
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
}
if (args.values.help) {
  process.stdout.write(`${usage}\nColumns and examples: docs/import-committees.md\n`);
  process.exit(0);
}
const kind = args.values.kind;
if (kind !== undefined && !isTableKind(kind)) fail(`--kind must be one of ${TABLE_KINDS.join(", ")}\n${usage}`);
if (args.positionals.length === 0) fail(usage);

const loaded = loadConfig(process.env);
if (!loaded.ok) fail(loaded.errors.join("\n"));
const config = loaded.config;
const region = config.i18n.defaultPhoneRegion;
if (!isSupportedCountry(region)) fail(`DEFAULT_PHONE_REGION: "${region}" is not a supported country code`);

const tables: Table[] = [];
try {
  for (const file of args.positionals) tables.push(...(await readTables(file, kind)));
} catch (error) {
  fail(error instanceof ImportFileError ? error.message : `cannot read the files: ${String(error)}`);
}

const dryRun = args.values["dry-run"] === true;
let report: ImportReport;
try {
  const db = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir });
  try {
    const { secret } = loadPseudonymSecret(config.meal.pseudonymSecret, config.database.dataDir);
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: "importing |{bar}| {value}/{total} rows", hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(
      tables.reduce((n, t) => n + t.rows.length, 0),
      0,
    );
    report = await importDirectory(db.prisma, tables, {
      dryRun,
      pseudonymSecret: secret,
      region,
      onRow: (done) => bar.update(done),
      before: async (tx) => {
        if ((await tx.location.count({ where: { country: "CD" } })) === 0) await seedLocations(tx);
      },
    });
    bar.stop();
  } finally {
    await db.close();
  }
} catch (error) {
  fail(`Import failed, nothing more was applied: ${error instanceof Error ? error.message : String(error)}`);
}

process.stdout.write(formatReport(report));
process.exit(report.problems.length > 0 ? 2 : 0);

function parseCli() {
  return parseArgs({
    allowPositionals: true,
    options: {
      "dry-run": { type: "boolean" },
      kind: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

function formatReport(r: ImportReport): string {
  const lines = [r.dryRun ? "Dry run: nothing was written." : "Import done."];
  for (const k of TABLE_KINDS) {
    const c = r.counts[k];
    if (c.created + c.updated + c.rejected === 0) continue;
    const verb = r.dryRun ? "would be " : "";
    lines.push(`${k}: ${c.created} ${verb}created, ${c.updated} ${verb}updated, ${c.rejected} rejected`);
  }
  if (r.problems.length > 0) {
    lines.push("", `Rejected rows (${r.problems.length} problem${r.problems.length === 1 ? "" : "s"}):`);
    for (const p of r.problems) lines.push(`  ${p.source} row ${p.row}, column ${p.column}: ${p.problem}`);
  }
  if (r.warnings.length > 0) {
    lines.push("", "Warnings:");
    for (const w of r.warnings) lines.push(`  ${w.source}, column ${w.column}: ${w.problem}`);
  }
  return `${lines.join("\n")}\n`;
}
