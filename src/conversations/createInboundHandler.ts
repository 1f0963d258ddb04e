import type { Config } from "../config/loadConfig.js";
import { resolveContact } from "../contacts/resolveContact.js";
import { isUniqueViolation, type Tx } from "../db/Tx.js";
import type { Engine } from "../engine/createEngine.js";
import type { ActionRegistry, ConversationState, EngineContext, EngineResult } from "../engine/types.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../log/createLogger.js";
import { recordMealEvents } from "../meal/recordMealEvents.js";
import { enqueueOutbound } from "../outbox/enqueueOutbound.js";
import { conversationStateSchema } from "./conversationStateSchema.js";
import type { HandleInbound, InboundMessage, InboundResult, MessagingChannel } from "./InboundMessage.js";

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
  const resolved = await resolveContact(tx, {
    channel: message.channel,
    address: message.address,
    now,
    pseudonymSecret: deps.pseudonymSecret,
  });
  // Serialise messages of one contact across instances (PostgreSQL); PGlite runs one transaction at a time.
  await tx.$queryRaw`SELECT id FROM "Contact" WHERE id = ${resolved.id}::uuid FOR UPDATE`;

  const inbound = await tx.message.create({
    data: {
      direction: "inbound",
      channel: message.channel,
      contactId: resolved.id,
      providerMessageId: message.providerMessageId,
      text: message.content.kind === "text" ? message.content.text : null,
      payload: message.content.kind === "text" ? undefined : { ...message.content },
      status: "received",
      createdAt: message.receivedAt,
    },
    select: { id: true },
  });

  const sender: Sender = {
    contactId: resolved.id,
    pseudonym: resolved.pseudonym,
    language: resolved.language,
    optedOut: resolved.optedOut,
    channel: message.channel,
    address: message.address,
  };
  if (resolved.created) {
    await recordMealEvents(tx, [
      { type: "contact.created", at: now, subject: resolved.pseudonym, channel: message.channel },
    ]);
  }

  for (const command of deps.commands ?? []) {
    if (await command(tx, sender, message)) return { status: "processed", messageId: inbound.id };
  }

  const active = await tx.conversation.findFirst({
    where: { contactId: resolved.id, status: "active" },
    orderBy: { updatedAt: "desc" },
  });
  const expired = active !== null && active.expiresAt <= now;
  if (active && expired) {
    await tx.conversation.update({ where: { id: active.id }, data: { status: "expired", endedAt: now } });
  }
  const state: ConversationState | null = active && !expired ? toState(active) : null;
  const ctx: EngineContext = {
    contact: { id: resolved.id, language: resolved.language, optedOut: resolved.optedOut },
    channel: message.channel,
    now,
  };
  const result = await deps.engine.handle(ctx, expired && active ? toState(active) : state, message.content, {
    expired,
    actions: deps.actions(tx, sender),
  });

  const conversationId = await persistResult(tx, deps, {
    sender,
    activeId: active && !expired ? active.id : null,
    result,
    now,
  });
  await tx.message.update({ where: { id: inbound.id }, data: { conversationId } });
  return { status: "processed", messageId: inbound.id };
}

/**
 * Persists what the engine decided: contact changes, the conversation row, replies to the outbox
 * and MEAL events. Shared by inbound messages and conversations started by the service (follow-ups).
 */
export async function persistResult(
  tx: Tx,
  deps: Pick<InboundHandlerDeps, "engine" | "config">,
  input: { sender: Sender; activeId: string | null; result: EngineResult; now: Date },
): Promise<string | null> {
  const { sender, result, now } = input;
  if (result.contact) {
    await tx.contact.update({
      where: { id: sender.contactId },
      data: {
        language: result.contact.language,
        optedOut: result.contact.optedOut,
        optedOutAt: result.contact.optedOut === undefined ? undefined : result.contact.optedOut ? now : null,
      },
    });
  }

  let conversationId = input.activeId;
  if (result.state) {
    const settings = deps.engine.flowSettings(result.state.flowId);
    const data = {
      flowId: result.state.flowId,
      stepId: result.state.stepId,
      variables: result.state.variables,
      stack: result.state.stack.map((frame) => ({ flowId: frame.flowId, stepId: frame.stepId })),
      attempts: result.state.attempts,
      expiresAt: result.expiresAt ?? new Date(now.getTime() + settings.expiresAfterHours * 3_600_000),
      anonymous: settings.anonymous,
    };
    if (conversationId) {
      await tx.conversation.update({ where: { id: conversationId }, data });
    } else {
      const created = await tx.conversation.create({
        data: { ...data, contactId: sender.contactId, channel: sender.channel, startedAt: now },
        select: { id: true },
      });
      conversationId = created.id;
    }
  } else if (conversationId) {
    await tx.conversation.update({ where: { id: conversationId }, data: { status: "ended", endedAt: now } });
  }

  for (const reply of result.replies) {
    await enqueueOutbound(tx, {
      contactId: sender.contactId,
      conversationId,
      channel: sender.channel,
      recipient: sender.address,
      body: reply,
      now,
      config: deps.config,
    });
  }

  await recordMealEvents(
    tx,
    result.events.map((event) => ({
      type: event.type,
      at: now,
      // Events of anonymous flows (anonymous alerts) are never linked to the contact.
      subject:
        event.flowId && deps.engine.hasFlow(event.flowId) && deps.engine.flowSettings(event.flowId).anonymous
          ? null
          : sender.pseudonym,
      channel: sender.channel,
      flowId: event.flowId,
      data: event.data,
    })),
  );
  return conversationId;
}

function toState(row: {
  flowId: string;
  stepId: string;
  variables: unknown;
  stack: unknown;
  attempts: number;
}): ConversationState {
  return conversationStateSchema.parse(row);
}
