import type { Response } from "express";

/** The empty TwiML answer to an inbound message: Twilio sends nothing back (replies go through the outbox). */
export const emptyTwiml = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * The answer to a missed call: reject it as busy, so the call is never picked up and the caller
 * pays nothing.
 */
export const rejectBusyTwiml = '<?xml version="1.0" encoding="UTF-8"?><Response><Reject reason="busy"/></Response>';

/** Sends a TwiML document with status 200 and `text/xml`. */
export function sendTwiml(res: Response, twiml: string): void {
  res.status(200).type("text/xml").send(twiml);
}
