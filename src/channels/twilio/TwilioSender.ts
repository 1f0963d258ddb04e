import type { Dispatcher } from "undici";
import { z } from "zod";
import { renderForSms } from "../../engine/render.js";
import type { ChannelSender, OutboundSend, SendResult } from "../../outbox/OutboundBody.js";
import { parseRetryAfter } from "../../outbox/parseRetryAfter.js";

export interface TwilioSenderOptions {
  accountSid: string;
  authToken: string;
  /** `TWILIO_SMS_FROM`: an E.164 number, or a Messaging Service SID (MG...). */
  smsFrom: string | undefined;
  /** `TWILIO_WHATSAPP_FROM`: `whatsapp:+...`. */
  whatsappFrom: string | undefined;
  /** `TWILIO_API_BASE_URL`: `https://api.twilio.com`, an egress proxy, or a test fake. */
  apiBaseUrl: string;
  /** `PUBLIC_URL`: delivery statuses come back to `publicUrl/webhooks/twilio/status?outbox=<item id>`. */
  publicUrl: string;
  /** Per-request timeout; the outbox lock must outlast it. Default 20 s. */
  timeoutMs?: number;
}

const createdSchema = z.object({ sid: z.string().min(1) });
const errorBodySchema = z.object({ code: z.number().int().optional(), message: z.string().optional() });

/**
 * Sends outbox items through the Twilio Messages API, posting to `apiBaseUrl` so a proxy or a local
 * fake can stand in for api.twilio.com. SMS carry the text with numbered choices; WhatsApp goes from
 * `whatsappFrom` to `whatsapp:+...`, as a content template (`ContentSid` + `ContentVariables`) when
 * the body carries one. Outcomes as values: network errors, 5xx and 429 → retry (honouring
 * `Retry-After`); other 4xx (21610 unsubscribed, 21211/21614 invalid number, 63016 outside the
 * WhatsApp window...) → permanent, with Twilio's error code.
 *
 * The request is one form POST with basic auth, made with undici over kept-alive connections: the
 * official SDK's REST client (axios) cost ~3 times the CPU per message, on the outbox's hot path.
 *
 * @example
 * const sender = new TwilioSender({ ...config.twilio, publicUrl: config.server.publicUrl });
 * await sender.send(item); // { status: "sent", providerMessageId: "SM..." }
 */
export class TwilioSender implements ChannelSender {
  #dispatcher: Promise<Dispatcher> | undefined;
  readonly #options: TwilioSenderOptions;
  readonly #origin: string;
  readonly #path: string;
  readonly #authorization: string;

  constructor(options: TwilioSenderOptions) {
    this.#options = options;
    const messagesUrl = new URL(
      `${options.apiBaseUrl.replace(/\/+$/, "")}/2010-04-01/Accounts/${options.accountSid}/Messages.json`,
    );
    this.#origin = messagesUrl.origin;
    this.#path = messagesUrl.pathname;
    this.#authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString("base64")}`;
  }

  async send(item: OutboundSend): Promise<SendResult> {
    const params = this.#params(item);
    if (!params.ok) return params.refused;
    const dispatcher = await this.#loadDispatcher();
    const timeout = this.#options.timeoutMs ?? 20_000;
    let statusCode: number;
    let text: string;
    let retryAfter: string | string[] | undefined;
    try {
      const response = await dispatcher.request({
        origin: this.#origin,
        path: this.#path,
        method: "POST",
        headers: {
          authorization: this.#authorization,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
          "user-agent": "relais",
        },
        body: new URLSearchParams(params.form).toString(),
        // The whole exchange, to the millisecond (undici's own timeouts tick in half-seconds).
        signal: AbortSignal.timeout(timeout),
      });
      statusCode = response.statusCode;
      retryAfter = response.headers["retry-after"];
      text = await response.body.text();
    } catch (error) {
      return { status: "retry", error: `twilio network error: ${networkErrorMessage(error)}` };
    }
    return classifyTwilioResponse(statusCode, safeJson(text), Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
  }

  /** undici is imported on the first send: a service that has not sent over Twilio yet does not need it. */
  #loadDispatcher(): Promise<Dispatcher> {
    this.#dispatcher ??= import("undici").then(({ Agent }) => new Agent({ connections: 16 }));
    return this.#dispatcher;
  }

  #params(item: OutboundSend): { ok: true; form: Record<string, string> } | { ok: false; refused: SendResult } {
    // The outbox id in the callback lets Relais learn that a message went out even if the worker
    // died before it could record Twilio's answer (then the item is not sent a second time).
    const form: Record<string, string> = {
      StatusCallback: `${this.#options.publicUrl}/webhooks/twilio/status?outbox=${encodeURIComponent(item.outboxId)}`,
    };
    if (item.channel === "whatsapp") {
      const from = this.#options.whatsappFrom;
      if (!from) return refuse("TWILIO_WHATSAPP_FROM is not set", "not_configured");
      form.From = from;
      form.To = `whatsapp:${item.recipient}`;
      const template = item.body.template;
      if (template) {
        form.ContentSid = template.contentSid;
        form.ContentVariables = JSON.stringify(template.variables);
      } else {
        form.Body = renderForSms(item.body);
      }
      return { ok: true, form };
    }
    if (item.channel === "sms") {
      const from = this.#options.smsFrom;
      if (!from) return refuse("TWILIO_SMS_FROM is not set", "not_configured");
      if (from.startsWith("MG")) form.MessagingServiceSid = from;
      else form.From = from;
      form.To = item.recipient;
      form.Body = renderForSms(item.body);
      return { ok: true, form };
    }
    return refuse(`Twilio does not send on ${item.channel}`, "wrong_channel");
  }
}

function refuse(error: string, code: string): { ok: false; refused: SendResult } {
  return { ok: false, refused: { status: "permanent", error, code } };
}

/**
 * Turns a Twilio API answer into a send outcome. Exported for tests of the classification alone.
 */
export function classifyTwilioResponse(statusCode: number, body: unknown, retryAfter: string | undefined): SendResult {
  if (statusCode >= 200 && statusCode < 300) {
    const created = createdSchema.safeParse(body);
    // Accepted but unreadable: never retried, as a retry could send the message twice.
    if (!created.success)
      return { status: "permanent", error: "twilio accepted the message without a sid", code: "bad_response" };
    return { status: "sent", providerMessageId: created.data.sid };
  }
  const parsed = errorBodySchema.safeParse(typeof body === "string" ? safeJson(body) : body);
  const code = parsed.success ? parsed.data.code : undefined;
  const message = parsed.success && parsed.data.message ? withoutNumbers(parsed.data.message) : "no detail";
  const error = `twilio ${statusCode}${code !== undefined ? ` ${code}` : ""}: ${message}`;
  if (statusCode === 429 || statusCode >= 500) {
    const retryAfterMs = parseRetryAfter(retryAfter, new Date());
    return { status: "retry", error, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  return { status: "permanent", error, code: code !== undefined ? String(code) : `http_${statusCode}` };
}

// Twilio's messages quote the number ("The 'To' number +243... is not valid"): keep it out of lastError.
function withoutNumbers(message: string): string {
  return message.replace(/\+?\d[\d ().-]{5,}\d/g, "[number]").slice(0, 300);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function networkErrorMessage(error: unknown): string {
  if (error instanceof Error) {
    const code = Reflect.get(error, "code");
    return typeof code === "string" ? `${code} ${error.message}` : error.message;
  }
  return String(error);
}
