import type { RequestHandler } from "express";
// Only the SDK's webhook module (node:crypto, one file): the SDK's index loads its REST client with
// axios and ~60 other packages (~20 MB resident), which sending loads when it first needs it.
import { validateRequest } from "twilio/lib/webhooks/webhooks.js";
import { AppError } from "../../http/AppError.js";

export interface TwilioSignatureOptions {
  authToken: string;
  /** `PUBLIC_URL`: the base Twilio was given, so the signed URL is rebuilt from it, never from forwarded headers. */
  publicUrl: string;
}

/**
 * Middleware that checks `X-Twilio-Signature` against `publicUrl + req.originalUrl` and the form
 * parameters, before anything is parsed into the domain or stored: a missing header is a 400, a
 * forged one a 403. Must run after `express.urlencoded`.
 *
 * @example
 * router.post("/webhooks/twilio/messages", express.urlencoded({ extended: false }),
 *   verifyTwilioSignature({ authToken, publicUrl }), handler);
 */
export function verifyTwilioSignature(options: TwilioSignatureOptions): RequestHandler {
  return (req, _res, next) => {
    const signature = req.header("x-twilio-signature");
    if (!signature) {
      next(new AppError("bad_request", "missing X-Twilio-Signature header"));
      return;
    }
    const body: unknown = req.body;
    const params = isRecord(body) ? body : {};
    const url = `${options.publicUrl}${req.originalUrl}`;
    if (!validateRequest(options.authToken, signature, url, params)) {
      next(new AppError("forbidden", "invalid Twilio signature"));
      return;
    }
    next();
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
