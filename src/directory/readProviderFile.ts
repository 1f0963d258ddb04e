import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { normaliseHeader, type ProviderRow } from "./providerRow.js";

/** A file that cannot be read as a provider sheet at all (as opposed to rows with problems). */
export class ProviderFileError extends Error {
  override readonly name = "ProviderFileError";
}

/**
 * Reads a provider sheet: `.csv` (comma or semicolon separated, UTF-8 with or without BOM) or
 * `.xlsx` (the first sheet, or `sheet`). The first row holds the column names (normalised:
 * `Focal point phone` → `focal_point_phone`); empty rows are skipped. `line` is the row number as
 * the spreadsheet shows it.
 */
export async function readProviderFile(file: string, options: { sheet?: string } = {}): Promise<ProviderRow[]> {
  const extension = path.extname(file).toLowerCase();
  if (extension === ".csv" || extension === ".txt") return readCsv(await readFile(file, "utf8"));
  if (extension === ".xlsx") return readXlsx(file, options.sheet);
  throw new ProviderFileError(`${path.basename(file)}: expected a .csv or .xlsx file`);
}

/** Reads CSV text (exported for tests). */
export function readCsv(text: string): ProviderRow[] {
  const firstLine = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ";" : ",";
  const records: string[][] = parse(text, { bom: true, delimiter, relax_column_count: true, skip_empty_lines: false });
  const [header, ...rows] = records;
  if (!header) throw new ProviderFileError("the file is empty");
  const names = header.map(normaliseHeader);
  checkHeader(names);
  return rows.flatMap((cells, i) => {
    if (cells.every((c) => c.trim() === "")) return [];
    const values: Record<string, string> = {};
    names.forEach((name, j) => {
      if (name) values[name] = cells[j] ?? "";
    });
    return [{ line: i + 2, values }];
  });
}

async function readXlsx(file: string, sheetName: string | undefined): Promise<ProviderRow[]> {
  // exceljs (~25 MB resident, ~0.3 s to load) is imported only when a workbook is read, not for CSV.
  const { default: ExcelJS } = await import("exceljs");
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const sheet = sheetName === undefined ? workbook.worksheets[0] : workbook.getWorksheet(sheetName);
  if (!sheet)
    throw new ProviderFileError(sheetName === undefined ? "the workbook has no sheet" : `no sheet named ${sheetName}`);
  const names: string[] = [];
  sheet.getRow(1).eachCell({ includeEmpty: true }, (cell, col) => {
    names[col] = normaliseHeader(cell.text);
  });
  checkHeader(names);
  const rows: ProviderRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    if (line === 1) return;
    const values: Record<string, string> = {};
    let any = false;
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      const name = names[col];
      if (!name) return;
      values[name] = cell.text;
      if (cell.text.trim() !== "") any = true;
    });
    if (any) rows.push({ line, values });
  });
  return rows;
}

function checkHeader(names: readonly (string | undefined)[]): void {
  const missing = ["code", "name", "country", "services", "areas"].filter((c) => !names.includes(c));
  if (missing.length > 0)
    throw new ProviderFileError(`missing column(s): ${missing.join(", ")} (see docs/import-providers.md)`);
}
