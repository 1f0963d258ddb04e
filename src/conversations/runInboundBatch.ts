import type { DirectTransactions } from "../db/DirectTransactions.js";
import { prepared, uuid } from "../db/sqlValues.js";
import { Prisma } from "../generated/prisma/client.js";
import { activeConversationQuery } from "./activeConversationQuery.js";
import type { InboundHandlerDeps } from "./createInboundHandler.js";
import type { InboundMessage, InboundResult } from "./InboundMessage.js";
import { persistResult } from "./persistResult.js";
import { NeedsPrismaTransaction, stepInbound } from "./stepInbound.js";
import { planStoreInbound, type StoredInbound } from "./storeInbound.js";

/** What became of one message of a batch. */
export type BatchOutcome =
  | { status: "done"; result: InboundResult }
  /** Needs a Prisma transaction (a command, a domain action): nothing of it was kept. */
  | { status: "prisma" }
  /** Came from the same contact as an earlier message of the batch: nothing of it was kept, handle it alone. */
  | { status: "alone" }
  /** The engine failed on it: nothing of it was kept. */
  | { status: "failed"; error: unknown };

/**
 * Handles inbound messages from different addresses in one transaction straight on the driver (the
 * fast lane). On PostgreSQL that takes two round trips whatever their number: BEGIN with every
 * message's store and conversation read, then every outcome with the COMMIT (`createPgTransaction`).
 * Under load, messages that arrived while the connections were busy share a transaction, so the
 * cost of a round trip and of a commit is shared too.
 *
 * One message never fails the others. A duplicate is a value (`storeInbound`). A message that turns
 * out to need a Prisma transaction, that shares its contact with an earlier one (two addresses of one
 * person), or on which the engine fails has its stored copy deleted in the same transaction and
 * comes back with its outcome, for the caller to handle once the others are committed.
 *
 * Throws when the transaction itself failed (a new contact created twice at once, a deadlock...):
 * nothing of it is kept, and the caller handles each message again alone.
 */
export async function runInboundBatch(
  lane: DirectTransactions,
  deps: InboundHandlerDeps,
  messages: InboundMessage[],
): Promise<BatchOutcome[]> {
  const now = deps.now?.() ?? new Date();
  const { tx, end } = await lane.open();
  const outcomes: BatchOutcome[] = [];
  try {
    const plans = messages.map((message) => ({
      message,
      plan: planStoreInbound({ message, now, pseudonymSecret: deps.pseudonymSecret }),
    }));
    const reads = await tx.run(
      plans.flatMap(({ message, plan }) => [
        plan.existing,
        activeConversationQuery(message.channel, message.address, now),
      ]),
    );

    const last: Prisma.Sql[] = [];
    const collectLast = async (statement: Prisma.Sql) => {
      last.push(statement);
      return [];
    };
    const contacts = new Set<string>();
    for (const [i, { message, plan }] of plans.entries()) {
      const found = plan.found(reads[2 * i] ?? []);
      if (found?.duplicate) {
        outcomes.push({ status: "done", result: { status: "duplicate" } });
        continue;
      }
      const created = found ? null : plan.create();
      const contact = found?.contact ?? created?.contact;
      if (!contact) throw new Error("a stored message has a contact");
      if (contacts.has(contact.id)) {
        last.push(deleteMessage(plan.messageId));
        outcomes.push({ status: "alone" });
        continue;
      }
      contacts.add(contact.id);
      const stored: StoredInbound = {
        contact,
        messageId: plan.messageId,
        duplicate: false,
        alongside: found ? (reads[2 * i + 1] ?? []) : [],
      };
      try {
        const input = await stepInbound(deps, message, stored, now, null);
        if (!input) throw new Error("only a Prisma transaction runs commands");
        // A new contact is created only once its message is sure to be kept here.
        if (created) last.push(created.statement);
        await persistResult(tx.sql, deps, input, collectLast);
        outcomes.push({ status: "done", result: { status: "processed", messageId: plan.messageId } });
      } catch (error) {
        if (!created) last.push(deleteMessage(plan.messageId));
        outcomes.push(error instanceof NeedsPrismaTransaction ? { status: "prisma" } : { status: "failed", error });
      }
    }
    await tx.commitWith(last);
    end();
  } catch (error) {
    let broken: Error | undefined;
    await tx.rollback().catch((rollbackError: unknown) => {
      // The connection is unusable: the pool must not hand it out again.
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    end({ error, ...(broken ? { broken } : {}) });
    throw error;
  }
  if (outcomes.some((outcome) => outcome.status === "done")) deps.afterCommit?.();
  return outcomes;
}

/** Takes back a message stored by this transaction (it will be stored again where it is handled). */
function deleteMessage(messageId: string): Prisma.Sql {
  return prepared(Prisma.sql`DELETE FROM "Message" WHERE "id" = ${uuid(messageId)}`);
}
