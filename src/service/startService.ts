import type { Server } from "node:http";
import type { Router } from "express";
import { ensureAdmin } from "../admin/ensureAdmin.js";
import type { Config } from "../config/loadConfig.js";
import { checkReadiness } from "../db/checkReadiness.js";
import { readMigrations } from "../db/migrations.js";
import { type Database, openDatabase } from "../db/openDatabase.js";
import { createApp } from "../http/createApp.js";
import { startPage } from "../http/startPage.js";
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

    const routers: Router[] = [startPage({ database: db.location })];
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
