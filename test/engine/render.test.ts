import { describe, expect, it } from "vitest";
import { describeSms, parseChoice, renderForSms, renderForTelegram } from "../../src/engine/index.js";

const menu = {
  text: "Menu principal:",
  choices: [
    { value: "information", label: "Informations" },
    { value: "feedback", label: "Avis et plaintes" },
  ],
};

describe("render", () => {
  it("SMS and WhatsApp: the text then numbered choices", () => {
    expect(renderForSms(menu)).toBe("Menu principal:\n1. Informations\n2. Avis et plaintes");
    expect(renderForSms({ text: "Merci." })).toBe("Merci.");
    expect(renderForSms({ text: "Merci.", choices: [] })).toBe("Merci.");
  });

  it("Telegram: one button per row whose callback_data parses back to the same choice", () => {
    const rendered = renderForTelegram(menu);
    expect(rendered).toEqual({
      text: "Menu principal:",
      inline_keyboard: [
        [{ text: "Informations", callback_data: "1" }],
        [{ text: "Avis et plaintes", callback_data: "2" }],
      ],
    });
    const labels = menu.choices.map((choice) => choice.label);
    rendered.inline_keyboard.forEach((row, index) => {
      expect(parseChoice(row[0]?.callback_data ?? "", labels)).toEqual({ status: "ok", index });
    });
    expect(renderForTelegram({ text: "Merci." }).inline_keyboard).toEqual([]);
  });

  it("describeSms reports what the simulator shows", () => {
    expect(describeSms(renderForSms(menu))).toEqual({ encoding: "GSM-7", length: 51, segments: 1 });
  });
});
