import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

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

  const api: FakeTwilioApi = {
    url: "",
    accountSid,
    authToken,
    requests,
    reply: (...replies) => {
      scripted.push(...replies);
    },
    delayMs: 0,
    close: async () => {
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

function portOf(address: string | { port: number } | null): number {
  if (typeof address !== "object" || address === null) throw new Error("server is not listening on a port");
  return address.port;
}
