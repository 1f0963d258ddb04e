import { foldText } from "./foldText.js";

/** The global keywords, understood in any step of any flow. */
export type Keyword = "stop" | "start" | "menu" | "help" | "language" | "alert";

/**
 * Words for each keyword, already folded (lowercase, no accents). French, English and Swahili:
 * - stop: `acha` (leave off, stop) and `sitisha` (suspend) are the common Swahili words.
 * - start: `anza` (begin). menu: `menyu`. help: `msaada`. language: `lugha`. alert: `tahadhari`.
 */
export const keywordWords: Readonly<Record<Keyword, readonly string[]>> = {
  stop: ["stop", "arret", "arreter", "desabonner", "unsubscribe", "acha", "sitisha"],
  start: ["start", "demarrer", "commencer", "anza"],
  menu: ["menu", "menyu"],
  help: ["aide", "help", "msaada"],
  language: ["langue", "language", "lang", "lugha"],
  alert: ["alerte", "alert", "tahadhari"],
};

const allKeywords: readonly Keyword[] = ["stop", "start", "menu", "help", "language", "alert"];
const byWord = new Map<string, Keyword>(
  allKeywords.flatMap((keyword) => keywordWords[keyword].map((word): [string, Keyword] => [word, keyword])),
);

/**
 * Matches a whole message against the global keywords, ignoring case, accents, surrounding
 * spaces, trailing punctuation and a leading `/` (Telegram commands). Returns null otherwise.
 *
 * @example
 * ```ts
 * matchKeyword(" Arrêt! "); // "stop"
 * matchKeyword("/menu");    // "menu"
 * matchKeyword("stop it");  // null
 * ```
 */
export function matchKeyword(text: string): Keyword | null {
  const folded = foldText(text).replace(/^\//, "");
  return byWord.get(folded) ?? null;
}

/** A reference to an alert or referral as a focal point writes it: `A-1042`, `a1042`, `#1042`, `1042`. */
export interface CommandRef {
  /** Uppercase letter prefix (`A`, `R`...), or null when only digits were given. */
  prefix: string | null;
  number: number;
  /** `A-1042`, or `1042` without prefix. */
  text: string;
}

/** A focal-point command, parsed but not executed (the alerts and referrals domain does that). */
export type FocalCommand =
  | { kind: "ack"; ref: CommandRef; note?: string }
  | { kind: "close"; ref: CommandRef; note?: string }
  | { kind: "accept"; ref: CommandRef; note?: string }
  | { kind: "decline"; ref: CommandRef; reason?: string };

/** Command words, folded. Swahili: `sawa` (ok), `maliza` (finish), `kubali` (accept), `kataa` (refuse). */
export const commandWords: Readonly<Record<FocalCommand["kind"], readonly string[]>> = {
  ack: ["ok", "recu", "sawa"],
  close: ["fin", "close", "cloture", "cloturer", "maliza"],
  accept: ["accepte", "accepter", "accept", "kubali"],
  decline: ["refuse", "refuser", "decline", "kataa"],
};

const commandPattern = /^\s*\/?(\S+)\s+#?([a-z]{1,2})?\s*-?\s*(\d{1,9})(?:\s+([\s\S]*))?$/i;

/**
 * Parses a focal-point command: `OK <ref>`, `FIN <ref> [note]`, `ACCEPTE <ref>`, `REFUSE <ref> [reason]`
 * (and `CLOSE`, `ACCEPT`, `DECLINE`, Swahili `SAWA`, `MALIZA`, `KUBALI`, `KATAA`). Text after the reference
 * is kept as written (`note`, or `reason` for a refusal). Returns null when the text is not a command.
 *
 * @example
 * ```ts
 * parseCommand("fin a1042 calme revenu");
 * // { kind: "close", ref: { prefix: "A", number: 1042, text: "A-1042" }, note: "calme revenu" }
 * ```
 */
export function parseCommand(text: string): FocalCommand | null {
  const match = commandPattern.exec(text);
  if (!match) return null;
  const [, word = "", letters, digits = "", rest] = match;
  const kind = commandKind(foldText(word));
  if (!kind) return null;
  const prefix = letters ? letters.toUpperCase() : null;
  const number = Number.parseInt(digits, 10);
  const ref: CommandRef = { prefix, number, text: prefix ? `${prefix}-${number}` : String(number) };
  const extra = rest?.trim() ?? "";
  if (extra === "") return { kind, ref };
  return kind === "decline" ? { kind, ref, reason: extra } : { kind, ref, note: extra };
}

function commandKind(word: string): FocalCommand["kind"] | null {
  for (const kind of ["ack", "close", "accept", "decline"] as const) {
    if (commandWords[kind].includes(word)) return kind;
  }
  return null;
}
