import type { RequestHandler } from "express";
import type { HandleInbound } from "../../conversations/InboundMessage.js";
import { AppError } from "../../http/AppError.js";
import type { Logger } from "../../log/createLogger.js";
import { describeZodError } from "../describeZodError.js";
import { twilioMessageSchema } from "./twilioMessageSchema.js";
import { twilioMessageToInbound } from "./twilioMessageToInbound.js";
import { emptyTwiml, sendTwiml } from "./twiml.js";

export interface TwilioMessageHandlerDeps {
  handleInbound: HandleInbound;
  log: Logger;
  now: () => Date;
}

/**
 * Handles an inbound SMS or WhatsApp message whose signature was already checked: parses it, hands it
 * to `handleInbound`, and answers an empty TwiML only once it is stored (a repeated delivery too).
 * If storing fails the error reaches the error handler as a 500, so Twilio may deliver it again.
 */
export function handleTwilioMessage(deps: TwilioMessageHandlerDeps): RequestHandler {
  return async (req, res) => {
    const body: unknown = req.body;
    const parsed = twilioMessageSchema.safeParse(body);
    if (!parsed.success) {
      throw new AppError("bad_request", `invalid Twilio message webhook: ${describeZodError(parsed.error)}`);
    }
    const inbound = twilioMessageToInbound(parsed.data, deps.now());
    const result = await deps.handleInbound(inbound);
    deps.log.info(
      {
        channel: inbound.channel,
        providerMessageId: inbound.providerMessageId,
        kind: inbound.content.kind,
        result: result.status,
      },
      "twilio message received",
    );
    sendTwiml(res, emptyTwiml);
  };
}
