import { setMaxListeners } from "node:events";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { SimulatorSender, simulatorPrefix } from "../channels/simulator/SimulatorSender.js";
import type { MessagingChannel } from "../conversations/InboundMessage.js";
import { prismaSql, type SqlRunner } from "../db/SqlRunner.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../log/createLogger.js";
import { type ClaimedOutboxItem, claimOutboxItems } from "./claimOutboxItems.js";
import { createSentRecorder } from "./createSentRecorder.js";
import type { ChannelSender, OutboundBody, OutboundSend, SendResult } from "./OutboundBody.js";
import { outboundBodySchema } from "./outboundBodySchema.js";
import { RateLimiter } from "./RateLimiter.js";
import { type OutboxRates, rateBucketsFor } from "./rateBuckets.js";
import { deferOutboxItems, recordSendOutcome, type SendOutcome } from "./recordSendOutcome.js";
import { type BackoffOptions, defaultBackoff, retryDelayMs } from "./retryDelayMs.js";

export interface OutboxWorkerOptions {
  prisma: PrismaClient;
  /**
   * Where the hot statements (claim, record a send) run: by default through `prisma`; the service
   * passes `Database.sql` (straight on `pg` on PostgreSQL).
   */
  sql?: SqlRunner;
  /** One sender per channel; an item on a channel without one fails with code `no_sender`. */
  senders: Partial<Record<MessagingChannel, ChannelSender>>;
  /** Where `sim:` recipients go (default: a `SimulatorSender` that only marks them sent). */
  simulator?: ChannelSender;
  log: Logger;
  /** `config.rates`. In-process limits: with several instances each sends at these rates. */
  rates: OutboxRates;
  /**
   * Share one limiter between the workers of a process (`OUTBOX_WORKERS` > 1), or each worker
   * sends at the full rates. Default: a limiter of its own.
   */
  limiter?: RateLimiter;
  /** Names this worker in `OutboxItem.lockedBy` (e.g. hostname + pid). */
  workerId: string;
  /** Pause between two polls when nothing is due (`wake()` cuts it short). */
  pollMs: number;
  /**
   * `wake()` polls after this delay, so that the messages committed meanwhile share one claim
   * (under load every inbound message wakes the worker). Default 0: at once.
   */
  wakeDelayMs?: number;
  /** Items claimed per round (default 20); they are sent concurrently, limits permitting. */
  batchSize?: number;
  /** How long a claim holds; must outlast a send (timeouts are 20 s). Default 2 minutes. */
  lockMs?: number;
  /** An item whose rate-limit slot is further away than this goes back to pending. Default 2 s. */
  rateWaitHorizonMs?: number;
  backoff?: BackoffOptions;
  /** False: no background loop; call `drainOnce` yourself (tests, benchmarks). Default true. */
  autoStart?: boolean;
  /** Clock for due times and locks, injectable for tests. */
  now?: () => Date;
  /** Jitter source, injectable for tests. */
  random?: () => number;
}

export interface OutboxWorker {
  /** Stops polling; resolves when in-flight sends are recorded. Items waiting for a rate slot go back to pending. */
  stop(): Promise<void>;
  /** Claims one batch of due items and handles it; resolves to the number of items claimed. */
  drainOnce(): Promise<number>;
  /** Polls now instead of at the end of the pause (call after enqueueing). */
  wake(): void;
}

/**
 * Starts the outbox worker: claims due items (`claimOutboxItems`), sends each through its channel's
 * sender within the rate limits, and records the outcome: `sent`; `retry` → back-off with full
 * jitter (or the provider's retry-after) until `maxAttempts`, then `dead`; `permanent` → `failed`
 * with the provider's code. Items of a crashed worker are reclaimed once their lock expires. An item
 * is sent once, except if a worker dies between the provider's acceptance and the write that
 * records it: it is then sent again when reclaimed (providers offer no idempotency key for this).
 * The loop yields to the event loop between batches (PGlite runs on the main thread).
 *
 * @example
 * const worker = startOutboxWorker({ prisma, senders: { sms: twilioSender, whatsapp: twilioSender },
 *   log, rates: config.rates, workerId: `${os.hostname()}:${process.pid}`, pollMs: 1000 });
 * // ... on shutdown:
 * await worker.stop();
 */
export function startOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const batchSize = options.batchSize ?? 20;
  const lockMs = options.lockMs ?? 120_000;
  const horizonMs = options.rateWaitHorizonMs ?? 2_000;
  const backoff = options.backoff ?? defaultBackoff;
  const simulator = options.simulator ?? new SimulatorSender();
  const limiter = options.limiter ?? new RateLimiter();
  const sql = options.sql ?? prismaSql(options.prisma);
  const recordSentItem = createSentRecorder(sql, options.workerId, now);
  const stopping = new AbortController();
  // Every item waiting for a rate slot listens for the stop.
  setMaxListeners(0, stopping.signal);
  let wakeUp: (() => void) | undefined;
  let wakeTimer: NodeJS.Timeout | undefined;
  const wakeDelayMs = options.wakeDelayMs ?? 0;
  function wake(): void {
    if (wakeDelayMs <= 0) {
      wakeUp?.();
      return;
    }
    wakeTimer ??= setTimeout(() => {
      wakeTimer = undefined;
      wakeUp?.();
    }, wakeDelayMs);
  }

  async function drainOnce(): Promise<number> {
    const items = await claimOutboxItems(sql, {
      workerId: options.workerId,
      limit: batchSize,
      now: now(),
      lockMs,
    });
    if (items.length === 0) return 0;
    // Slots are reserved in claim order, synchronously, before any send starts: items on one
    // key get evenly spaced slots; those too far away go back to pending, lined up behind the
    // items deferred before them, all in one statement.
    const deferred: { item: ClaimedOutboxItem; nextAttemptAt: Date }[] = [];
    const plans = items.map((item) => plan(item, deferred));
    await Promise.all([...plans.map((p) => p()), deferItems(deferred)]);
    return items.length;
  }

  function plan(
    item: ClaimedOutboxItem,
    deferred: { item: ClaimedOutboxItem; nextAttemptAt: Date }[],
  ): () => Promise<void> {
    if (item.providerMessageId !== null) {
      // Taken back from a worker that died after the provider accepted it: sent already.
      const providerMessageId = item.providerMessageId;
      return () => finish(item, { kind: "sent", providerMessageId });
    }
    const parsed = outboundBodySchema.safeParse(item.body);
    if (!parsed.success) {
      return () => finish(item, { kind: "failed", error: "outbox body is not a valid OutboundBody", code: "bad_body" });
    }
    if (item.attempts > item.maxAttempts) {
      // Reclaimed after its lock expired once too often: a send that keeps killing its worker.
      return () => finish(item, { kind: "dead", error: "lock expired on the last attempt" });
    }
    const body = parsed.data;
    const buckets = rateBucketsFor({ channel: item.channel, sender: item.sender, body }, options.rates);
    const slot = limiter.reserve(buckets, performance.now(), horizonMs);
    if (!slot.reserved) {
      const later = limiter.defer(buckets, performance.now());
      deferred.push({ item, nextAttemptAt: new Date(now().getTime() + later) });
      return async () => {};
    }
    return async () => {
      // Wait for the reserved slot, then until the key is free by actual starts too (a late timer
      // must not let the next send catch up).
      let wait = slot.waitMs;
      for (;;) {
        if (wait > 0 && !(await sleep(wait, stopping.signal))) {
          await finish(item, { kind: "deferred", nextAttemptAt: now() });
          return;
        }
        wait = limiter.admit(buckets, performance.now());
        if (wait === 0) break;
      }
      const result = await send(item, body);
      if (result.status === "retry" && result.retryAfterMs !== undefined) {
        limiter.holdUntil(buckets, performance.now() + result.retryAfterMs);
      }
      await finish(item, toOutcome(item, result));
    };
  }

  async function send(item: ClaimedOutboxItem, body: OutboundBody): Promise<SendResult> {
    const channel = messagingChannel(item.channel);
    const sender = item.recipient.startsWith(simulatorPrefix)
      ? simulator
      : channel
        ? options.senders[channel]
        : undefined;
    if (!sender || !channel) {
      return { status: "permanent", error: `no sender configured for ${item.channel}`, code: "no_sender" };
    }
    const request: OutboundSend = {
      outboxId: item.id,
      messageId: item.messageId,
      channel,
      recipient: item.recipient,
      sender: item.sender,
      body,
      attempt: item.attempts,
    };
    try {
      return await sender.send(request);
    } catch (error) {
      // Senders return outcomes as values; a throw is a bug or an unforeseen fault: retry it.
      return { status: "retry", error: `sender threw: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  function toOutcome(item: ClaimedOutboxItem, result: SendResult): SendOutcome {
    switch (result.status) {
      case "sent":
        return { kind: "sent", providerMessageId: result.providerMessageId };
      case "permanent":
        return { kind: "failed", error: result.error, code: result.code };
      case "retry": {
        if (item.attempts >= item.maxAttempts) return { kind: "dead", error: result.error };
        const delay = result.retryAfterMs ?? retryDelayMs(item.attempts, backoff, random);
        return { kind: "retry", error: result.error, nextAttemptAt: new Date(now().getTime() + delay) };
      }
    }
  }

  async function deferItems(list: { item: ClaimedOutboxItem; nextAttemptAt: Date }[]): Promise<void> {
    if (list.length === 0) return;
    try {
      const deferredCount = await deferOutboxItems(options.prisma, options.workerId, list);
      options.log.debug({ deferred: deferredCount }, "outbox items wait for a rate-limit slot");
    } catch (error) {
      // Left in `sending`: reclaimed when their lock expires.
      options.log.error({ err: error }, "outbox: could not defer items");
    }
  }

  async function finish(item: ClaimedOutboxItem, outcome: SendOutcome): Promise<void> {
    try {
      const recorded =
        outcome.kind === "sent"
          ? await recordSentItem({ item, providerMessageId: outcome.providerMessageId })
          : await recordSendOutcome(options.prisma, item, options.workerId, outcome);
      const level = outcome.kind === "dead" || outcome.kind === "failed" ? "warn" : "debug";
      // Ids, channel and codes only: never the recipient or the text.
      options.log[level](
        {
          outboxId: item.id,
          channel: item.channel,
          attempt: item.attempts,
          outcome: outcome.kind,
          ...(outcome.kind === "failed" ? { code: outcome.code } : {}),
          ...(outcome.kind === "retry" || outcome.kind === "dead" || outcome.kind === "failed"
            ? { error: outcome.error }
            : {}),
          ...(recorded ? {} : { lockLost: true }),
        },
        "outbox item",
      );
    } catch (error) {
      // Left in `sending`: reclaimed when its lock expires.
      options.log.error({ outboxId: item.id, err: error }, "outbox: could not record an attempt");
    }
  }

  async function loop(): Promise<void> {
    while (!stopping.signal.aborted) {
      let claimed = 0;
      try {
        claimed = await drainOnce();
      } catch (error) {
        options.log.error({ err: error }, "outbox: claiming failed");
      }
      await yieldToEventLoop();
      if (claimed === 0 && !stopping.signal.aborted) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, options.pollMs);
          function done() {
            clearTimeout(timer);
            wakeUp = undefined;
            stopping.signal.removeEventListener("abort", done);
            resolve();
          }
          wakeUp = done;
          stopping.signal.addEventListener("abort", done);
        });
      }
    }
  }

  const running = options.autoStart === false ? Promise.resolve() : loop();
  return {
    drainOnce,
    wake,
    async stop() {
      clearTimeout(wakeTimer);
      stopping.abort();
      await running;
    },
  };
}

function messagingChannel(channel: string): MessagingChannel | null {
  return channel === "sms" || channel === "whatsapp" || channel === "telegram" ? channel : null;
}

/** Waits `ms`; resolves false if `signal` aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      resolve(false);
    }
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
