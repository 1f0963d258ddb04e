import { randomUUID } from "node:crypto";
import path from "node:path";
import express, { Router } from "express";
import type { HandleInbound, InboundMessage } from "../../conversations/InboundMessage.js";
import type { Inbound } from "../../engine/types.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Logger } from "../../log/createLogger.js";
import { findSimulatorAssets } from "./findSimulatorAssets.js";
import { listQuickContacts } from "./listQuickContacts.js";
import { readSimulatorConversation, simulatorMessageIdPrefix } from "./readSimulatorConversation.js";
import { simulatorPrefix } from "./SimulatorSender.js";
import { conversationQuerySchema, type SimulatorMessage, simulatorMessageSchema } from "./simulatorSchemas.js";

export interface SimulatorRouterDeps {
  prisma: Pick<PrismaClient, "contactAddress" | "message" | "focalPoint" | "$queryRaw">;
  /** The one inbound path every channel calls. */
  handleInbound: HandleInbound;
  log: Logger;
  /** The folder of `index.html`, `simulator.js` and `simulator.css`; found from the project root by default. */
  assetsDir?: string;
  /** Clock, injectable for tests. */
  now?: () => Date;
}

/**
 * The web simulator, a channel like the others: `GET /` serves a page where anyone chats as an SMS,
 * WhatsApp or Telegram user (or as a focal point) and sees what that phone would show.
 *
 * - `POST /simulator/api/messages` `{ channel, phone, text | location }` → `handleInbound` with the
 *   address `sim:<phone>` → `200 { status, messageId? }`; a bad body → 400 with the zod issues.
 * - `GET /simulator/api/messages?channel=&phone=&after=` → `{ messages, contact }`, oldest first.
 * - `GET /simulator/api/contacts` → focal points with a `sim:` address (quick contacts).
 * - `GET /simulator/assets/*` → the page's script and style sheet.
 *
 * Replies reach the page through the outbox, which delivers `sim:` addresses without any network
 * call. Mount it before the start page so that it answers `/`.
 *
 * @example
 * routers.unshift(createSimulatorRouter({ prisma: db.prisma, handleInbound, log }));
 */
export function createSimulatorRouter(deps: SimulatorRouterDeps): Router {
  const assetsDir = deps.assetsDir ?? findSimulatorAssets();
  const now = deps.now ?? (() => new Date());
  const router = Router();

  router.get("/", (_req, res) => {
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(path.join(assetsDir, "index.html"));
  });
  router.use("/simulator/assets", express.static(assetsDir, { index: false, fallthrough: true, maxAge: 0 }));

  router.post("/simulator/api/messages", express.json({ limit: "16kb" }), async (req, res) => {
    const body = simulatorMessageSchema.parse(req.body);
    const result = await deps.handleInbound(toInboundMessage(body, now()));
    deps.log.debug({ channel: body.channel, status: result.status }, "simulator message handled");
    res.json(result);
  });

  router.get("/simulator/api/messages", async (req, res) => {
    const query = conversationQuerySchema.parse(req.query);
    res.setHeader("Cache-Control", "no-store");
    res.json(await readSimulatorConversation(deps.prisma, query));
  });

  router.get("/simulator/api/contacts", async (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    res.json({ contacts: await listQuickContacts(deps.prisma) });
  });

  return router;
}

// "/start", "/start alert": what Telegram's own channel turns into a `start` (telegramUpdateToInbound).
const telegramStart = /^\/start(?:\s+(\S+))?\s*$/;

/**
 * The simulated message in the one inbound shape: address `sim:<phone>`, a fresh provider id
 * (`sim-<uuid>`, so it is never a duplicate), and a Telegram `/start` read as Telegram's channel reads it.
 */
export function toInboundMessage(body: SimulatorMessage, receivedAt: Date): InboundMessage {
  return {
    channel: body.channel,
    address: simulatorPrefix + body.phone,
    providerMessageId: simulatorMessageIdPrefix + randomUUID(),
    receivedAt,
    content: contentOf(body),
  };
}

function contentOf(body: SimulatorMessage): Inbound {
  if (body.location) return { kind: "location", latitude: body.location.latitude, longitude: body.location.longitude };
  const text = body.text ?? "";
  const start = body.channel === "telegram" ? telegramStart.exec(text.trim()) : null;
  if (start) return start[1] ? { kind: "start", flowId: start[1] } : { kind: "start" };
  return { kind: "text", text };
}
