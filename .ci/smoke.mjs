// Smoke test of the built service, as the Docker image runs it (`node dist/src/main.js`):
// starts it on a fresh PGlite folder or a fresh PostgreSQL database, checks /readyz, runs one
// simulator message through the inbound path, and stops it with SIGTERM.
// Usage: node .ci/smoke.mjs [postgresql://...admin url]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";

const adminUrl = process.argv[2];
const dataDir = mkdtempSync(path.join(os.tmpdir(), "relais-smoke-"));
const env = { PATH: process.env.PATH, PORT: "0", DATA_DIR: dataDir, LOG_LEVEL: "warn" };
let dbName;
if (adminUrl) {
  dbName = `relais_smoke_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  env.DATABASE_URL = u.toString();
}
const child = spawn(process.execPath, ["dist/src/main.js"], { env, stdio: ["ignore", "pipe", "inherit"] });
const fail = (message) => {
  console.error(`smoke test failed: ${message}`);
  child.kill("SIGKILL");
  process.exit(1);
};
const timer = setTimeout(() => fail("no 'listening' line within 90 s"), 90_000);
let out = "";
const url = await new Promise((resolve) => {
  child.stdout.on("data", (chunk) => {
    out += chunk;
    const match = /listening on (http:\/\/localhost:\d+)/.exec(out);
    if (match) resolve(match[1]);
  });
});
clearTimeout(timer);
const ready = await fetch(`${url}/readyz`);
if (ready.status !== 200) fail(`/readyz answered ${ready.status}`);
const sent = await fetch(`${url}/simulator/api/messages`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ channel: "sms", phone: "+243990009999", text: "bonjour" }),
});
const body = await sent.json();
if (body.status !== "processed") fail(`simulator message: ${JSON.stringify(body)}`);
const conversation = await (await fetch(`${url}/simulator/api/messages?channel=sms&phone=%2B243990009999`)).json();
if (!conversation.messages.some((m) => m.direction === "outbound")) fail("no reply stored");
child.kill("SIGTERM");
const code = await new Promise((resolve) => child.on("exit", resolve));
if (code !== 0) fail(`exit code ${code} after SIGTERM`);
rmSync(dataDir, { recursive: true, force: true });
if (dbName) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
}
console.log(`smoke test passed (${adminUrl ? "PostgreSQL" : "PGlite"})`);
