/**
 * Crash test: 5,000 signed SMS webhooks from 500 contacts; the service is killed with SIGKILL
 * part-way, restarted, and the unanswered deliveries are sent again (as a provider retries). Then:
 * every delivery answered 200 must be stored, and every reply must reach the fake Twilio API exactly
 * once (compared per recipient, in order, with the outbound messages in the database).
 *
 *   npm run build && npx tsx bench/crashTest.ts [postgres|pglite] [messages=5000] [contacts=500]
 */
import { openDatabase } from "../src/db/openDatabase.js";
import { renderForSms } from "../src/engine/render.js";
import { outboundBodySchema } from "../src/outbox/outboundBodySchema.js";
import { startFakeTwilioApi } from "../test/support/fakeTwilioApi.js";
import { signTwilioRequest } from "../test/support/twilioSignature.js";
import { benchDatabase, startBuiltService, stopChild } from "./support/loadRunner.js";

const kind = process.argv[2] === "pglite" ? "pglite" : "postgres";
const total = Number(process.argv[3] ?? 5000);
const contacts = Number(process.argv[4] ?? 500);
const publicUrl = "https://relais.crash";
const script = ["bonjour", "1", "3", "1", "5", "2", "5", "MENU", "3", "4"];

const fake = await startFakeTwilioApi();
const db = await benchDatabase(kind);
const env = {
  ...db.env,
  PUBLIC_URL: publicUrl,
  TWILIO_ACCOUNT_SID: fake.accountSid,
  TWILIO_AUTH_TOKEN: fake.authToken,
  TWILIO_SMS_FROM: "+15005550006",
  TWILIO_API_BASE_URL: fake.url,
  RATE_SMS_PER_SECOND: "100000",
  PSEUDONYM_SECRET: "crash-pseudonym-secret-0123456789abcdef",
  JOBS_ENABLED: "false",
};
const port = 4400 + Math.floor(Math.random() * 100);
// Twilio reports each accepted message on its StatusCallback, retrying while the service is down.
fake.statusCallbacks = { publicUrl, deliverTo: `http://127.0.0.1:${port}`, retryForMs: 30_000 };
let child = await startBuiltService(env, port);

const deliveries = Array.from({ length: total }, (_, i) => {
  const contact = i % contacts;
  const k = Math.floor(i / contacts);
  return {
    MessageSid: `SM${i.toString(16).padStart(32, "0")}`,
    AccountSid: fake.accountSid,
    From: `+2439930${String(contact).padStart(5, "0")}`,
    To: "+15005550006",
    Body: script[k % script.length] ?? "MENU",
    NumMedia: "0",
  };
});
const answered = new Set<string>();

async function deliver(params: Record<string, string>): Promise<boolean> {
  const path = "/webhooks/twilio/messages";
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-twilio-signature": signTwilioRequest(fake.authToken, `${publicUrl}${path}`, params),
      },
      body: new URLSearchParams(params).toString(),
    });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Sends the deliveries of each contact in order (as a phone would), 32 contacts at a time. */
async function sendAll(list: typeof deliveries, onProgress?: (done: number) => void): Promise<void> {
  const byContact = new Map<string, typeof deliveries>();
  for (const d of list) byContact.set(d.From, [...(byContact.get(d.From) ?? []), d]);
  const queues = [...byContact.values()];
  let done = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let q = queues.shift(); q; q = queues.shift()) {
        for (const d of q) {
          if (await deliver(d)) answered.add(d.MessageSid);
          else break; // a phone's later messages wait until the earlier one is accepted
          onProgress?.(++done);
        }
      }
    }),
  );
}

const started = performance.now();
let killed = false;
await sendAll(deliveries, (done) => {
  if (!killed && done >= total * 0.4) {
    killed = true;
    child.kill("SIGKILL");
  }
});
const answeredBeforeRestart = answered.size;
// The rest of the first pass fails fast once the service is dead: it may have exited long before.
if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once("exit", r));
child = await startBuiltService(env, port);
await sendAll(deliveries.filter((d) => !answered.has(d.MessageSid)));

// Wait until every reply is sent: the items the killed worker had claimed are taken back once their
// lock expires (2 minutes), so wait until the fake API has had no new request for longer than that.
const lockMs = 120_000;
for (let last = -1, stableSince = Date.now(); Date.now() - stableSince < lockMs + 10_000; ) {
  await new Promise((r) => setTimeout(r, 500));
  if (fake.requests.length !== last) {
    last = fake.requests.length;
    stableSince = Date.now();
  }
}
await stopChild(child);
const inspected = await openDatabase({ url: db.url, dataDir: db.env.DATA_DIR ?? "", migrate: false });

const storedSids = new Set(
  (await rows<{ sid: string }>(`SELECT "providerMessageId" AS sid FROM "Message" WHERE direction = 'inbound'`)).map(
    (r) => r.sid,
  ),
);
const lostAnswered = [...answered].filter((sid) => !storedSids.has(sid)).length;
const outbound = await rows<{ recipient: string; body: unknown; status: string }>(
  `SELECT o.recipient, o.body, o.status FROM "OutboxItem" o ORDER BY o."createdAt", o.id`,
);
// What the fake API receives is the SMS rendering of the stored body (text and numbered choices).
const expected = new Map<string, string[]>();
for (const o of outbound) {
  const text = renderForSms(outboundBodySchema.parse(o.body));
  expected.set(o.recipient, [...(expected.get(o.recipient) ?? []), text]);
}
const received = new Map<string, string[]>();
for (const r of fake.requests.filter((r) => r.status < 300)) {
  const to = r.params.To ?? "";
  received.set(to, [...(received.get(to) ?? []), r.params.Body ?? ""]);
}
let duplicates = 0;
let missing = 0;
for (const [recipient, texts] of expected) {
  const got = received.get(recipient) ?? [];
  const counts = new Map<string, number>();
  for (const t of got) counts.set(t, (counts.get(t) ?? 0) + 1);
  for (const t of texts) {
    const c = counts.get(t) ?? 0;
    if (c === 0) missing++;
    else counts.set(t, c - 1);
  }
  for (const c of counts.values()) duplicates += c;
}
const notSent = outbound.filter((o) => o.status !== "sent").length;

console.log(
  `database: ${kind}; deliveries: ${total} from ${contacts} contacts; killed after ${answeredBeforeRestart} answered`,
);
console.log(`answered 200: ${answered.size}; stored: ${storedSids.size}; answered but not stored: ${lostAnswered}`);
console.log(
  `outbound messages: ${outbound.length}; requests to the fake API: ${fake.requests.length}; missing: ${missing}; duplicated: ${duplicates}; not sent: ${notSent}`,
);
console.log(`status callbacks delivered: ${fake.callbacksDelivered}`);
console.log(`took ${((performance.now() - started) / 1000).toFixed(1)} s`);

await inspected.close();
await db.cleanup();
await fake.close();

function rows<T>(sql: string): Promise<T[]> {
  return inspected.prisma.$queryRawUnsafe<T[]>(sql);
}
