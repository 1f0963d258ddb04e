import type { Server } from "node:http";
import os from "node:os";
import type { Router } from "express";
import { ensureAdmin } from "../admin/ensureAdmin.js";
import type { Config } from "../config/loadConfig.js";
import { checkReadiness } from "../db/checkReadiness.js";
import { readMigrations } from "../db/migrations.js";
import { type Database, openDatabase } from "../db/openDatabase.js";
import { createApp } from "../http/createApp.js";
import { createSimulatorRouter } from "../channels/simulator/createSimulatorRouter.js";
import { createTelegramRouter } from "../channels/telegram/createTelegramRouter.js";
import { startTelegramPolling } from "../channels/telegram/startTelegramPolling.js";
import { TelegramSender } from "../channels/telegram/TelegramSender.js";
import { createTwilioRouter } from "../channels/twilio/createTwilioRouter.js";
import { TwilioSender } from "../channels/twilio/TwilioSender.js";
import { createInboundHandler } from "../conversations/createInboundHandler.js";
import { type OutboxWorkerOptions, startOutboxWorker } from "../outbox/OutboxWorker.js";
import { buildEngine } from "./buildEngine.js";
import { domainActions } from "./domainActions.js";
import type { Logger } from "../log/createLogger.js";
import { loadPseudonymSecret } from "./loadPseudonymSecret.js";

export interface RunningService {
  url: string;
  port: number;
  db: Database;
  /** Stops accepting requests, lets in-flight work finish, stops jobs, closes the database. */
  stop(): Promise<void>;
}

/**
 * The composition root: opens and migrates the database, wires the features, starts HTTP and the
 * background workers. Every side effect of the service starts here.
 */
export async function startService(config: Config, log: Logger): Promise<RunningService> {
  const db = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir });
  const stoppers: (() => Promise<void>)[] = [];
  try {
    const migrationNames = (await readMigrations()).migrationDirectories.map((d) => d.path);
    const pseudonym = loadPseudonymSecret(config.meal.pseudonymSecret, config.database.dataDir);
    if (pseudonym.generated) log.warn("PSEUDONYM_SECRET is not set: using a generated key kept in the data folder");
    if (await ensureAdmin(db.prisma, config.admin)) log.info("first administrator created from ADMIN_EMAIL");

    const { engine } = buildEngine(config);
    const workerId = `${os.hostname()}:${process.pid}`;
    const senders: OutboxWorkerOptions["senders"] = {};
    if (config.twilio) {
      const twilioSender = new TwilioSender({ ...config.twilio, publicUrl: config.server.publicUrl });
      senders.sms = twilioSender;
      senders.whatsapp = twilioSender;
    }
    if (config.telegram) senders.telegram = new TelegramSender(config.telegram);
    const workers = Array.from({ length: config.outboxWorkers }, (_, i) =>
      startOutboxWorker({ prisma: db.prisma, senders, log, rates: config.rates, workerId: `${workerId}:${i}`, pollMs: 1000 }),
    );
    stoppers.push(async () => {
      await Promise.all(workers.map((w) => w.stop()));
    });

    const handleInbound = createInboundHandler({
      prisma: db.prisma,
      engine,
      config,
      pseudonymSecret: pseudonym.secret,
      log,
      actions: domainActions,
      afterCommit: () => {
        for (const w of workers) w.wake();
      },
    });

    const routers: Router[] = [createSimulatorRouter({ prisma: db.prisma, handleInbound, log })];
    if (config.twilio) routers.push(createTwilioRouter({ config, handleInbound, log, prisma: db.prisma }));
    if (config.telegram?.mode === "webhook") routers.push(createTelegramRouter({ config, handleInbound, log }));
    if (config.telegram?.mode === "polling") {
      const polling = startTelegramPolling({ config, handleInbound, log });
      stoppers.push(() => polling.stop());
    }
    const app = createApp({ log, readiness: () => checkReadiness(db.prisma, migrationNames), routers });
    const server = await listen(app, config.server.port);
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.server.port;

    return {
      url: `http://localhost:${port}`,
      port,
      db,
      async stop() {
        await closeServer(server);
        for (const stop of stoppers.reverse()) await stop();
        await db.close();
      },
    };
  } catch (error) {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
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
