import type { RequestHandler, Router } from "express";
import type { Config } from "../config/loadConfig.js";
import type { CommandHandler, Sender } from "../conversations/createInboundHandler.js";
import type { HandleInbound } from "../conversations/InboundMessage.js";
import type { Tx } from "../db/Tx.js";
import type { Engine } from "../engine/createEngine.js";
import type { I18n } from "../engine/i18n.js";
import type { ActionRegistry } from "../engine/types.js";
import type { PrismaClient, UserRole } from "../generated/prisma/client.js";
import type { Logger } from "../log/createLogger.js";

/** What domain actions and commands may use besides the transaction. */
export interface DomainDeps {
  config: Config;
  i18n: I18n;
  pseudonymSecret: string;
  log: Logger;
}

/** Authentication and authorisation for the admin API and pages (issue "MEAL and administration"). */
export interface AuthPort {
  /** Lets the request through when a signed-in user or an API token has one of the roles; 401/403 otherwise. */
  requireRole(...roles: UserRole[]): RequestHandler;
}

/** What a feature's routers and jobs get from the composition root. */
export interface FeatureContext extends DomainDeps {
  prisma: PrismaClient;
  engine: Engine;
  handleInbound: HandleInbound;
  auth: AuthPort;
  /** Identifies this instance in job leases and outbox claims. */
  instanceId: string;
  /** Wakes the outbox workers after something was enqueued outside an inbound message. */
  wakeOutbox: () => void;
}

/**
 * A product feature (alerts, referrals, MEAL...) as the composition root sees it: the flow
 * actions and focal-point commands it adds, its HTTP routes and its background jobs. Features are
 * listed in `features.ts`; the engine and channels never import them.
 */
export interface Feature {
  name: string;
  /** Names of the actions in `actions`, known before any transaction (flows are validated against them). */
  actionNames?: readonly string[];
  actions?: (tx: Tx, sender: Sender, deps: DomainDeps) => ActionRegistry;
  commands?: (deps: DomainDeps) => CommandHandler[];
  routers?: (ctx: FeatureContext) => Router[];
  /** The feature that signs users in provides the auth port every admin route uses. */
  provideAuth?: (deps: { prisma: PrismaClient; config: Config; log: Logger }) => AuthPort;
  /** Starts background jobs; returns how to stop them. */
  start?: (ctx: FeatureContext) => Promise<() => Promise<void>>;
}
