/** How an SMS is encoded: GSM-7 (160 characters) or UCS-2 (70 characters). */
export type SmsEncoding = "GSM-7" | "UCS-2";

/** Encoding, length in encoding units (septets or UTF-16 code units) and segment count of a text. */
export interface SmsDescription {
  encoding: SmsEncoding;
  /** Septets for GSM-7 (extension characters count 2), UTF-16 code units for UCS-2 (an emoji counts 2). */
  length: number;
  segments: number;
}

// GSM 03.38 basic character set (ESC excluded). Note: only the capital Ç is in it, and no ê â î ô û.
const gsmBasic = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
// GSM 03.38 extension table: each is sent as ESC + character, so it takes 2 septets.
const gsmExtension = new Set("\f^{}\\[~]|€");

const limits = {
  "GSM-7": { single: 160, part: 153 },
  "UCS-2": { single: 70, part: 67 },
} as const;

/** Whether every character of `text` is in the GSM-7 basic set or its extension table. */
export function isGsm7(text: string): boolean {
  for (const char of text) {
    if (!gsmBasic.has(char) && !gsmExtension.has(char)) return false;
  }
  return true;
}

/**
 * Classifies `text` as GSM-7 or UCS-2 and counts its segments the way carriers split it: a
 * concatenated part holds 153 septets (GSM-7) or 67 code units (UCS-2), and an escape pair or a
 * surrogate pair is never split across two parts.
 *
 * @example
 * ```ts
 * smsSegments("a".repeat(161)); // { encoding: "GSM-7", length: 161, segments: 2 }
 * smsSegments("Fête");          // { encoding: "UCS-2", length: 4, segments: 1 }
 * ```
 */
export function smsSegments(text: string): SmsDescription {
  const encoding: SmsEncoding = isGsm7(text) ? "GSM-7" : "UCS-2";
  // Each character's size in the chosen encoding's units.
  const sizes: number[] = [];
  for (const char of text) {
    sizes.push(encoding === "GSM-7" ? (gsmExtension.has(char) ? 2 : 1) : char.length);
  }
  const length = sizes.reduce((sum, size) => sum + size, 0);
  const limit = limits[encoding];
  if (length === 0) return { encoding, length, segments: 0 };
  if (length <= limit.single) return { encoding, length, segments: 1 };
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > limit.part) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return { encoding, length, segments };
}
