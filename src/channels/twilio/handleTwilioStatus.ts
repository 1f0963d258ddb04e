import type { RequestHandler } from "express";
import type { PrismaClient } from "../../generated/prisma/client.js";
import { AppError } from "../../http/AppError.js";
import type { Logger } from "../../log/createLogger.js";
import { applyDeliveryStatus, type DeliveryStatus } from "../../outbox/applyDeliveryStatus.js";
import { linkProviderMessage } from "../../outbox/linkProviderMessage.js";
import { describeZodError } from "../describeZodError.js";
import { type TwilioStatus, twilioStatusQuerySchema, twilioStatusSchema } from "./twilioMessageSchema.js";
import { emptyTwiml, sendTwiml } from "./twiml.js";

export interface TwilioStatusHandlerDeps {
  prisma: Pick<PrismaClient, "message" | "$executeRaw">;
  log: Logger;
}

/**
 * Handles a signed delivery status callback: records the status on the outbound message with that
 * MessageSid, never moving it backwards. An unknown MessageSid is acknowledged and ignored. When the
 * callback URL names the outbox item (`?outbox=`), a message whose sending was never recorded (its
 * worker died after Twilio accepted it) gets its MessageSid first: it will not be sent again.
 */
export function handleTwilioStatus(deps: TwilioStatusHandlerDeps): RequestHandler {
  return async (req, res) => {
    const body: unknown = req.body;
    const parsed = twilioStatusSchema.safeParse(body);
    if (!parsed.success) {
      throw new AppError("bad_request", `invalid Twilio status callback: ${describeZodError(parsed.error)}`);
    }
    const query = twilioStatusQuerySchema.safeParse(req.query);
    if (!query.success) {
      throw new AppError("bad_request", `invalid Twilio status callback URL: ${describeZodError(query.error)}`);
    }
    const status = toDeliveryStatus(parsed.data.MessageStatus);
    if (query.data.outbox) {
      await linkProviderMessage(deps.prisma, {
        outboxId: query.data.outbox,
        providerMessageId: parsed.data.MessageSid,
      });
    }
    if (status) {
      const outcome = await applyDeliveryStatus(deps.prisma, {
        channels: ["sms", "whatsapp"],
        providerMessageId: parsed.data.MessageSid,
        status,
        errorCode: parsed.data.ErrorCode,
      });
      deps.log.debug(
        { providerMessageId: parsed.data.MessageSid, status, errorCode: parsed.data.ErrorCode, outcome },
        "twilio status callback",
      );
    }
    sendTwiml(res, emptyTwiml);
  };
}

/** Twilio's message statuses mapped onto Relais' delivery statuses; inbound-only ones are ignored. */
export function toDeliveryStatus(status: TwilioStatus["MessageStatus"]): DeliveryStatus | null {
  switch (status) {
    case "accepted":
    case "scheduled":
    case "queued":
      return "queued";
    case "sending":
      return "sending";
    case "sent":
    case "partially_delivered":
      return "sent";
    case "delivered":
      return "delivered";
    case "read":
      return "read";
    case "undelivered":
      return "undelivered";
    case "failed":
    case "canceled":
      return "failed";
    case "receiving":
    case "received":
      return null;
  }
}
