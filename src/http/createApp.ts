import express, { type Express, type Router } from "express";
import helmet from "helmet";
import type { Logger } from "../log/createLogger.js";
import { AppError } from "./AppError.js";
import { errorHandler } from "./errorHandler.js";
import { requestId } from "./requestId.js";

export interface AppDeps {
  log: Logger;
  /** Resolves readiness for `/readyz`. */
  readiness: () => Promise<{ ready: true } | { ready: false; reason: string }>;
  /** Routers mounted in order, each with its own parsers and limits. */
  routers: Router[];
  /**
   * Express `trust proxy` (default false): behind a TLS proxy, the hops or addresses whose
   * `X-Forwarded-For` gives the client's address (`req.ip`, which sign-in limits count by).
   */
  trustProxy?: false | number | string;
}

/**
 * The Express application: request ids, security headers, health endpoints, the feature routers,
 * a JSON 404 and the one error handler.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", deps.trustProxy ?? false);
  app.use(requestId());
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { "script-src": ["'self'"], "img-src": ["'self'", "data:"], "upgrade-insecure-requests": null },
      },
      strictTransportSecurity: false,
    }),
  );
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      deps.log.debug(
        { requestId: res.locals.requestId, method: req.method, path: req.path, status: res.statusCode, ms },
        "request",
      );
    });
    next();
  });

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    const readiness = await deps.readiness();
    if (readiness.ready) res.json({ status: "ready" });
    else res.status(503).json({ status: "not_ready", reason: readiness.reason });
  });

  for (const router of deps.routers) app.use(router);

  app.use((req, _res, next) => {
    next(new AppError("not_found", `no route for ${req.method} ${req.path}`));
  });
  app.use(errorHandler(deps.log));
  return app;
}
