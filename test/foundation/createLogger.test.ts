import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/log/createLogger.js";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { lines, log: createLogger({ level: "debug", destination }) };
}

describe("createLogger", () => {
  it("never writes phone numbers, names, message text or tokens", () => {
    const { lines, log } = capture();
    log.info(
      {
        from: "whatsapp:+243990000012",
        to: "+224 620 00 00 01",
        body: "Des hommes armés à Tumbwe",
        name: "Amani Kalume",
        contact: { displayName: "Amani Kalume", address: "+243990000012", language: "sw" },
        headers: { "x-twilio-signature": "abc=", authorization: "Bearer tok" },
        url: "https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage",
        messageSid: "SM0123456789abcdef0123456789abcdef",
      },
      "inbound from +243 990 000 012 with token 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
    );
    log.error({ err: new Error("send to +243990000099 failed") }, "outbox");
    const out = lines.join("");
    for (const secret of [
      "243990000012",
      "+243 990 000 012",
      "620 00 00 01",
      "armés",
      "Amani",
      "Kalume",
      "Bearer",
      "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
      "243990000099",
    ]) {
      expect(out).not.toContain(secret);
    }
    // What is needed to trace a message stays.
    expect(out).toContain("SM0123456789abcdef0123456789abcdef");
    expect(out).toContain('"language":"sw"');
    expect(out).toContain("outbox");
    expect(out).toContain('"type":"Error"');
  });

  it("keeps short numbers such as counts and durations", () => {
    const { lines, log } = capture();
    log.info({ ms: 1234, count: 42 }, "took 1234 ms for 42 rows");
    expect(lines.join("")).toContain("took 1234 ms for 42 rows");
  });
});
