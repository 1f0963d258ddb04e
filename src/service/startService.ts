import type { Server } from "node:http";
import os from "node:os";
import type { Router } from "express";
import { ensureAdmin } from "../admin/ensureAdmin.js";
import { createSimulatorRouter } from "../channels/simulator/createSimulatorRouter.js";
import { createTelegramRouter } from "../channels/telegram/createTelegramRouter.js";
import { startTelegramPolling } from "../channels/telegram/startTelegramPolling.js";
import { TelegramSender } from "../channels/telegram/TelegramSender.js";
import { createTwilioRouter } from "../channels/twilio/createTwilioRouter.js";
import { TwilioSender } from "../channels/twilio/TwilioSender.js";
import type { Config } from "../config/loadConfig.js";
import { createInboundHandler } from "../conversations/createInboundHandler.js";
import { checkReadiness } from "../db/checkReadiness.js";
import { readMigrations } from "../db/migrations.js";
import { type Database, openDatabase } from "../db/openDatabase.js";
import { startPgliteMaintenance } from "../db/startPgliteMaintenance.js";
import type { ActionRegistry } from "../engine/types.js";
import { createApp } from "../http/createApp.js";
import type { Logger } from "../log/createLogger.js";
import { type OutboxWorkerOptions, startOutboxWorker } from "../outbox/OutboxWorker.js";
import { RateLimiter } from "../outbox/RateLimiter.js";
import { buildEngine } from "./buildEngine.js";
import type { AuthPort, DomainDeps, Feature, FeatureContext } from "./Feature.js";
import { features as allFeatures } from "./features.js";
import { loadPseudonymSecret } from "./loadPseudonymSecret.js";

export interface RunningService {
  url: string;
  port: number;
  db: Database;
  ctx: FeatureContext;
  /** Stops accepting requests, lets in-flight work finish, stops jobs, closes the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Replaces the feature list (tests). */
  features?: readonly Feature[];
  /** Authentication for admin routes; the MEAL/admin feature provides the real one. */
  auth?: AuthPort;
}

/** Until an authentication feature is mounted, admin routes refuse everyone. */
const denyAll: AuthPort = {
  requireRole: () => (_req, res) => {
    res.status(401).json({ error: "unauthorized", message: "sign-in is not available" });
  },
};

/**
 * The composition root: opens and migrates the database, builds the engine from the flows, wires
 * the channels and the features, starts HTTP, the outbox workers and the jobs. Every side effect of
 * the service starts here.
 */
export async function startService(config: Config, log: Logger, options: StartOptions = {}): Promise<RunningService> {
  const features = options.features ?? allFeatures;
  const db = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir });
  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse())
      await stop().catch((error: unknown) => log.error({ err: error }, "stop failed"));
  };
  try {
    const migrationNames = (await readMigrations()).migrationDirectories.map((d) => d.path);
    const pseudonym = loadPseudonymSecret(config.meal.pseudonymSecret, config.database.dataDir);
    if (pseudonym.generated) log.warn("PSEUDONYM_SECRET is not set: using a generated key kept in the data folder");
    if (await ensureAdmin(db.prisma, config.admin)) log.info("first administrator created from ADMIN_EMAIL");

    const actionNames = features.flatMap((f) => f.actionNames ?? []);
    const { engine, i18n } = buildEngine(config, actionNames);
    const domain: DomainDeps = { config, i18n, pseudonymSecret: pseudonym.secret, log };
    const instanceId = `${os.hostname()}:${process.pid}`;

    const senders: OutboxWorkerOptions["senders"] = {};
    if (config.twilio) {
      const twilioSender = new TwilioSender({ ...config.twilio, publicUrl: config.server.publicUrl });
      senders.sms = twilioSender;
      senders.whatsapp = twilioSender;
    }
    if (config.telegram) senders.telegram = new TelegramSender(config.telegram);
    // One limiter for all the workers of this process: the rates are the process's, not each worker's.
    const limiter = new RateLimiter();
    const workers = Array.from({ length: config.outboxWorkers }, (_, i) =>
      startOutboxWorker({
        prisma: db.prisma,
        sql: db.sql,
        senders,
        log,
        rates: config.rates,
        limiter,
        workerId: `${instanceId}:${i}`,
        pollMs: 1000,
        // Under load every committed message wakes the worker: 10 ms lets a burst share one claim
        // (on PGlite, where claims queue behind inbound transactions, this keeps up at 100/s).
        wakeDelayMs: 10,
      }),
    );
    stoppers.push(async () => {
      await Promise.all(workers.map((w) => w.stop()));
    });
    const wakeOutbox = () => {
      for (const w of workers) w.wake();
    };

    const commands = features.flatMap((f) => f.commands?.(domain) ?? []);
    const handleInbound = createInboundHandler({
      prisma: db.prisma,
      engine,
      config,
      pseudonymSecret: pseudonym.secret,
      log,
      actions: (tx, sender) => {
        const registry: Record<string, ActionRegistry[string]> = {};
        for (const f of features) Object.assign(registry, f.actions?.(tx, sender, domain));
        return registry;
      },
      commands,
      afterCommit: wakeOutbox,
      fastLane: db.direct,
    });

    const ctx: FeatureContext = {
      ...domain,
      prisma: db.prisma,
      engine,
      handleInbound,
      auth:
        options.auth ??
        features.find((f) => f.provideAuth)?.provideAuth?.({ prisma: db.prisma, config, log }) ??
        denyAll,
      instanceId,
      wakeOutbox,
    };

    const routers: Router[] = [createSimulatorRouter({ prisma: db.prisma, handleInbound, log })];
    if (config.twilio) routers.push(createTwilioRouter({ config, handleInbound, log, prisma: db.prisma }));
    if (config.telegram?.mode === "webhook") routers.push(createTelegramRouter({ config, handleInbound, log }));
    if (config.telegram?.mode === "polling") {
      const polling = startTelegramPolling({ config, handleInbound, log });
      stoppers.push(() => polling.stop());
    }
    for (const feature of features) routers.push(...(feature.routers?.(ctx) ?? []));
    if (config.jobsEnabled) {
      for (const feature of features) if (feature.start) stoppers.push(await feature.start(ctx));
      if (db.kind === "pglite") {
        const maintenance = startPgliteMaintenance({ prisma: db.prisma, log, owner: instanceId });
        stoppers.push(() => maintenance.stop());
      }
    }

    const app = createApp({
      log,
      readiness: () => checkReadiness(db.prisma, migrationNames),
      routers,
      trustProxy: config.server.trustProxy,
    });
    const server = await listen(app, config.server.port);
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.server.port;

    return {
      url: `http://localhost:${port}`,
      port,
      db,
      ctx,
      async stop() {
        await closeServer(server);
        await stopAll();
        await db.close();
      },
    };
  } catch (error) {
    await stopAll();
    await db.close();
    throw error;
  }
}

function listen(app: ReturnType<typeof createApp>, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, (error?: Error) => (error ? reject(error) : resolve(server)));
    server.keepAliveTimeout = 5_000;
    server.requestTimeout = 30_000;
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
