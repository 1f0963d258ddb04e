import { z } from "zod";
import type { MessagingChannel } from "../conversations/InboundMessage.js";
import { nextReference } from "../db/nextReference.js";
import type { Tx } from "../db/Tx.js";
import type { ActionHandler } from "../engine/types.js";
import { recordMealEvents } from "../meal/recordMealEvents.js";

export const feedbackTypes = ["thanks", "suggestion", "complaint", "sensitive"] as const;

const feedbackVariables = z.object({
  feedbackType: z.enum(feedbackTypes),
  feedbackText: z.string().trim().min(1).max(2000),
});

/**
 * The `feedback.create` action: stores thanks, a suggestion or a complaint with a reference.
 * Sensitive complaints are flagged for restricted handling (only handlers granted access see them).
 */
export function createFeedbackAction(
  tx: Tx,
  who: { contactId: string; pseudonym: string; channel: MessagingChannel },
): ActionHandler {
  return async ({ variables, now }) => {
    const input = feedbackVariables.parse(variables);
    const { number, ref } = await nextReference(tx, "Feedback");
    const sensitive = input.feedbackType === "sensitive";
    await tx.feedback.create({
      data: {
        number,
        ref,
        type: input.feedbackType,
        sensitive,
        text: input.feedbackText,
        contactId: who.contactId,
        channel: who.channel,
        createdAt: now,
      },
    });
    await recordMealEvents(tx, [
      { type: "feedback.created", at: now, subject: who.pseudonym, channel: who.channel, category: input.feedbackType },
    ]);
    return { outcome: "ok", variables: { ref, sensitive } };
  };
}
