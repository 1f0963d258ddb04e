import { EventEmitter, once } from "node:events";
import type { Writable } from "node:stream";
import type { Worksheet } from "exceljs";
import { type CellValue, safeCell } from "./safeCell.js";

// csv-stringify and exceljs are imported when an export starts, not with the service: exports are
// rare, and exceljs with its zip and stream dependencies adds ~25 MB to the idle process's memory.

/** Export formats. */
export type ExportFormat = "csv" | "xlsx";

/** A table being streamed to a client: rows go out as they are written, memory stays bounded. */
export interface TableSink {
  /** Starts a table (a worksheet in XLSX; in CSV only the first table's header is written). */
  startTable(name: string, header: readonly string[]): Promise<void>;
  /** Writes one row (cells made formula-safe); waits when the client reads slower than we write. */
  writeRow(row: readonly CellValue[]): Promise<void>;
  /** Finishes the file. */
  end(): Promise<void>;
}

/**
 * A CSV sink over csv-stringify (UTF-8 with a byte-order mark so Excel reads accents), waiting for
 * `drain` when the output is full.
 */
export async function csvSink(out: Writable): Promise<TableSink> {
  const { stringify } = await import("csv-stringify");
  const csv = stringify({ bom: true });
  csv.pipe(out);
  let tables = 0;
  const write = async (row: readonly CellValue[]) => {
    if (!csv.write(row.map(safeCell))) await once(csv, "drain");
  };
  return {
    async startTable(_name, header) {
      if (tables++ === 0) await write(header);
    },
    writeRow: write,
    async end() {
      csv.end();
      await once(out, "finish").catch(() => undefined);
    },
  };
}

/**
 * An XLSX sink over exceljs's streaming `WorkbookWriter` (no shared strings, no styles): each row
 * is committed as it comes, so a million rows never sit in memory. Waits for the client when its
 * socket buffer is full.
 */
export async function xlsxSink(out: Writable): Promise<TableSink> {
  const { default: ExcelJS } = await import("exceljs");
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
  let sheet: Worksheet | null = null;
  let rows = 0;
  return {
    async startTable(name, header) {
      sheet?.commit();
      sheet = workbook.addWorksheet(name.slice(0, 31));
      sheet.addRow([...header]).commit();
    },
    async writeRow(row) {
      if (!sheet) throw new Error("startTable first");
      sheet.addRow(row.map(safeCell)).commit();
      // Let the zip stream catch up, and wait for the client when the socket's buffer is full.
      if (++rows % 200 === 0) {
        await zipCaughtUp(sheet);
        if (out.writableNeedDrain) await once(out, "drain");
      }
    },
    async end() {
      sheet?.commit();
      await workbook.commit();
    },
  };
}

/** The sink of a format (loading its writer on the first export). */
export function tableSink(format: ExportFormat, out: Writable): Promise<TableSink> {
  return format === "csv" ? csvSink(out) : xlsxSink(out);
}

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null && name in value ? Reflect.get(value, name) : undefined;
}

/**
 * exceljs's streaming writer hands each 64 KB of sheet XML to the zip (deflate) stream without
 * waiting for it, so a fast producer piles rows up in memory while deflate runs. This waits until
 * the zip's entry stream has drained. It reads exceljs internals (`_stream.pipes`); if they change,
 * it finds nothing and only the socket's backpressure applies.
 */
async function zipCaughtUp(sheet: unknown): Promise<void> {
  const pipes = field(field(sheet, "_stream"), "pipes");
  if (!Array.isArray(pipes)) return;
  for (const pipe of pipes) {
    // archiver's entry stream is a `readable-stream` PassThrough: duck-typed, not a node Writable.
    if (pipe instanceof EventEmitter && field(field(pipe, "_writableState"), "needDrain") === true)
      await once(pipe, "drain");
  }
  await new Promise((resolve) => setImmediate(resolve));
}
