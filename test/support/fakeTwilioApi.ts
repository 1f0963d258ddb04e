import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { signTwilioRequest } from "./twilioSignature.js";

/** One request the fake received on the Messages resource. */
export interface FakeTwilioRequest {
  accountSid: string;
  /** Whether Basic auth carried the right account SID and auth token. */
  authorized: boolean;
  /** The form parameters (To, From, Body, ContentSid, StatusCallback...). */
  params: Record<string, string>;
  /** `performance.now()` when the request arrived. */
  at: number;
  /** What the fake answered. */
  status: number;
}

/** A scripted answer to the next request. */
export interface FakeTwilioReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Answer only after this many milliseconds (a slow API). */
  delayMs?: number;
}

export interface FakeTwilioApi {
  /** Base URL to use as `TWILIO_API_BASE_URL`. */
  url: string;
  accountSid: string;
  authToken: string;
  requests: FakeTwilioRequest[];
  /** Answers the next requests with these replies, in order; afterwards it accepts messages again. */
  reply(...replies: FakeTwilioReply[]): void;
  /** Delay applied to every answer (ms). */
  delayMs: number;
  /**
   * Status callbacks, as Twilio sends them after accepting a message: `MessageStatus=sent`, signed,
   * posted to the message's `StatusCallback` with its public base (`publicUrl`) replaced by
   * `deliverTo` (the service's local address). Off until set. A callback that cannot be delivered
   * (service down, non-2xx) is tried again every 250 ms for `retryForMs` (Twilio's connection
   * overrides retry too).
   */
  statusCallbacks: { publicUrl: string; deliverTo: string; retryForMs: number } | null;
  /** Status callbacks delivered (answered 2xx). */
  callbacksDelivered: number;
  close(): Promise<void>;
}

/** A Twilio REST error body, as Twilio sends it. */
export function twilioError(code: number, status = 400, message = `error ${code}`): FakeTwilioReply {
  return {
    status,
    body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
  };
}

/**
 * A local stand-in for the Twilio REST API (`POST /2010-04-01/Accounts/:sid/Messages.json`): checks
 * Basic auth, records what Relais sends, accepts with a fresh `SM...` sid, or answers what the test
 * scripted (errors, 429 with Retry-After, slowness).
 */
export async function startFakeTwilioApi(
  options: { accountSid?: string; authToken?: string } = {},
): Promise<FakeTwilioApi> {
  const accountSid = options.accountSid ?? `AC${"0123456789abcdef".repeat(2)}`;
  const authToken = options.authToken ?? "fake-twilio-auth-token-0123456789";
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`;
  const scripted: FakeTwilioReply[] = [];
  const requests: FakeTwilioRequest[] = [];
  let closed = false;

  const api: FakeTwilioApi = {
    url: "",
    accountSid,
    authToken,
    requests,
    reply: (...replies) => {
      scripted.push(...replies);
    },
    delayMs: 0,
    statusCallbacks: null,
    callbacksDelivered: 0,
    close: async () => {
      closed = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = performance.now();
    const raw = await readBody(req);
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(req.url ?? "");
    if (req.method !== "POST" || !match) {
      send(res, { status: 404, body: { code: 20404, message: "not found", status: 404 } });
      return;
    }
    const params = Object.fromEntries(new URLSearchParams(raw));
    const authorized = req.headers.authorization === expectedAuth && match[1] === accountSid;
    const reply: FakeTwilioReply = !authorized
      ? twilioError(20003, 401, "Authenticate")
      : (scripted.shift() ?? {
          status: 201,
          body: { sid: `SM${randomBytes(16).toString("hex")}`, status: "queued", to: params.To, from: params.From },
        });
    requests.push({ accountSid: match[1] ?? "", authorized, params, at, status: reply.status });
    const delay = (reply.delayMs ?? 0) + api.delayMs;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    send(res, reply);
    const sid = isRecord(reply.body) && typeof reply.body.sid === "string" ? reply.body.sid : undefined;
    if (reply.status === 201 && sid && params.StatusCallback)
      void sendStatusCallback(params.StatusCallback, sid, params);
  }

  async function sendStatusCallback(callbackUrl: string, sid: string, sent: Record<string, string>): Promise<void> {
    const target = api.statusCallbacks;
    if (!target || !callbackUrl.startsWith(target.publicUrl)) return;
    const params = {
      AccountSid: accountSid,
      MessageSid: sid,
      MessageStatus: "sent",
      To: sent.To ?? "",
      From: sent.From ?? "",
    };
    const signature = signTwilioRequest(authToken, callbackUrl, params);
    const deadline = performance.now() + target.retryForMs;
    while (!closed) {
      const res = await fetch(`${target.deliverTo}${callbackUrl.slice(target.publicUrl.length)}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
        body: new URLSearchParams(params).toString(),
      }).catch(() => undefined);
      await res?.arrayBuffer();
      if (res?.ok) {
        api.callbacksDelivered++;
        return;
      }
      if (performance.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  api.url = `http://127.0.0.1:${portOf(server.address())}`;
  return api;
}

function send(res: ServerResponse, reply: FakeTwilioReply): void {
  if (res.destroyed) return;
  res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
  res.end(reply.body === undefined ? "" : JSON.stringify(reply.body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function portOf(address: string | { port: number } | null): number {
  if (typeof address !== "object" || address === null) throw new Error("server is not listening on a port");
  return address.port;
}
