import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { z } from "zod";

/** What a table of the import holds. */
export const TABLE_KINDS = ["committees", "focal_points", "routing_rules"] as const;
export type TableKind = (typeof TABLE_KINDS)[number];

/** One data row: its number as a spreadsheet shows it (the header is row 1) and its cells by column. */
export interface TableRow {
  row: number;
  values: Record<string, string>;
}

/** One table read from a CSV file or an XLSX sheet. */
export interface Table {
  kind: TableKind;
  /** `committees.csv` or `directory.xlsx#focal_points`, for the report. */
  source: string;
  columns: string[];
  rows: TableRow[];
}

/** A file that cannot be read as the import expects: the message names the file and why. */
export class ImportFileError extends Error {
  override readonly name = "ImportFileError";
}

/**
 * Reads the tables of one import file. An XLSX workbook holds one sheet per kind (`committees`,
 * `focal_points`, `routing_rules`; other sheets are ignored). A CSV file (`,` or `;` separated,
 * UTF-8 with or without BOM) holds one kind, given by `kind` or guessed from the file name.
 * Column names are matched without case, accents or spacing (`Comité` → `committee`).
 */
export async function readTables(file: string, kind?: TableKind): Promise<Table[]> {
  const extension = path.extname(file).toLowerCase();
  if (extension === ".xlsx") return readWorkbook(file, kind);
  if (extension === ".csv" || extension === ".txt") {
    const guessed = kind ?? kindOf(path.basename(file));
    if (!guessed) {
      throw new ImportFileError(
        `${file}: cannot tell what it holds; name it committees*.csv, focal_points*.csv or routing_rules*.csv, or pass --kind`,
      );
    }
    return [readCsv(file, await readFile(file, "utf8"), guessed)];
  }
  throw new ImportFileError(`${file}: expected a .csv or .xlsx file`);
}

const csvRecords = z.array(
  z.object({ record: z.record(z.string(), z.string()), info: z.object({ lines: z.number() }) }),
);

function readCsv(file: string, text: string, kind: TableKind): Table {
  const firstLine = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ";" : ",";
  let parsed: unknown;
  try {
    parsed = parse(text, {
      columns: (header: string[]) => header.map(normaliseColumn),
      delimiter,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
    });
  } catch (error) {
    throw new ImportFileError(
      `${file}: not a readable CSV (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const records = csvRecords.parse(parsed);
  const columns =
    firstLine === ""
      ? []
      : firstLine
          .replace(/^\uFEFF/, "")
          .split(delimiter)
          .map(normaliseColumn);
  return {
    kind,
    source: path.basename(file),
    columns,
    rows: records.map(({ record, info }) => ({ row: info.lines, values: nonEmpty(record) })),
  };
}

async function readWorkbook(file: string, only?: TableKind): Promise<Table[]> {
  // exceljs (~25 MB resident, ~0.3 s to load) is imported only when a workbook is read, not for CSV.
  const { default: ExcelJS } = await import("exceljs");
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(file);
  } catch (error) {
    throw new ImportFileError(
      `${file}: not a readable XLSX workbook (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const tables: Table[] = [];
  for (const sheet of workbook.worksheets) {
    const kind = kindOf(sheet.name);
    if (!kind || (only && kind !== only)) continue;
    const header = sheet.getRow(1);
    const columns: string[] = [];
    header.eachCell({ includeEmpty: true }, (cell, col) => {
      columns[col - 1] = normaliseColumn(cell.text);
    });
    const rows: TableRow[] = [];
    sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      if (rowNumber === 1) return;
      const values: Record<string, string> = {};
      row.eachCell({ includeEmpty: false }, (cell, col) => {
        const column = columns[col - 1];
        const text = cell.text.trim();
        if (column && text !== "") values[column] = text;
      });
      if (Object.keys(values).length > 0) rows.push({ row: rowNumber, values });
    });
    tables.push({ kind, source: `${path.basename(file)}#${sheet.name}`, columns: columns.filter(Boolean), rows });
  }
  if (tables.length === 0) {
    throw new ImportFileError(`${file}: no sheet named committees, focal_points or routing_rules`);
  }
  return tables;
}

/** `Focal points.csv` → `focal_points`; null when the name says nothing. */
function kindOf(name: string): TableKind | null {
  const folded = normaliseColumn(name);
  if (/committee|comite/.test(folded)) return "committees";
  if (/focal|points_focaux|point_focal/.test(folded)) return "focal_points";
  if (/rout|rule|regle/.test(folded)) return "routing_rules";
  return null;
}

/** `Comité ` → `comite`, `Focal-Point Code` → `focal_point_code`. */
export function normaliseColumn(name: string): string {
  return name
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .trim()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

function nonEmpty(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).filter(([key, value]) => key !== "" && value.trim() !== ""));
}
