import type { SqlRunner } from "../db/SqlRunner.js";
import { recordSent, type SentItem } from "./recordSendOutcome.js";

/** Records one send; resolves to false when the worker had lost the item's lock. */
export type SentRecorder = (sent: SentItem) => Promise<boolean>;

/** At most this many sends per statement (each size is a statement of its own, prepared once). */
const maxBatch = 50;

/**
 * Gathers the sends a worker finishes into few statements (`recordSent`): a send is recorded at
 * once when no statement is under way, and otherwise with all those that finished meanwhile, in
 * the next statement. A lone send waits for nothing; under load one statement records a batch.
 *
 * @example
 * const record = createSentRecorder(prismaSql(prisma), "web-1", () => new Date());
 * const held = await record({ item, providerMessageId: "SM123" });
 */
export function createSentRecorder(sql: SqlRunner, workerId: string, now: () => Date): SentRecorder {
  const waiting: { sent: SentItem; settle: (held: boolean) => void; fail: (error: unknown) => void }[] = [];
  let flushing = false;

  async function flush(): Promise<void> {
    flushing = true;
    try {
      while (waiting.length > 0) {
        const batch = waiting.splice(0, maxBatch);
        try {
          const recorded = await recordSent(
            sql,
            workerId,
            batch.map((w) => w.sent),
            now(),
          );
          for (const w of batch) w.settle(recorded.has(w.sent.item.id));
        } catch (error) {
          if (batch.length === 1) for (const w of batch) w.fail(error);
          // One send that cannot be recorded must not leave the others unrecorded (they would be
          // sent again after their lock expires): record each alone.
          else for (const w of batch) await recordAlone(w);
        }
      }
    } finally {
      flushing = false;
    }
  }

  async function recordAlone(w: (typeof waiting)[number]): Promise<void> {
    try {
      w.settle((await recordSent(sql, workerId, [w.sent], now())).has(w.sent.item.id));
    } catch (error) {
      w.fail(error);
    }
  }

  return (sent) =>
    new Promise<boolean>((settle, fail) => {
      waiting.push({ sent, settle, fail });
      if (!flushing) void flush();
    });
}
