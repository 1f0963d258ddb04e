/**
 * Engine throughput, in process: runs scripted conversations over the real flows and texts with a
 * fake `feedback.create`, and prints flow steps per second and inbound messages per second.
 * No database, no channel: this measures the engine alone. Run: `npx tsx bench/engineSteps.ts [seconds]`.
 */
import { fileURLToPath } from "node:url";
import {
  type ActionRegistry,
  type ConversationState,
  createEngine,
  createI18n,
  type Inbound,
  loadFlows,
} from "../src/engine/index.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const seconds = Number(process.argv[2] ?? 3);

const i18n = createI18n({ localesDir: `${root}locales`, languages: ["fr", "en", "sw"], fallback: "fr" });
let refs = 0;
const actions: ActionRegistry = {
  "feedback.create": async () => ({ outcome: "ok", variables: { ref: `F-${++refs}` } }),
};
const flows = loadFlows({ flowsDir: `${root}flows`, i18n, actionNames: Object.keys(actions) });
const engine = createEngine({ flows, i18n, actions });

/** One contact's session: welcome, information, back, feedback with an invalid reply and help, then STOP and START. */
const script = [
  "bonjour",
  "2",
  "3",
  "1",
  "1",
  "5",
  "4",
  "9",
  "aide",
  "3",
  "Water point broken",
  "menu",
  "stop",
  "start",
];

async function conversation(): Promise<{ steps: number; messages: number }> {
  let state: ConversationState | null = null;
  const contact = { id: "bench", language: null as string | null, optedOut: false };
  let steps = 0;
  for (const text of script) {
    const inbound: Inbound = { kind: "text", text };
    const result = await engine.handle({ contact, channel: "sms", now: new Date() }, state, inbound);
    state = result.state;
    steps += result.steps;
    if (result.contact?.language !== undefined) contact.language = result.contact.language;
    if (result.contact?.optedOut !== undefined) contact.optedOut = result.contact.optedOut;
  }
  return { steps, messages: script.length };
}

// Warm up the JIT, then measure.
for (let i = 0; i < 200; i++) await conversation();
let steps = 0;
let messages = 0;
const started = performance.now();
const deadline = started + seconds * 1000;
while (performance.now() < deadline) {
  const run = await conversation();
  steps += run.steps;
  messages += run.messages;
}
const elapsed = (performance.now() - started) / 1000;
console.log(`engine steps/s: ${Math.round(steps / elapsed)}`);
console.log(
  `inbound messages/s: ${Math.round(messages / elapsed)} (${steps} steps, ${messages} messages in ${elapsed.toFixed(1)} s)`,
);
