import { isMissingPreparedStatement } from "../db/createPgTransaction.js";
import type { DirectTransactions } from "../db/DirectTransactions.js";
import { isUniqueViolation } from "../db/Tx.js";
import type { InboundHandlerDeps } from "./createInboundHandler.js";
import type { HandleInbound, InboundMessage, InboundResult } from "./InboundMessage.js";
import { type BatchOutcome, runInboundBatch } from "./runInboundBatch.js";

export interface FastLaneOptions {
  /** Messages in one transaction at most. */
  batchSize?: number;
}

interface Waiting {
  message: InboundMessage;
  key: string;
  resolve: (result: InboundResult) => void;
  reject: (error: unknown) => void;
}

/**
 * The inbound fast lane: messages wait in line for one of a few transactions straight on the driver
 * (`DirectTransactions`), and those that arrived while the transactions were busy go together into
 * the next one (`runInboundBatch`). With little traffic each message has a transaction to itself; under
 * load a transaction carries many, and the round trips and the commit are shared.
 *
 * A person's messages are handled in the order they arrived: a transaction takes at most one message
 * per address, and none from an address whose earlier message is still being handled. A message that
 * needs Prisma goes to `viaPrisma` once its transaction is over. When a transaction fails as a whole
 * (a conflict, a deadlock), its messages are handled again one by one, so one bad message costs the
 * others a retry, never their answer.
 */
export function createFastLane(
  lane: DirectTransactions,
  deps: InboundHandlerDeps,
  viaPrisma: HandleInbound,
  options: FastLaneOptions = {},
): HandleInbound {
  const transactions = lane.concurrency;
  const batchSize = options.batchSize ?? 32;
  const waiting: Waiting[] = [];
  /** Addresses with a message being handled: their next message waits. */
  const busy = new Set<string>();
  let running = 0;

  /** The next batch: the oldest waiting message of each address that is free. */
  const take = (): Waiting[] => {
    const batch: Waiting[] = [];
    const passed = new Set<string>();
    for (let i = 0; i < waiting.length && batch.length < batchSize; ) {
      const entry = waiting[i];
      if (!entry) break;
      if (busy.has(entry.key) || passed.has(entry.key)) {
        passed.add(entry.key);
        i++;
        continue;
      }
      passed.add(entry.key);
      busy.add(entry.key);
      batch.push(entry);
      waiting.splice(i, 1);
    }
    return batch;
  };

  // A batch starts once the requests read in the same turn of the event loop are in line (PGlite
  // runs a whole transaction without letting the loop read any more of them).
  let scheduled = false;
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      pump();
    });
  };

  const pump = (): void => {
    while (running < transactions && waiting.length > 0) {
      const batch = take();
      if (batch.length === 0) return;
      running++;
      void runBatch(batch).finally(() => {
        running--;
        schedule();
      });
    }
  };

  const runBatch = async (batch: Waiting[]): Promise<void> => {
    let outcomes: BatchOutcome[];
    try {
      outcomes = await runInboundBatch(
        lane,
        deps,
        batch.map((entry) => entry.message),
      );
    } catch (error) {
      outcomes = batch.map(() =>
        batch.length > 1
          ? { status: "alone" }
          : isUniqueViolation(error) || isMissingPreparedStatement(error)
            ? { status: "prisma" }
            : { status: "failed", error },
      );
    }
    await Promise.all(batch.map((entry, i) => settle(entry, outcomes[i] ?? { status: "alone" })));
  };

  const settle = async (entry: Waiting, outcome: BatchOutcome): Promise<void> => {
    try {
      if (outcome.status === "done") entry.resolve(outcome.result);
      else if (outcome.status === "failed") entry.reject(outcome.error);
      else if (outcome.status === "prisma") entry.resolve(await viaPrisma(entry.message));
      // Alone, it settles itself, and frees its address when done.
      else await runBatch([entry]);
    } catch (error) {
      entry.reject(error);
    } finally {
      if (outcome.status !== "alone") {
        busy.delete(entry.key);
        if (waiting.length > 0) schedule();
      }
    }
  };

  return (message) =>
    new Promise<InboundResult>((resolve, reject) => {
      waiting.push({ message, key: `${message.channel}:${message.address}`, resolve, reject });
      schedule();
    });
}
