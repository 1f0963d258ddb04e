import { alertsFeature } from "../alerts/alertsFeature.js";
import { feedbackFeature } from "../feedback/feedbackFeature.js";
import { mealFeature } from "../meal/mealFeature.js";
import { referralsFeature } from "../referrals/referralsFeature.js";
import type { Feature } from "./Feature.js";

/**
 * Every feature of the service, in mounting order. Add a feature here with one line; its actions,
 * commands, routes and jobs are wired by `startService`.
 */
export const features: readonly Feature[] = [
  feedbackFeature,
  alertsFeature,
  mealFeature,
  referralsFeature,
  // (more features: one line each)
];
