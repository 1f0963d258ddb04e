import twilio from "twilio";

/**
 * Signs form parameters the way Twilio does (HMAC-SHA1 of the URL followed by each parameter name
 * and value in name order, keyed with the auth token, base64).
 */
export function signTwilioRequest(authToken: string, url: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}

export interface SignedPostOptions {
  /** Where the test server listens (http://127.0.0.1:port). */
  baseUrl: string;
  /** `PUBLIC_URL`: what Twilio signs (the service sits behind a proxy at this address). */
  publicUrl: string;
  authToken: string;
  /** Overrides the signature header; `null` sends none. */
  signature?: string | null;
}

/** POSTs a form to `baseUrl + path`, signed for `publicUrl + path` as Twilio would sign it. */
export function postSignedForm(path: string, params: Record<string, string>, options: SignedPostOptions) {
  const signature =
    options.signature === undefined
      ? signTwilioRequest(options.authToken, `${options.publicUrl}${path}`, params)
      : options.signature;
  return fetch(`${options.baseUrl}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...(signature !== null ? { "x-twilio-signature": signature } : {}),
    },
    body: new URLSearchParams(params).toString(),
  });
}
