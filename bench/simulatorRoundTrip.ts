/**
 * Simulator round trip (message in → reply stored in the outbox), p50/p99, at 20 messages/s from
 * 200 contacts, on PGlite and on PostgreSQL. Each contact walks welcome → menu → information.
 *
 *   npm run build && npx tsx bench/simulatorRoundTrip.ts [seconds=30]
 */
import { benchDatabase, formatRow, openLoop, startBuiltService, stopChild, tableHeader } from "./support/loadRunner.js";

const seconds = Number(process.argv[2] ?? 30);
const script = ["bonjour", "1", "3", "1", "5", "2", "5", "MENU", "3", "4"];

console.log(tableHeader);
for (const kind of ["pglite", "postgres"] as const) {
  const db = await benchDatabase(kind);
  const port = 4100 + (kind === "pglite" ? 1 : 2);
  const child = await startBuiltService(db.env, port);
  try {
    const sentPerContact = new Map<number, number>();
    const result = await openLoop(20, seconds, async (i) => {
      const contact = i % 200;
      const k = sentPerContact.get(contact) ?? 0;
      sentPerContact.set(contact, k + 1);
      const res = await fetch(`http://127.0.0.1:${port}/simulator/api/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          channel: "sms",
          phone: `+2439910${String(contact).padStart(5, "0")}`,
          text: script[k % script.length],
        }),
      });
      await res.arrayBuffer();
      return res.status === 200;
    });
    console.log(formatRow(`simulator round trip, ${kind}`, result));
  } finally {
    await stopChild(child);
    await db.cleanup();
  }
}
