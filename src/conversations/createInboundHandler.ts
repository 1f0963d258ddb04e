import type { Config } from "../config/loadConfig.js";
import { isUniqueViolation, type Tx } from "../db/Tx.js";
import type { Engine } from "../engine/createEngine.js";
import { parseCommand } from "../engine/keywords.js";
import type { ActionRegistry, EngineContext } from "../engine/types.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../log/createLogger.js";
import { type MealEventInput, recordMealEvents } from "../meal/recordMealEvents.js";
import { findActiveConversation } from "./findActiveConversation.js";
import type { HandleInbound, InboundMessage, InboundResult, MessagingChannel } from "./InboundMessage.js";
import { persistResult } from "./persistResult.js";
import { storeInbound } from "./storeInbound.js";

/** Who sent an inbound message, as the domain sees it inside the transaction. */
export interface Sender {
  contactId: string;
  pseudonym: string;
  language: string | null;
  optedOut: boolean;
  channel: MessagingChannel;
  address: string;
}

/**
 * A focal-point command handler (`OK 1042`, `ACCEPTE R-2031`...): returns the replies it produced,
 * or null when the message is not for it (the engine then handles it).
 */
export type CommandHandler = (tx: Tx, sender: Sender, message: InboundMessage) => Promise<{ handled: true } | null>;

export interface InboundHandlerDeps {
  prisma: PrismaClient;
  engine: Engine;
  config: Config;
  pseudonymSecret: string;
  log: Logger;
  /** Domain actions bound to the transaction of the message being handled. */
  actions: (tx: Tx, sender: Sender) => ActionRegistry;
  commands?: CommandHandler[];
  /** Called after each committed message (e.g. to wake the outbox worker). */
  afterCommit?: () => void;
  /** Clock, injectable for tests. */
  now?: () => Date;
}

const maxConflictRetries = 3;

/**
 * The one inbound path every channel (and the simulator) calls: in one transaction it stores the
 * message, advances the conversation, writes the replies to the outbox and records MEAL events —
 * all or nothing. A repeated delivery (same provider message id) is acknowledged and ignored.
 */
export function createInboundHandler(deps: InboundHandlerDeps): HandleInbound {
  return async (message) => {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await deps.prisma.$transaction((tx) => handleInTransaction(tx, deps, message), {
          timeout: 20_000,
          maxWait: 20_000,
        });
        deps.afterCommit?.();
        return result;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // Either this delivery was already stored (a duplicate), or two first messages from the
        // same new contact raced to create it: then try again, the contact now exists.
        const stored = await deps.prisma.message.findUnique({
          where: {
            channel_direction_providerMessageId: {
              channel: message.channel,
              direction: "inbound",
              providerMessageId: message.providerMessageId,
            },
          },
          select: { id: true },
        });
        if (stored) return { status: "duplicate" };
        if (attempt >= maxConflictRetries) throw error;
      }
    }
  };
}

async function handleInTransaction(tx: Tx, deps: InboundHandlerDeps, message: InboundMessage): Promise<InboundResult> {
  const now = deps.now?.() ?? new Date();
  const { contact, messageId } = await storeInbound(tx, { message, now, pseudonymSecret: deps.pseudonymSecret });
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
  if (contact.focalPoint || (message.content.kind === "text" && parseCommand(message.content.text))) {
    for (const command of deps.commands ?? []) {
      if (await command(tx, sender, message)) {
        await recordMealEvents(tx, events);
        return { status: "processed", messageId };
      }
    }
  }

  // A new contact has no conversation yet.
  const active = contact.created ? null : await findActiveConversation(tx, contact.id, now);
  const expired = active?.expired === true;
  const ctx: EngineContext = {
    contact: { id: contact.id, language: contact.language, optedOut: contact.optedOut },
    channel: message.channel,
    now,
  };
  const result = await deps.engine.handle(ctx, active ? active.state : null, message.content, {
    expired,
    actions: deps.actions(tx, sender),
  });

  await persistResult(tx, deps, {
    sender,
    activeId: active && !expired ? active.id : null,
    ...(active && expired ? { expiredId: active.id } : {}),
    result,
    now,
    inboundMessageId: messageId,
    events,
    senderLastInboundAt: now,
  });
  return { status: "processed", messageId };
}
