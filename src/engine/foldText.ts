/**
 * Folds a reply for matching: lowercase, accents removed (NFD), curly apostrophes made straight,
 * spaces trimmed and collapsed, trailing punctuation dropped. `"  Arrêt ! "` gives `"arret"`.
 */
export function foldText(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[\s.!?,;:…]+$/u, "");
}
