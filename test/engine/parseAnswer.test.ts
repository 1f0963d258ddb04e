import { describe, expect, it } from "vitest";
import { type AskStep, askStepSchema, type Inbound, parseAnswer, parseDate } from "../../src/engine/index.js";

const now = new Date("2026-11-24T08:00:00Z");
const options = { defaultRegion: "CD", timeZone: "Africa/Lubumbashi", now, yesNoLabels: ["Oui", "Non"] } as const;

function ask(fields: Record<string, unknown>): AskStep {
  return askStepSchema.parse({ kind: "ask", text: "test:prompt", next: "done", ...fields });
}

function text(value: string): Inbound {
  return { kind: "text", text: value };
}

describe("parseDate", () => {
  it.each([
    ["23/11/2026", "2026-11-23"],
    ["23-11-2026", "2026-11-23"],
    ["23.11.2026", "2026-11-23"],
    ["3/1/26", "2026-01-03"],
    ["2026-11-23", "2026-11-23"],
    ["23/11", "2026-11-23"],
    ["today", "2026-11-24"],
    ["Aujourd'hui", "2026-11-24"],
    ["aujourd\u2019hui", "2026-11-24"],
    ["leo", "2026-11-24"],
    ["yesterday", "2026-11-23"],
    ["HIER", "2026-11-23"],
    ["jana", "2026-11-23"],
    ["avant-hier", "2026-11-22"],
    ["juzi", "2026-11-22"],
  ])("%j is %s", (input, expected) => {
    expect(parseDate(input, now, "Africa/Lubumbashi")).toBe(expected);
  });

  it.each([["31/02/2026"], ["32/01/2026"], ["13/13/2026"], ["demain"], ["23 novembre"], ["1042"]])(
    "%j is not a date",
    (input) => {
      expect(parseDate(input, now, "Africa/Lubumbashi")).toBeNull();
    },
  );

  it("reads 'today' in the configured time zone", () => {
    // 23:30 UTC on the 23rd is already the 24th in Kalemie (UTC+2).
    const lateEvening = new Date("2026-11-23T23:30:00Z");
    expect(parseDate("leo", lateEvening, "Africa/Lubumbashi")).toBe("2026-11-24");
    expect(parseDate("leo", lateEvening, "UTC")).toBe("2026-11-23");
  });
});

describe("parseAnswer", () => {
  it("free text is trimmed and must not be empty or too long", () => {
    const step = ask({ input: "text", maxLength: 10 });
    expect(parseAnswer(step, text("  il y a un conflit "), options)).toEqual({ status: "invalid" });
    expect(parseAnswer(step, text(" conflit "), options)).toEqual({ status: "ok", value: "conflit" });
    expect(parseAnswer(step, text("   "), options)).toEqual({ status: "invalid" });
    expect(parseAnswer(step, { kind: "media", url: "https://x/y.jpg", contentType: "image/jpeg" }, options)).toEqual({
      status: "invalid",
    });
  });

  it("numbers accept a decimal comma and respect min, max and integer", () => {
    const step = ask({ input: "number", min: 1, max: 120, integer: true });
    expect(parseAnswer(step, text("34"), options)).toEqual({ status: "ok", value: 34 });
    expect(parseAnswer(step, text("0"), options)).toEqual({ status: "invalid" });
    expect(parseAnswer(step, text("121"), options)).toEqual({ status: "invalid" });
    expect(parseAnswer(step, text("3,5"), options)).toEqual({ status: "invalid" });
    expect(parseAnswer(step, text("trente"), options)).toEqual({ status: "invalid" });
    expect(parseAnswer(ask({ input: "number" }), text("3,5"), options)).toEqual({ status: "ok", value: 3.5 });
  });

  it.each([
    ["oui", true],
    ["OUI!", true],
    ["yes", true],
    ["ndiyo", true],
    ["1", true],
    ["non", false],
    ["No", false],
    ["hapana", false],
    ["2", false],
  ])("yes/no %j is %s", (input, value) => {
    expect(parseAnswer(ask({ input: "yesno" }), text(input), options)).toEqual({ status: "ok", value });
  });

  it("yes/no rejects anything else", () => {
    expect(parseAnswer(ask({ input: "yesno" }), text("peut-etre"), options)).toEqual({ status: "invalid" });
  });

  it("phone numbers use the default region and come back as E.164", () => {
    const step = ask({ input: "phone" });
    expect(parseAnswer(step, text("0812345678"), options)).toEqual({ status: "ok", value: "+243812345678" });
    expect(parseAnswer(step, text("+243 81 234 5678"), options)).toEqual({ status: "ok", value: "+243812345678" });
    expect(parseAnswer(step, text("12345"), options)).toEqual({ status: "invalid" });
    const guinea = ask({ input: "phone", region: "GN" });
    expect(parseAnswer(guinea, text("622 12 34 56"), options)).toEqual({ status: "ok", value: "+224622123456" });
  });

  it("dates come back as YYYY-MM-DD", () => {
    expect(parseAnswer(ask({ input: "date" }), text("hier"), options)).toEqual({ status: "ok", value: "2026-11-23" });
    expect(parseAnswer(ask({ input: "date" }), text("30/02"), options)).toEqual({ status: "invalid" });
  });

  it("locations take a pin, and text only when acceptText is set", () => {
    const pin: Inbound = { kind: "location", latitude: -5.94, longitude: 29.19, label: "Kalemie" };
    const strict = ask({ input: "location" });
    expect(parseAnswer(strict, pin, options)).toEqual({
      status: "ok",
      value: { latitude: -5.94, longitude: 29.19, label: "Kalemie" },
    });
    expect(parseAnswer(strict, text("marché de Kalemie"), options)).toEqual({ status: "invalid" });
    const lenient = ask({ input: "location", acceptText: true });
    expect(parseAnswer(lenient, text(" marché de Kalemie "), options)).toEqual({
      status: "ok",
      value: { text: "marché de Kalemie" },
    });
  });
});
