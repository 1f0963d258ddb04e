import { describe, expect, it } from "vitest";
import { describeSms, isGsm7, smsSegments } from "../../src/engine/index.js";

describe("smsSegments", () => {
  it.each([
    ["empty", "", "GSM-7", 0, 0],
    ["160 plain characters fit one segment", "a".repeat(160), "GSM-7", 160, 1],
    ["161 plain characters need two", "a".repeat(161), "GSM-7", 161, 2],
    ["306 plain characters fit two parts of 153", "a".repeat(306), "GSM-7", 306, 2],
    ["307 plain characters need three", "a".repeat(307), "GSM-7", 307, 3],
    ["é è ù ì ò à É Ç are in the GSM-7 basic set", "éèùìòàÉÇ", "GSM-7", 8, 1],
    ["€ counts two septets", "€", "GSM-7", 2, 1],
    ["^{}[]~\\| count two septets each", "^{}[]~\\|", "GSM-7", 16, 1],
    ["80 € signs are 160 septets: one segment", "€".repeat(80), "GSM-7", 160, 1],
    ["ê is not GSM-7", "Fête", "UCS-2", 4, 1],
    ["lowercase ç is not GSM-7", "reçu", "UCS-2", 4, 1],
    ["curly quotes are not GSM-7", "l\u2019alerte", "UCS-2", 8, 1],
    ["70 UCS-2 units fit one segment", "ê".repeat(70), "UCS-2", 70, 1],
    ["71 UCS-2 units need two", "ê".repeat(71), "UCS-2", 71, 2],
    ["134 UCS-2 units fit two parts of 67", "ê".repeat(134), "UCS-2", 134, 2],
    ["an emoji counts two UTF-16 units", "ok 👍", "UCS-2", 5, 1],
  ])("%s", (_name, text, encoding, length, segments) => {
    expect(smsSegments(text)).toEqual({ encoding, length, segments });
  });

  it("never splits an escape pair across two parts", () => {
    // 152 plain septets then €: the pair does not fit in the first 153-septet part.
    expect(smsSegments(`${"a".repeat(152)}€${"a".repeat(8)}`)).toEqual({ encoding: "GSM-7", length: 162, segments: 2 });
    expect(smsSegments(`${"a".repeat(152)}€${"a".repeat(152)}`).segments).toBe(3);
  });

  it("never splits a surrogate pair across two parts", () => {
    expect(smsSegments(`${"ê".repeat(66)}👍${"ê".repeat(66)}`).segments).toBe(3);
    expect(smsSegments(`${"ê".repeat(65)}👍${"ê".repeat(67)}`).segments).toBe(2);
  });

  it("isGsm7 and describeSms agree with smsSegments", () => {
    expect(isGsm7("Réponse: 1. Oui")).toBe(true);
    expect(isGsm7("Forêt")).toBe(false);
    expect(describeSms("hello")).toEqual(smsSegments("hello"));
  });
});
