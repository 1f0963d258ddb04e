import type { MessagingChannel } from "../../conversations/InboundMessage.js";
import type { I18n } from "../../engine/i18n.js";
import { smsSegments } from "../../engine/smsSegments.js";
import { formatAge } from "./formatAge.js";
import { toGsm7 } from "./toGsm7.js";

/** What a focal point's notification says about an alert. */
export interface NotificationFacts {
  ref: string;
  category: string;
  urgency: string;
  /** Name of the alert's place (`Chefferie Tumbwe`). */
  locationName: string;
  /** The village or quarter the reporter wrote, if any. */
  place: string | null;
  latitude: number | null;
  longitude: number | null;
  description: string | null;
  /** Milliseconds since the report (or since it went unanswered, for an escalation). */
  ageMs: number;
  /** References of probable duplicates (same ETD and category within two hours). */
  duplicateRefs: readonly string[];
  escalated: boolean;
}

/** Segments a notification may take on SMS (the flows' budget). */
export const notificationSmsBudget = 2;

/**
 * The one notification a focal point receives for an alert, in its language: reference, urgency,
 * category, place, age, other reports nearby, the reporter's words, and how to answer (`OK A-1042`,
 * `FIN A-1042`). On SMS the reporter's words are made GSM-7 and shortened until the whole text fits
 * in {@link notificationSmsBudget} segments.
 *
 * @example
 * composeNotification(i18n, "fr", "sms", { ref: "A-1042", category: "theft", urgency: "recent",
 *   locationName: "Chefferie Tumbwe", place: "Kalunga", latitude: null, longitude: null,
 *   description: null, ageMs: 0, duplicateRefs: [], escalated: false });
 */
export function composeNotification(
  i18n: I18n,
  language: string,
  channel: MessagingChannel,
  facts: NotificationFacts,
): string {
  const sms = channel === "sms";
  const clean = (text: string) => (sms ? toGsm7(text) : text);
  const gps =
    facts.latitude !== null && facts.longitude !== null
      ? `GPS ${facts.latitude.toFixed(5)},${facts.longitude.toFixed(5)}`
      : null;
  let place = clean(facts.place ?? "");
  let description = clean(facts.description ?? "");

  const render = (): string => {
    const where = [facts.locationName, place, gps].filter((part) => part !== null && part !== "").join(", ");
    const vars = {
      ref: facts.ref,
      urgency: i18n.t(language, `alert:urgency.${facts.urgency}`),
      category: i18n.t(language, `alert:category.${facts.category}`),
      place: where,
      age: formatAge(i18n, language, facts.ageMs),
    };
    const lines = [i18n.t(language, facts.escalated ? "alert:notify.escalated" : "alert:notify.header", vars)];
    if (facts.duplicateRefs.length > 0) {
      lines.push(
        i18n.t(language, "alert:notify.duplicates", {
          count: facts.duplicateRefs.length,
          refs: facts.duplicateRefs.slice(0, 3).join(", "),
        }),
      );
    }
    if (description !== "") lines.push(`"${description}"`);
    lines.push(i18n.t(language, "alert:notify.howTo", { ref: facts.ref }));
    return lines.join("\n");
  };

  let text = render();
  if (!sms) return text;
  // Shorten the longer of the reporter's words and the place they typed until the SMS fits its budget.
  const room = notificationSmsBudget * 153;
  for (let sms = smsSegments(text); sms.segments > notificationSmsBudget; sms = smsSegments(text)) {
    if (description === "" && place === "") break;
    const overflow = sms.length - room;
    const gap = Math.abs(description.length - place.length);
    const by = Math.max(8, Math.min(overflow, gap));
    if (description.length >= place.length) description = shorten(description, by);
    else place = shorten(place, by);
    text = render();
  }
  return text;
}

/** `text` without its last `by` characters, marked with "..." (empty when too little would remain). */
function shorten(text: string, by: number): string {
  const base = text.endsWith("...") ? text.slice(0, -3) : text;
  const keep = base.length - by - 3;
  return keep < 4 ? "" : `${base.slice(0, keep).trimEnd()}...`;
}
