import { isGsm7 } from "../../engine/smsSegments.js";

const lookalikes: Readonly<Record<string, string>> = {
  "\u2018": "'",
  "\u2019": "'",
  "\u201c": '"',
  "\u201d": '"',
  "\u00ab": '"',
  "\u00bb": '"',
  "\u2013": "-",
  "\u2014": "-",
  "\u2026": "...",
  "\u00a0": " ",
  "\u0153": "oe",
  "\u00e7": "c",
};

/**
 * Rewrites free text (a reporter's place or description) into the GSM-7 alphabet before it goes
 * into an SMS: one `ê` would turn the whole notification into UCS-2 and halve what it holds.
 * Accents outside GSM-7 are dropped (`ê` → `e`), curly quotes straightened, anything else becomes `?`.
 *
 * @example
 * toGsm7("Près de l'église, forêt"); // "Près de l'église, foret"
 */
export function toGsm7(text: string): string {
  let out = "";
  for (const char of text) {
    if (isGsm7(char)) {
      out += char;
      continue;
    }
    const mapped = lookalikes[char];
    if (mapped !== undefined) {
      out += mapped;
      continue;
    }
    const bare = char.normalize("NFD").replace(/\p{M}/gu, "");
    out += bare !== "" && isGsm7(bare) ? bare : "?";
  }
  return out;
}
