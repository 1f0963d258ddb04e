import type { Sender } from "../conversations/createInboundHandler.js";
import type { Tx } from "../db/Tx.js";
import type { ActionHandler } from "../engine/types.js";
import { recordMealEvents } from "../meal/recordMealEvents.js";
import { stringVar } from "./conversationVars.js";
import { loadReferral } from "./loadReferral.js";
import { referralMealEvent } from "./referralMeal.js";

export const followUpActionNames = ["followup.record"] as const;

/**
 * The `followup.record` action of `flows/followup.yaml`: stores whether the returnee received the
 * service, their satisfaction (1–5) and optional comment on the referral they were asked about —
 * only if that referral is theirs. MEAL gets the answers without the comment.
 */
export function createFollowUpActions(
  tx: Tx,
  sender: Sender,
): Record<(typeof followUpActionNames)[number], ActionHandler> {
  return {
    "followup.record": async ({ variables, now }) => {
      const referralId = stringVar(variables, "referralId");
      const referral = referralId ? await loadReferral(tx, { id: referralId }) : null;
      if (!referral || referral.contactId !== sender.contactId) return { outcome: "unknown" };
      const received = stringVar(variables, "serviceReceived");
      const satisfaction = Number.parseInt(stringVar(variables, "satisfaction") ?? "", 10);
      const comment = stringVar(variables, "followupComment");
      const score = Number.isInteger(satisfaction) && satisfaction >= 1 && satisfaction <= 5 ? satisfaction : null;
      await tx.referral.update({
        where: { id: referral.id },
        data: {
          serviceReceived: received === null ? null : received !== "no",
          satisfaction: score,
          comment,
        },
      });
      await tx.referralEvent.create({
        data: { referralId: referral.id, type: "followup_answered", at: now, data: { received, satisfaction: score } },
      });
      await recordMealEvents(tx, [
        referralMealEvent("referral.followup_answered", referral, now, {
          received: received ?? "unknown",
          ...(score === null ? {} : { satisfaction: score }),
          commented: comment !== null,
        }),
      ]);
      return { outcome: "ok" };
    },
  };
}
