import type { Config } from "../config/loadConfig.js";
import type { DirectTransactions } from "../db/DirectTransactions.js";
import { prismaSql, sequentialBatch } from "../db/SqlRunner.js";
import { isUniqueViolation, type Tx } from "../db/Tx.js";
import type { Engine } from "../engine/createEngine.js";
import type { ActionRegistry } from "../engine/types.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../log/createLogger.js";
import { activeConversationQuery } from "./activeConversationQuery.js";
import { createFastLane } from "./createFastLane.js";
import type { HandleInbound, InboundMessage, InboundResult, MessagingChannel } from "./InboundMessage.js";
import { persistResult } from "./persistResult.js";
import { isCommandText, stepInbound } from "./stepInbound.js";
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
  /** Handle messages that need no Prisma transaction in transactions straight on the driver. */
  fastLane?: DirectTransactions;
}

const maxConflictRetries = 3;

/**
 * The one inbound path every channel (and the simulator) calls: in one transaction it stores the
 * message, advances the conversation, writes the replies to the outbox and records MEAL events —
 * all or nothing. A repeated delivery (same provider message id) is acknowledged and ignored.
 *
 * With a `fastLane`, messages are handled with the same statements straight on the driver, several
 * to a transaction under load (`createFastLane`), at a fraction of the CPU of a Prisma interactive
 * transaction. A message that needs Prisma (a focal point's command, a domain
 * action such as creating an alert) or that meets a conflict is handled in a Prisma transaction.
 */
export function createInboundHandler(deps: InboundHandlerDeps): HandleInbound {
  const viaPrisma: HandleInbound = async (message) => {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await deps.prisma.$transaction((tx) => handleInPrisma(tx, deps, message), {
          timeout: 20_000,
          maxWait: 20_000,
        });
        deps.afterCommit?.();
        return result;
      } catch (error) {
        // Two first messages from the same new contact raced to create it: try again, the
        // contact now exists.
        if (!isUniqueViolation(error) || attempt >= maxConflictRetries) throw error;
      }
    }
  };
  const lane = deps.fastLane;
  if (!lane) return viaPrisma;
  const fastLane = createFastLane(lane, deps, viaPrisma);
  return (message) => (isCommandText(message) ? viaPrisma(message) : fastLane(message));
}

async function handleInPrisma(tx: Tx, deps: InboundHandlerDeps, message: InboundMessage): Promise<InboundResult> {
  const now = deps.now?.() ?? new Date();
  const sql = prismaSql(tx);
  const stored = await storeInbound(sequentialBatch(sql), {
    message,
    now,
    pseudonymSecret: deps.pseudonymSecret,
    alongside: activeConversationQuery(message.channel, message.address, now),
  });
  if (stored.duplicate) return { status: "duplicate" };
  const input = await stepInbound(deps, message, stored, now, tx);
  if (input) await persistResult(sql, deps, input);
  return { status: "processed", messageId: stored.messageId };
}
