import {
  ALERT_CATEGORIES,
  ALERT_URGENCIES,
  type AlertCategory,
  type AlertUrgency,
  FOCAL_POINT_ROLES,
  type FocalPointRole,
} from "../reference/referenceSchemas.js";

export {
  ALERT_CATEGORIES,
  ALERT_URGENCIES,
  type AlertCategory,
  type AlertUrgency,
  FOCAL_POINT_ROLES,
  type FocalPointRole,
};

/** How a focal point closes an alert (`FIN A-1042 1` / `FIN A-1042 2`). */
export const CLOSE_REASONS = ["resolved", "false_alarm"] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

/** Kinds of committees: the reference data's kinds plus the ones the data model names. */
export const COMMITTEE_KINDS = ["cls", "pnc", "protection", "provincial", "programme", "duty"] as const;

/** Escalation tiers: 1 local committee, 2 province, 3 the programme's duty officer. */
export const MAX_TIER = 3;

/** The category whose reports must never reach the police liaison, whatever the routing rules say. */
export const POLICE_MISCONDUCT: AlertCategory = "police_misconduct";
export const PNC_LIAISON: FocalPointRole = "pnc_liaison";

/** Two reports of the same category in the same ETD within this window are probable duplicates. */
export const DUPLICATE_WINDOW_MS = 2 * 3_600_000;

/** The flow whose conversations are anonymous and whose engine events are scrubbed of their subject. */
export const ALERT_FLOW_ID = "alert";

/** Consent recorded when a named reporter agrees to be contacted back. */
export const CALLBACK_CONSENT = { purpose: "alert_callback", version: "1" } as const;

/**
 * Minutes an alert may stay unacknowledged at one tier before it escalates (`config.alerts.escalationMinutes`).
 *
 * @example
 * escalationDelayMs({ danger_now: 15, recent: 120, information: 1440 }, "danger_now"); // 900000
 */
export function escalationDelayMs(minutes: Readonly<Record<AlertUrgency, number>>, urgency: AlertUrgency): number {
  return minutes[urgency] * 60_000;
}
