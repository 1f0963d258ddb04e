import type { Sender } from "../conversations/createInboundHandler.js";
import type { Tx } from "../db/Tx.js";
import type { ActionRegistry } from "../engine/types.js";
import { createFeedbackAction } from "../feedback/createFeedbackAction.js";

/** Every domain action a flow may call, by name. */
export const domainActionNames = ["feedback.create"] as const;

/** The domain actions bound to the transaction of the message being handled. */
export function domainActions(tx: Tx, sender: Sender): ActionRegistry {
  return {
    "feedback.create": createFeedbackAction(tx, sender),
  };
}
