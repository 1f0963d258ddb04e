import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSimulatorRouter } from "../../src/channels/simulator/createSimulatorRouter.js";
import { findSimulatorAssets } from "../../src/channels/simulator/findSimulatorAssets.js";
import type { HandleInbound, InboundMessage } from "../../src/conversations/InboundMessage.js";
import type { OutMessage } from "../../src/engine/types.js";
import type { Prisma } from "../../src/generated/prisma/client.js";
import { createApp } from "../../src/http/createApp.js";
import { createLogger } from "../../src/log/createLogger.js";
import { createTestDatabase, type TestDatabase } from "../support/createTestDatabase.js";

/** Replies the fake inbound handler writes to the outbox, by the text it received. */
const scripted: Record<string, OutMessage[]> = {
  bonjour: [
    {
      text: "Bienvenue sur Relais! Choisissez votre langue:",
      choices: [
        { value: "fr", label: "Francais" },
        { value: "en", label: "English" },
        { value: "sw", label: "Kiswahili" },
      ],
    },
  ],
  // Two replies of one transaction share their instant: their order must survive.
  deux: [{ text: "Premier." }, { text: "Deuxième: Fête" }, { text: "Troisième." }],
  long: [{ text: "a".repeat(161) }],
};

describe("the simulator router", () => {
  let db: TestDatabase;
  let base: string;
  let close: () => void;
  const received: InboundMessage[] = [];
  let failNext = false;

  /**
   * A recording stand-in for the inbound handler: stores the message and its scripted replies the way
   * the real one does (contact by address, inbound row, outbound rows with their outbox items).
   */
  const handleInbound: HandleInbound = async (message) => {
    received.push(message);
    if (failNext) {
      failNext = false;
      throw new Error("engine exploded");
    }
    const prisma = db.prisma;
    return prisma.$transaction(async (tx) => {
      const address = await tx.contactAddress.upsert({
        where: { channel_address: { channel: message.channel, address: message.address } },
        update: {},
        create: {
          channel: message.channel,
          address: message.address,
          contact: { create: { pseudonym: randomUUID(), language: "fr" } },
        },
      });
      const content = message.content;
      const inbound = await tx.message.create({
        data: {
          direction: "inbound",
          channel: message.channel,
          contactId: address.contactId,
          providerMessageId: message.providerMessageId,
          text: content.kind === "text" ? content.text : null,
          payload: content.kind === "text" ? undefined : toJson(content),
          status: "received",
          createdAt: message.receivedAt,
        },
      });
      const now = new Date(message.receivedAt.getTime() + 5);
      const replies = content.kind === "text" ? (scripted[content.text] ?? [{ text: `echo ${content.text}` }]) : [];
      for (const reply of replies) {
        await tx.message.create({
          data: {
            direction: "outbound",
            channel: message.channel,
            contactId: address.contactId,
            text: reply.text,
            status: "queued",
            createdAt: now,
            outbox: {
              create: {
                channel: message.channel,
                recipient: message.address,
                sender: "simulator",
                body: toJson(reply),
                createdAt: now,
              },
            },
          },
        });
      }
      return { status: "processed" as const, messageId: inbound.id };
    });
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const log = createLogger({ level: "silent" });
    const app = createApp({
      log,
      readiness: async () => ({ ready: true }),
      routers: [createSimulatorRouter({ prisma: db.prisma, handleInbound, log })],
    });
    const server = app.listen(0);
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });

  afterAll(async () => {
    close?.();
    await db?.close();
  });

  beforeEach(() => {
    received.length = 0;
  });

  function post(body: unknown): Promise<Response> {
    return fetch(`${base}/simulator/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  }

  async function conversation(query: Record<string, string>) {
    const response = await fetch(`${base}/simulator/api/messages?${new URLSearchParams(query)}`);
    expect(response.status).toBe(200);
    return (await response.json()) as {
      messages: { id: string; direction: string; at: string; text: string; rendered: unknown; status: string }[];
      contact: { language: string | null; optedOut: boolean } | null;
    };
  }

  it("hands the inbound path a normal message from a sim: address", async () => {
    const before = Date.now();
    const response = await post({ channel: "sms", phone: "+243990000001", text: "bonjour" });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual({ status: "processed", messageId: expect.any(String) });

    expect(received).toHaveLength(1);
    const message = received[0];
    expect(message).toMatchObject({
      channel: "sms",
      address: "sim:+243990000001",
      content: { kind: "text", text: "bonjour" },
    });
    expect(message?.providerMessageId).toMatch(/^sim-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(message?.receivedAt).toBeInstanceOf(Date);
    expect(message?.receivedAt.getTime()).toBeGreaterThanOrEqual(before);
  });

  it("gives every message its own provider id, so a repeated text is never taken for a duplicate", async () => {
    await post({ channel: "whatsapp", phone: "+243990000009", text: "same" });
    await post({ channel: "whatsapp", phone: "+243990000009", text: "same" });
    expect(received[0]?.providerMessageId).not.toBe(received[1]?.providerMessageId);
  });

  it("normalises a typed phone number, and reads Telegram chat ids, locations and /start like the channels do", async () => {
    expect((await post({ channel: "whatsapp", phone: "243 99-000.0002", text: "salut" })).status).toBe(200);
    expect(
      (await post({ channel: "whatsapp", phone: "+243990000002", location: { latitude: -5.9475, longitude: 29.1947 } }))
        .status,
    ).toBe(200);
    expect((await post({ channel: "telegram", phone: "712345678", text: "/start" })).status).toBe(200);
    expect((await post({ channel: "telegram", phone: "712345678", text: "/start alert" })).status).toBe(200);
    expect(received.map((m) => [m.channel, m.address, m.content])).toEqual([
      ["whatsapp", "sim:+243990000002", { kind: "text", text: "salut" }],
      ["whatsapp", "sim:+243990000002", { kind: "location", latitude: -5.9475, longitude: 29.1947 }],
      ["telegram", "sim:712345678", { kind: "start" }],
      ["telegram", "sim:712345678", { kind: "start", flowId: "alert" }],
    ]);
  });

  it.each([
    ["no body", undefined, ""],
    ["an unknown channel", { channel: "fax", phone: "+243990000001", text: "x" }, "channel"],
    ["a phone with letters", { channel: "sms", phone: "+24399abc0001", text: "x" }, "phone"],
    ["a telegram id with a plus", { channel: "telegram", phone: "+712345678", text: "x" }, "phone"],
    ["neither text nor location", { channel: "sms", phone: "+243990000001" }, "text"],
    [
      "both text and location",
      { channel: "whatsapp", phone: "+243990000001", text: "x", location: { latitude: 1, longitude: 2 } },
      "text",
    ],
    ["an empty text", { channel: "sms", phone: "+243990000001", text: "" }, "text"],
    ["a blank text", { channel: "sms", phone: "+243990000001", text: "   " }, "text"],
    ["a text over 1600 characters", { channel: "sms", phone: "+243990000001", text: "a".repeat(1601) }, "text"],
    [
      "a location on SMS",
      { channel: "sms", phone: "+243990000001", location: { latitude: 1, longitude: 2 } },
      "location",
    ],
    [
      "a latitude out of range",
      { channel: "telegram", phone: "42", location: { latitude: 91, longitude: 2 } },
      "location.latitude",
    ],
  ])("answers 400 with the zod issues for %s, and calls nothing", async (_name, body, path) => {
    const response =
      body === undefined ? await fetch(`${base}/simulator/api/messages`, { method: "POST" }) : await post(body);
    expect(response.status).toBe(400);
    const answer = await response.json();
    expect(answer).toMatchObject({ error: "bad_request" });
    expect(answer.details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    expect(received).toHaveLength(0);
  });

  it("answers 400 to malformed JSON and 413 to a body over 16 kB", async () => {
    expect((await post("{")).status).toBe(400);
    const big = await post({ channel: "sms", phone: "+243990000001", text: "x", pad: "y".repeat(17_000) });
    expect(big.status).toBe(413);
    expect(received).toHaveLength(0);
  });

  it("answers 500 without details when the inbound path fails", async () => {
    failNext = true;
    const response = await post({ channel: "sms", phone: "+243990000077", text: "boom" });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: "internal", message: "internal error" });
  });

  it("shows an SMS conversation as the phone would: numbered text, encoding and segments", async () => {
    const phone = "+243990000101";
    await post({ channel: "sms", phone, text: "bonjour" });
    await post({ channel: "sms", phone, text: "long" });
    const { messages, contact } = await conversation({ channel: "sms", phone });
    expect(contact).toEqual({ language: "fr", optedOut: false });
    expect(messages.map((m) => [m.direction, m.text])).toEqual([
      ["inbound", "bonjour"],
      ["outbound", "Bienvenue sur Relais! Choisissez votre langue:\n1. Francais\n2. English\n3. Kiswahili"],
      ["inbound", "long"],
      ["outbound", "a".repeat(161)],
    ]);
    expect(messages[0]?.rendered).toBeNull();
    expect(messages[1]?.rendered).toEqual({
      kind: "text",
      text: "Bienvenue sur Relais! Choisissez votre langue:\n1. Francais\n2. English\n3. Kiswahili",
      sms: { encoding: "GSM-7", segments: 1, length: 82 },
    });
    expect(messages[3]?.rendered).toMatchObject({ sms: { encoding: "GSM-7", segments: 2, length: 161 } });
    expect(messages[1]?.status).toBe("queued");
    for (const m of messages) expect(new Date(m.at).toISOString()).toBe(m.at);
  });

  it("keeps the order of replies written in one instant, inbound first, and counts UCS-2", async () => {
    const phone = "+243990000102";
    await post({ channel: "sms", phone, text: "deux" });
    const { messages } = await conversation({ channel: "sms", phone });
    expect(messages.map((m) => m.text)).toEqual(["deux", "Premier.", "Deuxième: Fête", "Troisième."]);
    expect(messages[2]?.rendered).toEqual({
      kind: "text",
      text: "Deuxième: Fête",
      sms: { encoding: "UCS-2", segments: 1, length: 14 },
    });
  });

  it("shows WhatsApp as numbered text without SMS counts, and a location pin", async () => {
    const phone = "+243990000103";
    await post({ channel: "whatsapp", phone, text: "bonjour" });
    await post({ channel: "whatsapp", phone, location: { latitude: -5.9475, longitude: 29.1947 } });
    const { messages } = await conversation({ channel: "whatsapp", phone });
    expect(messages[1]?.rendered).toEqual({
      kind: "text",
      text: "Bienvenue sur Relais! Choisissez votre langue:\n1. Francais\n2. English\n3. Kiswahili",
    });
    expect(messages[2]).toMatchObject({ direction: "inbound", text: "📍 -5.9475, 29.1947", rendered: null });
  });

  it("shows Telegram messages with their inline keyboard, one button per row", async () => {
    const phone = "555000111";
    await post({ channel: "telegram", phone, text: "bonjour" });
    const { messages } = await conversation({ channel: "telegram", phone });
    expect(messages[1]?.rendered).toEqual({
      kind: "telegram",
      text: "Bienvenue sur Relais! Choisissez votre langue:",
      buttons: [
        [{ text: "Francais", callback_data: "1" }],
        [{ text: "English", callback_data: "2" }],
        [{ text: "Kiswahili", callback_data: "3" }],
      ],
    });
    expect(messages[1]?.text).toBe("Bienvenue sur Relais! Choisissez votre langue:");
  });

  it("keeps each (channel, phone) conversation apart and leaves out the contact's other addresses", async () => {
    const phone = "+243990000104";
    await post({ channel: "sms", phone, text: "sur sms" });
    await post({ channel: "whatsapp", phone, text: "sur whatsapp" });
    await post({ channel: "sms", phone: "+243990000105", text: "autre" });
    // The same contact also writes from a real SMS number: not part of the simulated conversation.
    const address = await db.prisma.contactAddress.findUniqueOrThrow({
      where: { channel_address: { channel: "sms", address: `sim:${phone}` } },
    });
    await db.prisma.message.create({
      data: {
        direction: "inbound",
        channel: "sms",
        contactId: address.contactId,
        providerMessageId: "SM0123456789abcdef",
        text: "real phone",
        status: "received",
      },
    });
    const sms = await conversation({ channel: "sms", phone });
    expect(sms.messages.map((m) => m.text)).toEqual(["sur sms", "echo sur sms"]);
    const whatsapp = await conversation({ channel: "whatsapp", phone });
    expect(whatsapp.messages.map((m) => m.text)).toEqual(["sur whatsapp", "echo sur whatsapp"]);
    expect(await conversation({ channel: "sms", phone: "+243990009999" })).toEqual({ messages: [], contact: null });
  });

  it("returns only what was stored after `after`, for polling", async () => {
    const phone = "+243990000106";
    await post({ channel: "sms", phone, text: "un" });
    const first = await conversation({ channel: "sms", phone });
    const last = first.messages.at(-1);
    expect(last).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await post({ channel: "sms", phone, text: "deux" });
    const next = await conversation({ channel: "sms", phone, after: last?.at ?? "" });
    expect(next.messages.map((m) => m.text)).toEqual(["deux", "Premier.", "Deuxième: Fête", "Troisième."]);
    const offset = await conversation({ channel: "sms", phone, after: "2000-01-01T02:00:00+02:00" });
    expect(offset.messages).toHaveLength(6);
  });

  it.each([
    ["a missing phone", { channel: "sms" }],
    ["a bad channel", { channel: "web", phone: "+243990000001" }],
    ["a bad instant", { channel: "sms", phone: "+243990000001", after: "yesterday" }],
  ])("answers 400 to a conversation query with %s", async (_name, query) => {
    const response = await fetch(`${base}/simulator/api/messages?${new URLSearchParams(query)}`);
    expect(response.status).toBe(400);
  });

  it("lists focal points with a sim: address as quick contacts, and only those", async () => {
    expect(await (await fetch(`${base}/simulator/api/contacts`)).json()).toEqual({ contacts: [] });
    await db.prisma.focalPoint.create({
      data: {
        code: "FP-DEMO-1",
        name: "Amani (demo)",
        role: "cls_member",
        contact: {
          create: {
            pseudonym: randomUUID(),
            addresses: {
              create: [
                { channel: "sms", address: "sim:+243990000201" },
                { channel: "telegram", address: "sim:900000201" },
                { channel: "whatsapp", address: "+243990000201" },
              ],
            },
          },
        },
      },
    });
    await db.prisma.focalPoint.create({
      data: {
        code: "FP-REAL-1",
        name: "Real phone",
        role: "pnc_liaison",
        contact: {
          create: { pseudonym: randomUUID(), addresses: { create: { channel: "sms", address: "+243990000202" } } },
        },
      },
    });
    const { contacts } = await (await fetch(`${base}/simulator/api/contacts`)).json();
    expect(contacts).toHaveLength(2);
    expect(contacts).toEqual(
      expect.arrayContaining([
        { code: "FP-DEMO-1", name: "Amani (demo)", role: "cls_member", channel: "sms", phone: "+243990000201" },
        { code: "FP-DEMO-1", name: "Amani (demo)", role: "cls_member", channel: "telegram", phone: "900000201" },
      ]),
    );
  });

  it("serves the page and its assets under the Content-Security-Policy, with no inline script", async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('src="/simulator/assets/simulator.js"');
    expect(html).toContain('href="/simulator/assets/simulator.css"');
    expect(html).toMatch(/role="log"[^>]*aria-live="polite"|aria-live="polite"[^>]*role="log"/s);
    // Every <script> has a src, and no element carries an inline handler (onclick=...).
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\bsrc=/);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);

    const js = await fetch(`${base}/simulator/assets/simulator.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toMatch(/javascript/);
    expect(await js.text()).toBe(await readFile(path.join(findSimulatorAssets(), "simulator.js"), "utf8"));
    const css = await fetch(`${base}/simulator/assets/simulator.css`);
    expect(css.headers.get("content-type")).toContain("text/css");
    expect((await fetch(`${base}/simulator/assets/nope.js`)).status).toBe(404);
  });

  it("finds the page from the sources and from the build output alike", () => {
    const expected = path.resolve("src/web/simulator");
    expect(findSimulatorAssets(path.resolve("src/channels/simulator"))).toBe(expected);
    expect(findSimulatorAssets(path.resolve("dist/src/channels/simulator"))).toBe(expected);
    expect(() => findSimulatorAssets("/")).toThrow(/src\/web\/simulator\/index.html/);
  });
});

function toJson(value: object): Prisma.InputJsonObject {
  return JSON.parse(JSON.stringify(value));
}
