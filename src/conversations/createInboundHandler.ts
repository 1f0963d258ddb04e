import type { Config } from "../config/loadConfig.js";
import { type PgConnections, pgSql, prismaSql, type SqlRunner } from "../db/SqlRunner.js";
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
  /** PostgreSQL only: handle messages that need no Prisma transaction straight on `pg` connections. */
  fastLane?: PgConnections;
}

const maxConflictRetries = 3;

/**
 * The one inbound path every channel (and the simulator) calls: in one transaction it stores the
 * message, advances the conversation, writes the replies to the outbox and records MEAL events —
 * all or nothing. A repeated delivery (same provider message id) is acknowledged and ignored.
 *
 * With a `fastLane` (PostgreSQL), a message is first handled with the same statements straight on
 * a `pg` connection, which costs a third of the CPU of a Prisma interactive transaction. A message
 * that turns out to need Prisma (a focal point's command, a domain action such as creating an
 * alert, a duplicate or a conflict) is rolled back there and handled again in a Prisma transaction.
 */
export function createInboundHandler(deps: InboundHandlerDeps): HandleInbound {
  const viaPrisma: HandleInbound = async (message) => {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await deps.prisma.$transaction(
          (tx) => handleMessage({ sql: prismaSql(tx), tx }, deps, message),
          { timeout: 20_000, maxWait: 20_000 },
        );
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
  const lane = deps.fastLane;
  if (!lane) return viaPrisma;
  return async (message) => {
    if (isCommandText(message)) return viaPrisma(message);
    return (await tryFastLane(lane, deps, message)) ?? viaPrisma(message);
  };
}

/** Raised in the fast lane when the message needs a Prisma transaction after all. */
class NeedsPrismaTransaction extends Error {}

/** The message handled on a bare `pg` connection, or null when it must go through Prisma. */
async function tryFastLane(
  lane: PgConnections,
  deps: InboundHandlerDeps,
  message: InboundMessage,
): Promise<InboundResult | null> {
  const client = await lane.pool.connect();
  let broken: Error | undefined;
  let result: InboundResult;
  try {
    await client.query("BEGIN");
    result = await handleMessage({ sql: pgSql(client, lane.name), tx: null }, deps, message);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch((rollbackError: unknown) => {
      // The connection is unusable: the pool must not hand it out again.
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    if (error instanceof NeedsPrismaTransaction || isUniqueViolation(error)) return null;
    throw error;
  } finally {
    client.release(broken);
  }
  deps.afterCommit?.();
  return result;
}

function isCommandText(message: InboundMessage): boolean {
  return message.content.kind === "text" && parseCommand(message.content.text) !== null;
}

/** Where a message is handled: statements, and the Prisma transaction when there is one. */
interface Lane {
  sql: SqlRunner;
  tx: Tx | null;
}

async function handleMessage(lane: Lane, deps: InboundHandlerDeps, message: InboundMessage): Promise<InboundResult> {
  const now = deps.now?.() ?? new Date();
  const { contact, messageId } = await storeInbound(lane.sql, {
    message,
    now,
    pseudonymSecret: deps.pseudonymSecret,
  });
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
    if (!lane.tx) throw new NeedsPrismaTransaction();
    for (const command of deps.commands ?? []) {
      if (await command(lane.tx, sender, message)) {
        await recordMealEvents(lane.tx, events);
        return { status: "processed", messageId };
      }
    }
  }

  // A new contact has no conversation yet.
  const active = contact.created ? null : await findActiveConversation(lane.sql, contact.id, now);
  const expired = active?.expired === true;
  const ctx: EngineContext = {
    contact: { id: contact.id, language: contact.language, optedOut: contact.optedOut },
    channel: message.channel,
    now,
  };
  // Without a Prisma transaction, a step that runs a domain action sends the message to Prisma. The
  // flag is checked whatever the engine made of the refusal (a step's `onError` could swallow it).
  let wantedAction = false;
  const actions = lane.tx
    ? deps.actions(lane.tx, sender)
    : refuseActions(() => {
        wantedAction = true;
      });
  const result = await deps.engine
    .handle(ctx, active ? active.state : null, message.content, { expired, actions })
    .catch((error: unknown) => {
      throw wantedAction ? new NeedsPrismaTransaction() : error;
    });
  if (wantedAction) throw new NeedsPrismaTransaction();

  await persistResult(lane.sql, deps, {
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
