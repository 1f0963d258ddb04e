import type { Tx } from "../db/Tx.js";
import { parseCommand } from "../engine/keywords.js";
import type { ActionRegistry, EngineContext } from "../engine/types.js";
import { type MealEventInput, recordMealEvents } from "../meal/recordMealEvents.js";
import { parseActiveConversation } from "./activeConversationQuery.js";
import type { InboundHandlerDeps, Sender } from "./createInboundHandler.js";
import type { InboundMessage } from "./InboundMessage.js";
import type { PersistInput } from "./persistResult.js";
import type { StoredInbound } from "./storeInbound.js";

/** Raised without a Prisma transaction when the message needs one after all (see `stepInbound`). */
export class NeedsPrismaTransaction extends Error {
  constructor() {
    super("this message needs a Prisma transaction");
  }
}

/**
 * What a stored inbound message leads to, between storing it and persisting the outcome: a
 * focal point's command runs (it returns null: nothing left to persist), anything else advances
 * the sender's conversation through the engine, and the outcome is returned for `persistResult`.
 *
 * Without a Prisma transaction (`tx` null, the fast lane on PostgreSQL), a message that needs one —
 * a command, or a step that runs a domain action — throws `NeedsPrismaTransaction`: the caller rolls
 * back what it stored and handles the message again in a Prisma transaction.
 */
export async function stepInbound(
  deps: InboundHandlerDeps,
  message: InboundMessage,
  stored: StoredInbound,
  now: Date,
  tx: Tx | null,
): Promise<PersistInput | null> {
  const { contact, messageId } = stored;
  const sender: Sender = {
    contactId: contact.id,
    pseudonym: contact.pseudonym,
    language: contact.language,
    optedOut: contact.optedOut,
    channel: message.channel,
    address: message.address,
  };
  const events: MealEventInput[] = contact.created
    ? [{ type: "contact.created", at: now, subject: contact.pseudonym, channel: message.channel }]
    : [];

  // Commands (`OK A-1042`, `ACCEPTE R-2031`, a bare "1" answering "how did it end?") come from focal
  // points; anyone else's message is tried on them only if it reads as a command (it gets an answer).
  if (contact.focalPoint || isCommandText(message)) {
    if (!tx) throw new NeedsPrismaTransaction();
    for (const command of deps.commands ?? []) {
      if (await command(tx, sender, message)) {
        await recordMealEvents(tx, events);
        return null;
      }
    }
  }

  // A new contact has no conversation yet.
  const active = contact.created ? null : parseActiveConversation(stored.alongside);
  const expired = active?.expired === true;
  const ctx: EngineContext = {
    contact: { id: contact.id, language: contact.language, optedOut: contact.optedOut },
    channel: message.channel,
    now,
  };
  // Without a Prisma transaction, a step that runs a domain action sends the message to Prisma. The
  // flag is checked whatever the engine made of the refusal (a step's `onError` could swallow it).
  let wantedAction = false;
  const actions = tx
    ? deps.actions(tx, sender)
    : refuseActions(() => {
        wantedAction = true;
      });
  const result = await deps.engine
    .handle(ctx, active ? active.state : null, message.content, { expired, actions })
    .catch((error: unknown) => {
      throw wantedAction ? new NeedsPrismaTransaction() : error;
    });
  if (wantedAction) throw new NeedsPrismaTransaction();

  return {
    sender,
    activeId: active && !expired ? active.id : null,
    ...(active && expired ? { expiredId: active.id } : {}),
    result,
    now,
    inboundMessageId: messageId,
    events,
    senderLastInboundAt: now,
  };
}

/** A message that reads as a focal point's command: it goes to the command handlers first. */
export function isCommandText(message: InboundMessage): boolean {
  return message.content.kind === "text" && parseCommand(message.content.text) !== null;
}

/** An action registry whose every action refuses to run (and says so through `onRefused`). */
function refuseActions(onRefused: () => void): ActionRegistry {
  return new Proxy(
    {},
    {
      get: () => async () => {
        onRefused();
        throw new NeedsPrismaTransaction();
      },
    },
  );
}
