/**
 * The fake Twilio API in a process of its own, for bench/outboxDrain.ts: the drain rate then
 * measures the worker and the database, not the fake sharing their CPU and event loop. Prints its
 * URL and credentials as one JSON line; on "count" (stdin) prints what it received since the last
 * count: requests, distinct recipients, arrival times (ms, its own clock).
 */
import { createInterface } from "node:readline";
import { startFakeTwilioApi } from "../test/support/fakeTwilioApi.js";

const api = await startFakeTwilioApi();
process.stdout.write(`${JSON.stringify({ url: api.url, accountSid: api.accountSid, authToken: api.authToken })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line === "count") {
    const distinct = new Set(api.requests.map((r) => r.params.To)).size;
    const times = api.requests.map((r) => r.at);
    process.stdout.write(`${JSON.stringify({ requests: api.requests.length, distinct, times })}\n`);
    api.requests.length = 0;
  }
}
await api.close();
