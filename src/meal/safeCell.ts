/** Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"). */
const formulaStart = /^[=+\-@\t\r]/;

/** A cell value as exports write it. */
export type CellValue = string | number | boolean | null;

/**
 * Makes a text cell inert in Excel, LibreOffice and Google Sheets: text starting with
 * `= + - @`, a tab or a carriage return gets a leading `'`. Numbers and booleans stay as they are.
 *
 * @example
 * safeCell("=HYPERLINK(\"http://x\")") // "'=HYPERLINK(\"http://x\")"
 * safeCell(-3) // -3
 */
export function safeCell(value: CellValue): CellValue {
  return typeof value === "string" && formulaStart.test(value) ? `'${value}` : value;
}

// A run of digits that could be a phone number (7+ digits, with or without +).
const phoneLike = /\+?\d[\d\s().-]{5,}\d/;
const codeLike = /^[A-Za-z0-9_.:+-]{1,64}$/;
const withheldKeys = /(text|name|phone|address|description|note|comment|message|body|email)/i;

/**
 * The `data` of a MEAL event as exports show it: codes, numbers and booleans only. Anything that
 * could be free text, a name or a phone number is dropped, even though the event log should never
 * hold them (a second line of defence for exports leaving the organisation).
 */
export function exportableData(data: unknown): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  if (typeof data !== "object" || data === null || Array.isArray(data)) return out;
  for (const [key, value] of Object.entries(data)) {
    if (withheldKeys.test(key)) continue;
    if (typeof value === "number" || typeof value === "boolean") out[key] = value;
    else if (typeof value === "string" && codeLike.test(value) && !phoneLike.test(value)) out[key] = value;
  }
  return out;
}
