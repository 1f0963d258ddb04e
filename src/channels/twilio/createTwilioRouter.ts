import express, { Router } from "express";
import type { HandleInbound } from "../../conversations/InboundMessage.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Logger } from "../../log/createLogger.js";
import { handleTwilioMessage } from "./handleTwilioMessage.js";
import { handleTwilioStatus } from "./handleTwilioStatus.js";
import { handleTwilioVoice } from "./handleTwilioVoice.js";
import { verifyTwilioSignature } from "./verifyTwilioSignature.js";

/** The part of `Config` the Twilio webhooks read (a whole `Config` fits). */
export interface TwilioRouterConfig {
  server: { publicUrl: string };
  twilio: { authToken: string } | null;
  missedCallsPerHour: number;
}

export interface TwilioRouterDeps {
  config: TwilioRouterConfig;
  handleInbound: HandleInbound;
  log: Logger;
  prisma: Pick<PrismaClient, "message" | "$queryRaw" | "$executeRaw">;
  /** Clock, injectable for tests. */
  now?: () => Date;
}

/**
 * The Twilio webhooks, each with its own form parser (64 kB) and signature check before anything
 * else: `POST /webhooks/twilio/messages` (inbound SMS and WhatsApp), `/webhooks/twilio/status`
 * (delivery statuses) and `/webhooks/twilio/voice` (missed call). Throws when Twilio is not
 * configured: mount it only when `config.twilio` is set.
 *
 * @example
 * if (config.twilio) routers.push(createTwilioRouter({ config, handleInbound, log, prisma: db.prisma }));
 */
export function createTwilioRouter(deps: TwilioRouterDeps): Router {
  const twilio = deps.config.twilio;
  if (!twilio) throw new Error("createTwilioRouter: Twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)");
  const now = deps.now ?? (() => new Date());
  const form = express.urlencoded({ extended: false, limit: "64kb", parameterLimit: 200 });
  const signed = verifyTwilioSignature({ authToken: twilio.authToken, publicUrl: deps.config.server.publicUrl });

  const router = Router();
  router.post(
    "/webhooks/twilio/messages",
    form,
    signed,
    handleTwilioMessage({ handleInbound: deps.handleInbound, log: deps.log, now }),
  );
  router.post("/webhooks/twilio/status", form, signed, handleTwilioStatus({ prisma: deps.prisma, log: deps.log }));
  router.post(
    "/webhooks/twilio/voice",
    form,
    signed,
    handleTwilioVoice({
      handleInbound: deps.handleInbound,
      log: deps.log,
      prisma: deps.prisma,
      missedCallsPerHour: deps.config.missedCallsPerHour,
      now,
    }),
  );
  return router;
}
