import { describe, expect, it } from "vitest";
import { foldText, matchKeyword, parseCommand } from "../../src/engine/index.js";

describe("matchKeyword", () => {
  it.each([
    ["STOP", "stop"],
    ["stop", "stop"],
    ["  Stop. ", "stop"],
    ["ARRET", "stop"],
    ["Arrêt !", "stop"],
    ["arrêter", "stop"],
    ["acha", "stop"],
    ["SITISHA", "stop"],
    ["START", "start"],
    ["Démarrer", "start"],
    ["anza", "start"],
    ["/start", "start"],
    ["Menu", "menu"],
    ["menyu", "menu"],
    ["/menu", "menu"],
    ["AIDE", "help"],
    ["help?", "help"],
    ["Msaada", "help"],
    ["langue", "language"],
    ["LANGUAGE", "language"],
    ["lugha", "language"],
    ["Alerte", "alert"],
    ["ALERT", "alert"],
    ["tahadhari!", "alert"],
  ])("%j is %s", (text, keyword) => {
    expect(matchKeyword(text)).toBe(keyword);
  });

  it.each([["stop it"], ["please stop"], ["menu 2"], ["alerte incendie"], ["1"], [""], ["bonjour"]])(
    "%j is not a keyword (only the whole message counts)",
    (text) => {
      expect(matchKeyword(text)).toBeNull();
    },
  );

  it("folds case, accents, spaces and trailing punctuation", () => {
    expect(foldText("  Aujourd\u2019hui   ÇA   va ?! ")).toBe("aujourd'hui ca va");
  });
});

describe("parseCommand", () => {
  it.each([
    ["OK 1042", { kind: "ack", ref: { prefix: null, number: 1042, text: "1042" } }],
    ["ok A-1042", { kind: "ack", ref: { prefix: "A", number: 1042, text: "A-1042" } }],
    ["Ok a1042", { kind: "ack", ref: { prefix: "A", number: 1042, text: "A-1042" } }],
    ["sawa #1042", { kind: "ack", ref: { prefix: null, number: 1042, text: "1042" } }],
    ["FIN A-1042", { kind: "close", ref: { prefix: "A", number: 1042, text: "A-1042" } }],
    [
      "fin 1042 Calme revenu, PNC sur place",
      { kind: "close", ref: { prefix: null, number: 1042, text: "1042" }, note: "Calme revenu, PNC sur place" },
    ],
    ["CLOSE a 1042", { kind: "close", ref: { prefix: "A", number: 1042, text: "A-1042" } }],
    ["ACCEPTE R-2031", { kind: "accept", ref: { prefix: "R", number: 2031, text: "R-2031" } }],
    ["accept r2031", { kind: "accept", ref: { prefix: "R", number: 2031, text: "R-2031" } }],
    ["kubali R-2031", { kind: "accept", ref: { prefix: "R", number: 2031, text: "R-2031" } }],
    [
      "REFUSE R-2031 pas de capacité",
      { kind: "decline", ref: { prefix: "R", number: 2031, text: "R-2031" }, reason: "pas de capacité" },
    ],
    ["Décline R-2031", { kind: "decline", ref: { prefix: "R", number: 2031, text: "R-2031" } }],
  ])("%j", (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it.each([["OK"], ["ok merci"], ["fin"], ["bonjour 1042"], ["1042"], ["STOP"], ["ok ABC-12"]])(
    "%j is not a command",
    (text) => {
      expect(parseCommand(text)).toBeNull();
    },
  );
});
