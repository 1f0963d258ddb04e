import { foldText } from "../engine/foldText.js";
import { type OutcomeStatus, outcomeStatuses } from "./referralProfile.js";

/** Words a focal point may write after `FIN <ref>` for each outcome (folded: lowercase, no accents). */
export const outcomeWords: Readonly<Record<OutcomeStatus, readonly string[]>> = {
  served: ["servi", "servie", "served", "done", "fait", "amehudumiwa", "imehudumiwa"],
  no_show: ["absent", "absente", "noshow", "no-show", "venu", "hakuja"],
  refused_by_person: ["refus", "refused", "refusal", "amekataa"],
  no_capacity: ["capacite", "capacity", "plein", "full", "uwezo"],
  unreachable: ["injoignable", "unreachable", "joignable", "hapatikani"],
};

/**
 * Reads an outcome from the note of `FIN R-2031 servi` (first word; "pas venu" counts as no-show).
 * Null when none is recognised: the focal point is then told the words.
 *
 * @example
 * parseOutcome("Servie hier matin"); // "served"
 */
export function parseOutcome(note: string | undefined): OutcomeStatus | null {
  if (!note) return null;
  const words = foldText(note)
    .split(/[\s,.;:!]+/)
    .filter(Boolean);
  const first = words[0] === "pas" || words[0] === "not" || words[0] === "no" ? words[1] : words[0];
  if (!first) return null;
  return outcomeStatuses.find((status) => outcomeWords[status].includes(first)) ?? null;
}
