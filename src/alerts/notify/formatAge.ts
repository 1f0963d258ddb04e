import type { I18n } from "../../engine/i18n.js";

/**
 * How long ago a report was made, short enough for an SMS: "moins d'1 min", "14 min", "3 h", "2 j".
 *
 * @example
 * formatAge(i18n, "fr", 14 * 60_000); // "14 min"
 */
export function formatAge(i18n: I18n, language: string, ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return i18n.t(language, "alert:age.now");
  if (minutes < 60) return i18n.t(language, "alert:age.minutes", { count: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return i18n.t(language, "alert:age.hours", { count: hours });
  return i18n.t(language, "alert:age.days", { count: Math.floor(hours / 24) });
}
