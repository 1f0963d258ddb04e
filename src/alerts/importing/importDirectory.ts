import type { CountryCode } from "libphonenumber-js";
import type { z } from "zod";
import type { DbClient } from "../../db/Tx.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { SaveResult } from "../directory/SaveResult.js";
import { saveCommittee } from "../directory/saveCommittee.js";
import { saveFocalPoint } from "../directory/saveFocalPoint.js";
import { saveRoutingRule } from "../directory/saveRoutingRule.js";
import type { Table, TableKind, TableRow } from "./readTables.js";
import { columnAliases, committeeRow, focalPointRow, knownColumns, routingRuleRow } from "./rowSchemas.js";

/** One problem of the validation report: where (file or sheet, row, column) and what. */
export interface ImportProblem {
  source: string;
  row: number;
  column: string;
  problem: string;
}

export interface KindCounts {
  created: number;
  updated: number;
  rejected: number;
}

export interface ImportReport {
  dryRun: boolean;
  counts: Record<TableKind, KindCounts>;
  /** Rows rejected, with every problem found on them. */
  problems: ImportProblem[];
  /** Not fatal: columns nobody reads. */
  warnings: ImportProblem[];
}

export interface ImportOptions {
  dryRun: boolean;
  pseudonymSecret: string;
  /** Region for phone numbers written without `+country` (`DEFAULT_PHONE_REGION`). */
  region: CountryCode;
  /** Called after each row (progress bar). */
  onRow?: (done: number, total: number) => void;
  /** Runs first, in the dry run's transaction or in one of its own (e.g. adds missing reference locations). */
  before?: (db: DbClient) => Promise<void>;
}

const kindOrder: readonly TableKind[] = ["committees", "focal_points", "routing_rules"];

/** Rolls a dry run back once every row has been tried. */
class DryRunRollback extends Error {}

/**
 * Imports committees, focal points and routing rules, committees first so that focal points and
 * rules of the same import can name them. Each row is checked (zod), then upserted on its code
 * (rules on their selectors, committee and tier) in its own transaction: valid rows are applied,
 * broken rows are reported with their row number, column and problem, and a row applied stays
 * applied whatever happens to later rows. A dry run tries every row in one transaction and rolls
 * it back, so its report is the one a real run would give.
 *
 * @example
 * const report = await importDirectory(prisma, await readTables("cls.xlsx"), { dryRun: true, pseudonymSecret, region: "CD" });
 */
export async function importDirectory(
  prisma: PrismaClient,
  tables: readonly Table[],
  options: ImportOptions,
): Promise<ImportReport> {
  const report: ImportReport = {
    dryRun: options.dryRun,
    counts: {
      committees: { created: 0, updated: 0, rejected: 0 },
      focal_points: { created: 0, updated: 0, rejected: 0 },
      routing_rules: { created: 0, updated: 0, rejected: 0 },
    },
    problems: [],
    warnings: [],
  };
  const ordered = [...tables].sort((a, b) => kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind));
  const total = ordered.reduce((sum, t) => sum + t.rows.length, 0);
  let done = 0;
  for (const table of ordered) {
    const unknown = table.columns
      .map((c) => columnAliases[table.kind][c] ?? c)
      .filter((c) => !knownColumns[table.kind].includes(c));
    for (const column of new Set(unknown)) {
      report.warnings.push({ source: table.source, row: 1, column, problem: "unknown column, ignored" });
    }
  }

  const runAll = async (db: DbClient | null) => {
    if (options.before) {
      const before = options.before;
      if (db) await before(db);
      else await prisma.$transaction((tx) => before(tx));
    }
    for (const table of ordered) {
      for (const row of table.rows) {
        const outcome = await importRow(prisma, db, table, row, options);
        const counts = report.counts[table.kind];
        if (outcome.status === "rejected") {
          counts.rejected++;
          report.problems.push(...outcome.problems.map((p) => ({ source: table.source, row: row.row, ...p })));
        } else counts[outcome.status]++;
        options.onRow?.(++done, total);
      }
    }
  };
  if (options.dryRun) {
    await prisma
      .$transaction(
        async (tx) => {
          await runAll(tx);
          throw new DryRunRollback();
        },
        { timeout: 600_000, maxWait: 20_000 },
      )
      .catch((error: unknown) => {
        if (!(error instanceof DryRunRollback)) throw error;
      });
  } else await runAll(null);
  return report;
}

type RowOutcome =
  | { status: "created" | "updated" }
  | { status: "rejected"; problems: { column: string; problem: string }[] };

/** Checks one row and saves it, in `db` (a dry run's transaction) or in a transaction of its own. */
async function importRow(
  prisma: PrismaClient,
  db: DbClient | null,
  table: Table,
  row: TableRow,
  options: ImportOptions,
): Promise<RowOutcome> {
  const values = canonical(table.kind, row.values);
  const save = (client: DbClient): Promise<SaveResult> | RowOutcome => {
    switch (table.kind) {
      case "committees": {
        const parsed = committeeRow.safeParse(values);
        if (!parsed.success) return rejected(parsed.error);
        const r = parsed.data;
        return saveCommittee(client, {
          code: r.code,
          name: r.name,
          kind: r.kind,
          tier: r.tier,
          locationCode: r.location ?? null,
        });
      }
      case "focal_points": {
        const parsed = focalPointRow(options.region).safeParse(values);
        if (!parsed.success) return rejected(parsed.error);
        const r = parsed.data;
        const addresses = {
          ...(r.sms !== undefined ? { sms: r.sms } : {}),
          ...(r.telegram !== undefined ? { telegram: r.telegram } : {}),
          ...(r.whatsapp !== undefined ? { whatsapp: r.whatsapp } : {}),
        };
        const input = {
          code: r.code,
          name: r.name,
          role: r.role,
          language: r.language,
          committeeCode: r.committee,
          addresses,
        };
        return saveFocalPoint(client, { ...input, ...(r.active !== undefined ? { active: r.active } : {}) }, options);
      }
      case "routing_rules": {
        const parsed = routingRuleRow.safeParse(values);
        if (!parsed.success) return rejected(parsed.error);
        const r = parsed.data;
        return saveRoutingRule(client, {
          etdCode: r.etd ?? null,
          category: r.category ?? null,
          urgency: r.urgency ?? null,
          committeeCode: r.committee ?? null,
          roles: r.roles,
          tier: r.tier,
          exclude: r.exclude ?? false,
          ...(r.active !== undefined ? { active: r.active } : {}),
        });
      }
    }
  };
  const toOutcome = (result: SaveResult): RowOutcome =>
    result.status === "invalid"
      ? { status: "rejected", problems: [{ column: result.field, problem: result.problem }] }
      : { status: result.status };
  if (db) {
    const attempt = save(db);
    return "then" in attempt ? toOutcome(await attempt) : attempt;
  }
  // Its own transaction: a row is applied whole or not at all, and stays applied.
  return prisma.$transaction(async (tx) => {
    const attempt = save(tx);
    return "then" in attempt ? toOutcome(await attempt) : attempt;
  });
}

function canonical(kind: TableKind, values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [column, value] of Object.entries(values)) out[columnAliases[kind][column] ?? column] = value;
  return out;
}

function rejected(error: z.ZodError): RowOutcome {
  return {
    status: "rejected",
    problems: error.issues.map((issue) => ({
      column: String(issue.path[0] ?? "(row)"),
      problem: issue.code === "invalid_type" && issue.input === undefined ? "required" : issue.message,
    })),
  };
}
