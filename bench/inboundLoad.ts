/**
 * Inbound throughput and latency of signed SMS webhooks, through a flow step, on PGlite and on
 * PostgreSQL, beside the floor (a bare handler that checks the signature and inserts one row).
 * Replies drain to a local fake Twilio API. After a 10 s warm-up at 50/s (each of the 500 contacts'
 * first message, the JIT), open-loop fixed rates, then a closed loop for the maximum.
 *
 *   npm run build && npx tsx bench/inboundLoad.ts [seconds-per-rate=10] [rates=100,200,400,600]
 */
import { spawn } from "node:child_process";
import { startFakeTwilioApi } from "../test/support/fakeTwilioApi.js";
import { signTwilioRequest } from "../test/support/twilioSignature.js";
import {
  benchDatabase,
  closedLoop,
  formatRow,
  type LoadResult,
  openLoop,
  postLocal,
  startBuiltService,
  stopChild,
} from "./support/loadRunner.js";

const seconds = Number(process.argv[2] ?? 10);
const rates = (process.argv[3] ?? "100,200,400,600").split(",").map(Number);
const publicUrl = "https://relais.bench";
const script = ["bonjour", "1", "3", "1", "5", "2", "5", "MENU", "3", "4"];

const twilioFake = await startFakeTwilioApi();
const env = {
  PUBLIC_URL: publicUrl,
  TWILIO_ACCOUNT_SID: twilioFake.accountSid,
  TWILIO_AUTH_TOKEN: twilioFake.authToken,
  TWILIO_SMS_FROM: "+15005550006",
  TWILIO_API_BASE_URL: twilioFake.url,
  RATE_SMS_PER_SECOND: "100000",
  PSEUDONYM_SECRET: "bench-pseudonym-secret-0123456789abcdef",
  JOBS_ENABLED: "false",
};

let sid = 0;
function poster(port: number, contacts: number) {
  const perContact = new Map<number, number>();
  return async (i: number) => {
    const contact = i % contacts;
    const k = perContact.get(contact) ?? 0;
    perContact.set(contact, k + 1);
    const params = {
      MessageSid: `SM${(++sid).toString(16).padStart(32, "0")}`,
      AccountSid: twilioFake.accountSid,
      From: `+2439920${String(contact).padStart(5, "0")}`,
      To: "+15005550006",
      Body: script[k % script.length] ?? "MENU",
      NumMedia: "0",
    };
    const path = "/webhooks/twilio/messages";
    const body = new URLSearchParams(params).toString();
    const status = await postLocal(
      port,
      path,
      {
        "content-type": "application/x-www-form-urlencoded",
        "x-twilio-signature": signTwilioRequest(twilioFake.authToken, `${publicUrl}${path}`, params),
      },
      body,
    ).catch(failedWith);
    if (status === false) return false;
    if (status !== 200) failures.set(`HTTP ${status}`, (failures.get(`HTTP ${status}`) ?? 0) + 1);
    return status === 200;
  };
}

/** Why deliveries were not answered 200 (status, or the client-side error), counted over the run. */
const failures = new Map<string, number>();
function failedWith(error: unknown): false {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  const reason = `${error instanceof Error ? error.message : String(error)}${cause}`;
  failures.set(reason, (failures.get(reason) ?? 0) + 1);
  return false;
}

console.log(
  "| target | offered | answered 200 | throughput | p50 | p99 | replies sent |\n|---|---|---|---|---|---|---|",
);
// BENCH_DATABASES=postgres (or pglite) runs one database only.
const kinds = (["postgres", "pglite"] as const).filter((k) =>
  (process.env.BENCH_DATABASES ?? k).split(",").includes(k),
);
for (const kind of kinds) {
  for (const target of ["floor", "relais"] as const) {
    const db = await benchDatabase(kind);
    const port = 4200 + Math.floor(Math.random() * 100);
    const child =
      target === "relais"
        ? await startBuiltService({ ...env, ...db.env }, port)
        : await startFloor({ ...env, ...db.env }, port);
    try {
      const fire = poster(port, 500);
      // Warm-up, not reported: every contact's first message (contact creation) and the JIT.
      await openLoop(50, 10, fire);
      // Replies the fake Twilio API received during the step: whether the outbox keeps up.
      const withReplies = async (run: Promise<LoadResult>) => {
        const before = twilioFake.requests.length;
        const result = await run;
        const replies = (twilioFake.requests.length - before) / result.seconds;
        return `${formatRow(`${target}, ${kind}`, result)} ${target === "floor" ? "-" : `${replies.toFixed(0)}/s`} |`;
      };
      for (const rate of kind === "pglite" ? rates.filter((r) => r <= 200) : rates) {
        console.log(await withReplies(openLoop(rate, seconds, fire)));
      }
      console.log(await withReplies(closedLoop(32, seconds, fire)));
    } finally {
      await stopChild(child);
      await db.cleanup();
    }
  }
}
await twilioFake.close();
console.log(`\nreplies received by the fake Twilio API: ${twilioFake.requests.length}`);
if (failures.size > 0) console.log(`not answered 200: ${JSON.stringify(Object.fromEntries(failures))}`);

async function startFloor(floorEnv: Record<string, string>, port: number) {
  const child = spawn("node_modules/.bin/tsx", ["bench/support/floorServer.ts"], {
    env: { PATH: process.env.PATH ?? "", PORT: String(port), ...floorEnv },
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (let i = 0; i < 600; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    if (res?.status === 200) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("floor server did not start");
}
