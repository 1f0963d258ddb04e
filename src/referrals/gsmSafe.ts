import { isGsm7 } from "../engine/smsSegments.js";

const replacements: Record<string, string> = {
  "\u2014": "-",
  "\u2013": "-",
  "\u2019": "'",
  "\u2018": "'",
  "\u201c": '"',
  "\u201d": '"',
  "\u00ab": '"',
  "\u00bb": '"',
  "\u2026": "...",
  "\u00a0": " ",
};

/**
 * Replaces the characters that would turn an SMS into UCS-2 (70 characters a segment instead of
 * 160) by their closest GSM-7 form: dashes and quotes by ASCII ones, `ê ô ç` by `e o c`. Letters
 * GSM-7 has (`é è à ù É`) are kept. Used on names and addresses from the directory in SMS texts.
 *
 * @example
 * gsmSafe("Extrême-Nord — Maroua"); // "Extreme-Nord - Maroua"
 */
export function gsmSafe(text: string): string {
  if (isGsm7(text)) return text;
  let out = "";
  for (const ch of text) {
    const replaced = replacements[ch];
    if (replaced !== undefined) out += replaced;
    else if (isGsm7(ch)) out += ch;
    else {
      const base = ch.normalize("NFD").replace(/\p{M}/gu, "");
      out += isGsm7(base) ? base : "?";
    }
  }
  return out;
}
