import type { Feature } from "../service/Feature.js";
import { createFeedbackAction } from "./createFeedbackAction.js";

/** Feedback and complaints (accountability): the `feedback.create` action of `flows/feedback.yaml`. */
export const feedbackFeature: Feature = {
  name: "feedback",
  actionNames: ["feedback.create"],
  actions: (tx, sender) => ({ "feedback.create": createFeedbackAction(tx, sender) }),
};
