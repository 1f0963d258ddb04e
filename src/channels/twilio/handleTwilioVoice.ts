import { createHash } from "node:crypto";
import type { RequestHandler } from "express";
import type { HandleInbound } from "../../conversations/InboundMessage.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import { AppError } from "../../http/AppError.js";
import type { Logger } from "../../log/createLogger.js";
import { describeZodError } from "../describeZodError.js";
import { incrementRateCounter } from "./incrementRateCounter.js";
import { twilioVoiceSchema } from "./twilioMessageSchema.js";
import { rejectBusyTwiml, sendTwiml } from "./twiml.js";

const hourMs = 3_600_000;
const e164 = /^\+[1-9]\d{5,14}$/;

export interface TwilioVoiceHandlerDeps {
  handleInbound: HandleInbound;
  log: Logger;
  prisma: Pick<PrismaClient, "$queryRaw">;
  missedCallsPerHour: number;
  now: () => Date;
}

/**
 * Handles a missed call ("bip"), already signature-checked: the call is always rejected as busy so
 * the caller pays nothing; a caller under `missedCallsPerHour` is then texted the alert menu (an
 * inbound `start` of the `alert` flow on SMS, keyed by the CallSid so a repeated webhook starts
 * nothing twice). Failing to start the flow is logged, and the call is still rejected: an error
 * answer would make Twilio pick up and play a message, at the caller's expense.
 */
export function handleTwilioVoice(deps: TwilioVoiceHandlerDeps): RequestHandler {
  return async (req, res) => {
    const body: unknown = req.body;
    const parsed = twilioVoiceSchema.safeParse(body);
    if (!parsed.success) {
      throw new AppError("bad_request", `invalid Twilio voice webhook: ${describeZodError(parsed.error)}`);
    }
    const call = parsed.data;
    try {
      if (!e164.test(call.From)) {
        deps.log.info({ callSid: call.CallSid }, "missed call from a withheld or non-phone caller: not texted");
      } else {
        const now = deps.now();
        const count = await incrementRateCounter(deps.prisma, missedCallKey(call.From), hourMs, now);
        if (count > deps.missedCallsPerHour) {
          deps.log.info({ callSid: call.CallSid, count }, "missed call over the hourly limit: not texted");
        } else {
          const result = await deps.handleInbound({
            channel: "sms",
            address: call.From,
            providerMessageId: call.CallSid,
            receivedAt: now,
            content: { kind: "start", flowId: "alert" },
          });
          deps.log.info({ callSid: call.CallSid, result: result.status }, "missed call: alert menu started");
        }
      }
    } catch (error) {
      deps.log.error({ err: error, callSid: call.CallSid }, "missed call: could not start the alert flow");
    }
    sendTwiml(res, rejectBusyTwiml);
  };
}

/** The rate-counter key of a caller: a hash, so no phone number is stored in the counters table. */
export function missedCallKey(phone: string): string {
  return `missed-call:${createHash("sha256").update(phone).digest("hex").slice(0, 32)}`;
}
