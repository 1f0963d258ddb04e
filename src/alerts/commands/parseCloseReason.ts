import { foldText } from "../../engine/foldText.js";
import type { CloseReason } from "../alertCodes.js";

const reasonWords: readonly { reason: CloseReason; words: readonly string[] }[] = [
  {
    reason: "resolved",
    words: ["1", "resolu", "resolue", "resolved", "solved", "imetatuliwa", "imetatuka", "tatuliwa"],
  },
  {
    reason: "false_alarm",
    words: ["2", "fausse alerte", "fausse", "faux", "false alarm", "false", "uongo", "tahadhari ya uongo"],
  },
];

/**
 * Reads how a focal point says an alert ended, at the start of a note (`1 calme revenu`,
 * `fausse alerte`, `resolved`, `uongo`): the reason and what follows it, or null when the note
 * does not start with one (the focal point is then asked).
 *
 * @example
 * parseCloseReason("2 voisins en dispute"); // { reason: "false_alarm", rest: "voisins en dispute" }
 */
export function parseCloseReason(text: string): { reason: CloseReason; rest: string } | null {
  const trimmed = text.trim();
  const folded = foldText(trimmed);
  for (const { reason, words } of reasonWords) {
    // Longest words first, so that "fausse alerte" wins over "fausse".
    for (const word of [...words].sort((a, b) => b.length - a.length)) {
      if (folded.startsWith(word) && !/[a-z0-9]/.test(folded.charAt(word.length))) {
        const rest = trimmed.split(/\s+/).slice(word.split(" ").length).join(" ");
        return { reason, rest: rest.replace(/^[.,:;\s-]+/, "") };
      }
    }
  }
  return null;
}
