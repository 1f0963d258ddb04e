import { describe, expect, it } from "vitest";
import { parseChoice } from "../../src/engine/index.js";

const labels = ["Un remerciement", "Une suggestion", "Une plainte", "Une plainte sensible", "Menu principal"];

describe("parseChoice", () => {
  it.each([
    ["1", 0],
    [" 1.", 0],
    ["1)", 0],
    ["#1", 0],
    ["# 2 ", 1],
    ["5", 4],
    ["menu principal", 4],
    ["MENU PRINCIPAL!", 4],
    ["un remerciement", 0],
    ["Une plainte", 2],
    ["une   plainte", 2],
    ["une suggest", 1],
    ["me", 4],
    ["une plainte s", 3],
    ["plainte sensible", 3],
    ["sensible", 3],
    ["plainte", 2],
    ["suggestion", 1],
    ["principal", 4],
  ])("%j picks choice %i", (text, index) => {
    expect(parseChoice(text, labels)).toEqual({ status: "ok", index });
  });

  it.each([
    ["0"],
    ["6"],
    ["12"],
    [""],
    ["   "],
    ["u"],
    ["une"],
    ["une plainte tres grave"],
    ["pl"],
    ["ne"],
    ["merci"],
    ["1 2"],
  ])("%j is invalid", (text) => {
    expect(parseChoice(text, labels)).toEqual({ status: "invalid" });
  });

  it("ignores accents and case on both sides", () => {
    expect(parseChoice("FRANCAIS", ["Français", "English"])).toEqual({ status: "ok", index: 0 });
    expect(parseChoice("sécurité", ["Securite", "Sante"])).toEqual({ status: "ok", index: 0 });
    expect(parseChoice("alerte se", ["Alerte sécurité", "Alerte santé"])).toEqual({ status: "ok", index: 0 });
  });
});
