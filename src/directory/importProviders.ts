import type { PrismaClient } from "../generated/prisma/client.js";
import { checkCodes, checkProviderRefs, type DirectoryRefs, loadDirectoryRefs } from "./loadDirectoryRefs.js";
import type { ProviderInput } from "./providerInputSchema.js";
import { type ProviderRow, parseProviderRow } from "./providerRow.js";
import { ProviderConflictError, upsertProvider } from "./upsertProvider.js";
import { upsertProviderBatch } from "./upsertProviderBatch.js";

/** A row that was not applied, and why (column names as in the sheet). */
export interface RowProblem {
  line: number;
  code: string | null;
  problems: string[];
}

/** What an import did (or, in a dry run, would do). */
export interface ImportReport {
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  /** Valid rows of a dry run (nothing written). */
  valid: number;
  invalid: number;
  problems: RowProblem[];
  ms: number;
}

export interface ImportOptions {
  dryRun: boolean;
  pseudonymSecret: string;
  /** Rows per transaction, written with bulk statements; default 500. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  /** Who imported, for the audit log (null from the CLI). */
  userId?: string | null;
}

/**
 * Imports provider rows: each row is validated (shape, phone numbers, known services and areas in
 * the provider's country); broken rows are reported and skipped, valid rows are upserted on the
 * provider code. Rows are written in batches with bulk statements; should a batch fail on
 * something validation could not see, it is written again row by row, each in a savepoint, so that
 * one faulty row does not undo its neighbours. A dry run validates everything and writes nothing. One
 * `AuditLog` row records the import.
 */
export async function importProviders(
  prisma: PrismaClient,
  rows: readonly ProviderRow[],
  options: ImportOptions,
): Promise<ImportReport> {
  const started = Date.now();
  const refs = await loadDirectoryRefs(prisma);
  const report: ImportReport = {
    dryRun: options.dryRun,
    rows: rows.length,
    created: 0,
    updated: 0,
    valid: 0,
    invalid: 0,
    problems: [],
    ms: 0,
  };
  const valid = validateRows(rows, refs, report);
  report.valid = valid.length;
  let done = rows.length - valid.length;
  options.onProgress?.(done, rows.length);
  if (options.dryRun) {
    options.onProgress?.(rows.length, rows.length);
    report.ms = Date.now() - started;
    return report;
  }
  const batchSize = options.batchSize ?? 500;
  for (let i = 0; i < valid.length; i += batchSize) {
    const batch = valid.slice(i, i + batchSize);
    try {
      const written = await prisma.$transaction(
        (tx) =>
          upsertProviderBatch(
            tx,
            batch.map((row) => row.input),
            refs,
            { pseudonymSecret: options.pseudonymSecret },
          ),
        { timeout: 300_000, maxWait: 20_000 },
      );
      report.created += written.created.length;
      report.updated += written.updated.length;
      for (const rejected of written.rejected) {
        const row = batch.find((r) => r.input.code === rejected.code);
        reject(report, row?.line ?? 0, rejected.code, [rejected.problem]);
      }
    } catch {
      // Something unforeseen in the bulk statements (a constraint hit by one row): write this
      // batch row by row, each in a savepoint, so that only the faulty rows are left out.
      await applyRowByRow(prisma, batch, refs, options, report);
    }
    done += batch.length;
    options.onProgress?.(done, rows.length);
  }
  await prisma.auditLog.create({
    data: {
      userId: options.userId ?? null,
      action: "provider.import",
      data: { rows: report.rows, created: report.created, updated: report.updated, invalid: report.invalid },
    },
  });
  report.ms = Date.now() - started;
  return report;
}

async function applyRowByRow(
  prisma: PrismaClient,
  batch: readonly { line: number; input: ProviderInput }[],
  refs: DirectoryRefs,
  options: ImportOptions,
  report: ImportReport,
): Promise<void> {
  await prisma.$transaction(
    async (tx) => {
      for (const { line, input } of batch) {
        await tx.$executeRawUnsafe("SAVEPOINT provider_row");
        try {
          const result = await upsertProvider(tx, input, refs, { pseudonymSecret: options.pseudonymSecret });
          await tx.$executeRawUnsafe("RELEASE SAVEPOINT provider_row");
          if (result.status === "invalid") reject(report, line, input.code, result.problems);
          else if (result.status === "created") report.created++;
          else report.updated++;
        } catch (error) {
          await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT provider_row");
          const problem =
            error instanceof ProviderConflictError ? error.message : `could not be written (${errorCode(error)})`;
          reject(report, line, input.code, [problem]);
        }
      }
    },
    { timeout: 300_000, maxWait: 20_000 },
  );
}

/** A database error's code (`P2002`...), never its message (which may quote values). */
function errorCode(error: unknown): string {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : "error";
}

function validateRows(
  rows: readonly ProviderRow[],
  refs: DirectoryRefs,
  report: ImportReport,
): { line: number; input: ProviderInput }[] {
  const seen = new Map<string, number>();
  const valid: { line: number; input: ProviderInput }[] = [];
  for (const row of rows) {
    const parsed = parseProviderRow(row);
    const code = row.values.code?.trim().toUpperCase() || null;
    if (parsed.status === "invalid") {
      reject(report, row.line, code, [...parsed.problems, ...checkCodes(parsed.codes, refs)]);
      continue;
    }
    const problems = checkProviderRefs(parsed.input, refs);
    const first = seen.get(parsed.input.code);
    if (first !== undefined) problems.push(`code: ${parsed.input.code} is already on line ${first}`);
    if (problems.length > 0) {
      reject(report, row.line, code, problems);
      continue;
    }
    seen.set(parsed.input.code, row.line);
    valid.push({ line: row.line, input: parsed.input });
  }
  return valid;
}

function reject(report: ImportReport, line: number, code: string | null, problems: string[]): void {
  report.invalid++;
  report.problems.push({ line, code, problems });
}
