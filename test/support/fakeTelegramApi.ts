import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

/** One Bot API call the fake received. */
export interface FakeTelegramCall {
  method: string;
  payload: Record<string, unknown>;
  /** `performance.now()` when the call arrived. */
  at: number;
  status: number;
}

/** A scripted answer: the HTTP status and the Bot API envelope. */
export interface FakeTelegramReply {
  status: number;
  body: unknown;
  delayMs?: number;
}

export interface FakeTelegramApi {
  /** Use as `TELEGRAM_API_ROOT`. */
  apiRoot: string;
  token: string;
  calls: FakeTelegramCall[];
  /** Calls to one method. */
  callsTo(method: string): FakeTelegramCall[];
  /** Answers the next calls to `method` with these replies, in order. */
  reply(method: string, ...replies: FakeTelegramReply[]): void;
  /** Updates handed out by `getUpdates` (long polling). */
  pushUpdate(update: Record<string, unknown>): void;
  delayMs: number;
  close(): Promise<void>;
}

/** A Bot API error envelope (`{ ok: false, error_code, description, parameters }`). */
export function telegramError(errorCode: number, description: string, retryAfter?: number): FakeTelegramReply {
  return {
    status: errorCode,
    body: {
      ok: false,
      error_code: errorCode,
      description,
      ...(retryAfter !== undefined ? { parameters: { retry_after: retryAfter } } : {}),
    },
  };
}

/**
 * A local stand-in for the Telegram Bot API (`/bot<token>/<method>`, JSON bodies): records every
 * call, answers `sendMessage` with a message, `answerCallbackQuery`/`setWebhook`/`deleteWebhook`
 * with true, `getWebhookInfo` with the URL last set, `getUpdates` with pushed updates, a wrong
 * token with 401, and anything scripted (429 with retry_after, 403 blocked, slowness).
 */
export async function startFakeTelegramApi(options: { token?: string } = {}): Promise<FakeTelegramApi> {
  const token = options.token ?? "123456789:AAFakeTelegramTokenForTests_abcdefgh";
  const calls: FakeTelegramCall[] = [];
  const scripted = new Map<string, FakeTelegramReply[]>();
  const updates: Record<string, unknown>[] = [];
  let webhookUrl = "";
  let nextMessageId = 1;

  const api: FakeTelegramApi = {
    apiRoot: "",
    token,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    reply: (method, ...replies) => {
      scripted.set(method, [...(scripted.get(method) ?? []), ...replies]);
    },
    pushUpdate: (update) => {
      updates.push(update);
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
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? "");
    const method = match?.[2] ?? "";
    const payload = parsePayload(raw);
    if (!match || match[1] !== token) {
      const reply = telegramError(match ? 401 : 404, match ? "Unauthorized" : "Not Found");
      calls.push({ method, payload, at, status: reply.status });
      send(res, reply);
      return;
    }
    const reply = scripted.get(method)?.shift() ?? (await defaultReply(method, payload));
    calls.push({ method, payload, at, status: reply.status });
    const delay = (reply.delayMs ?? 0) + api.delayMs;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    send(res, reply);
  }

  async function defaultReply(method: string, payload: Record<string, unknown>): Promise<FakeTelegramReply> {
    const ok = (result: unknown): FakeTelegramReply => ({ status: 200, body: { ok: true, result } });
    switch (method) {
      case "sendMessage":
        return ok({
          message_id: nextMessageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: Number(payload.chat_id), type: "private" },
          text: payload.text,
        });
      case "setWebhook":
        webhookUrl = typeof payload.url === "string" ? payload.url : "";
        return ok(true);
      case "deleteWebhook":
        webhookUrl = "";
        return ok(true);
      case "getWebhookInfo":
        return ok({ url: webhookUrl, has_custom_certificate: false, pending_update_count: 0 });
      case "getUpdates": {
        const offset = typeof payload.offset === "number" ? payload.offset : 0;
        const due = () => updates.filter((u) => typeof u.update_id === "number" && u.update_id >= offset);
        // A short long-poll: wait a little for updates, then answer (grammY polls again).
        for (let i = 0; i < 5 && due().length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
        return ok(due());
      }
      default:
        return ok(true);
    }
  }

  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  api.apiRoot = `http://127.0.0.1:${portOf(server.address())}`;
  return api;
}

function parsePayload(raw: string): Record<string, unknown> {
  if (raw === "") return {};
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? { ...value } : {};
  } catch {
    return { raw };
  }
}

function send(res: ServerResponse, reply: FakeTelegramReply): void {
  if (res.destroyed) return;
  res.writeHead(reply.status, { "content-type": "application/json" });
  res.end(JSON.stringify(reply.body));
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
