import { describe, expect, it } from "vitest";
import { ALERT_CATEGORIES, ALERT_URGENCIES, FOCAL_POINT_ROLES } from "../../src/alerts/alertCodes.js";
import { parseCloseReason } from "../../src/alerts/commands/parseCloseReason.js";
import { composeNotification, notificationSmsBudget } from "../../src/alerts/notify/composeNotification.js";
import { formatAge } from "../../src/alerts/notify/formatAge.js";
import { toGsm7 } from "../../src/alerts/notify/toGsm7.js";
import { isGsm7, smsSegments } from "../../src/engine/smsSegments.js";
import { realI18n, shippedLanguages } from "../engine/support.js";

const i18n = realI18n();

describe("alert texts outside the flow (notifications, replies, updates)", () => {
  const worst = {
    ref: "A-1000123",
    locationName: "Secteur Nord-Lukuga",
    place: "Près de l'église Saint-Joseph, forêt de Kabimba, à côté du pont sur la rivière Lukuga “en amont”",
    latitude: -5.947_123,
    longitude: 29.194_456,
    description: "Des hommes armés (une vingtaine) sont entrés au village à l'aube, ils ont pillé des maisons ".repeat(
      8,
    ),
    ageMs: 47 * 3_600_000,
    duplicateRefs: ["A-1000120", "A-1000121", "A-1000122"],
  };

  it("fit every focal-point notification in two GSM-7 SMS, in every language, category and urgency", () => {
    for (const language of shippedLanguages) {
      for (const category of ALERT_CATEGORIES) {
        for (const urgency of ALERT_URGENCIES) {
          for (const escalated of [false, true]) {
            const text = composeNotification(i18n, language, "sms", { ...worst, category, urgency, escalated });
            const sms = smsSegments(text);
            expect(sms.encoding, `${language} ${category}`).toBe("GSM-7");
            expect(sms.segments, `${language} ${category} ${urgency}\n${text}`).toBeLessThanOrEqual(
              notificationSmsBudget,
            );
            expect(text).toContain("OK A-1000123");
            expect(text).toContain("FIN A-1000123");
          }
        }
      }
    }
  });

  it("keep the reporter's words whole on Telegram, and shorten them on SMS", () => {
    const facts = { ...worst, category: "armed_group", urgency: "danger_now", escalated: false };
    expect(composeNotification(i18n, "fr", "telegram", facts)).toContain(worst.description.trim());
    const sms = composeNotification(i18n, "fr", "sms", facts);
    expect(sms).toContain('"Des hommes');
    expect(sms).toContain('..."');
    expect(sms).toContain("GPS -5.94712,29.19446");
    // A usual report keeps most of what was written.
    const usual = composeNotification(i18n, "fr", "sms", {
      ...facts,
      ref: "A-1042",
      duplicateRefs: [],
      latitude: null,
      longitude: null,
      place: "Kalunga, près du marché",
      description: worst.description.slice(0, 180),
    });
    expect(usual).toContain("Kalunga, près du marché");
    expect(usual).toContain(worst.description.slice(0, 90));
  });

  it("keep every other text within two SMS segments and GSM-7, with long values", () => {
    const vars = {
      ref: "A-1000123",
      name: "Fictif — Jean-Pierre Lukusa Mwamba",
      role: "point focal provincial",
      reason: "fausse alerte",
      count: 3,
      refs: "A-1000120, A-1000121, A-1000122",
    };
    for (const language of shippedLanguages) {
      for (const key of i18n.keys(language).filter((k) => k.startsWith("alert:"))) {
        const raw = i18n.raw(language, key) ?? "";
        expect(isGsm7(raw), `${language} ${key}`).toBe(true);
        const text = i18n.t(language, key.replace(/_(one|other)$/, ""), vars);
        expect(smsSegments(text).segments, `${language} ${key}: ${text}`).toBeLessThanOrEqual(2);
      }
      for (const role of FOCAL_POINT_ROLES) expect(i18n.has(language, `alert:role.${role}`)).toBe(true);
    }
  });

  it("say how old a report is", () => {
    expect(formatAge(i18n, "fr", 20_000)).toBe("moins d'1 min");
    expect(formatAge(i18n, "fr", 14 * 60_000 + 59_000)).toBe("14 min");
    expect(formatAge(i18n, "sw", 3 * 3_600_000)).toBe("saa 3");
    expect(formatAge(i18n, "en", 72 * 3_600_000)).toBe("3 d");
  });

  it("turn free text into GSM-7", () => {
    expect(toGsm7("Près de l'église, forêt “nord” – 5 km…")).toBe('Près de l\'église, foret "nord" - 5 km...');
    expect(toGsm7("Mgogoro 😡 ça")).toBe("Mgogoro ? ca");
  });
});

describe("reading how a focal point closes an alert", () => {
  it("finds the reason at the start of the note, in any language", () => {
    expect(parseCloseReason("1")).toEqual({ reason: "resolved", rest: "" });
    expect(parseCloseReason("2 voisins en dispute")).toEqual({ reason: "false_alarm", rest: "voisins en dispute" });
    expect(parseCloseReason("Résolue, calme revenu")).toEqual({ reason: "resolved", rest: "calme revenu" });
    expect(parseCloseReason("fausse alerte: rien vu")).toEqual({ reason: "false_alarm", rest: "rien vu" });
    expect(parseCloseReason("False alarm")).toEqual({ reason: "false_alarm", rest: "" });
    expect(parseCloseReason("imetatuliwa")).toEqual({ reason: "resolved", rest: "" });
    expect(parseCloseReason("calme revenu")).toBeNull();
    expect(parseCloseReason("12 personnes")).toBeNull();
    expect(parseCloseReason("")).toBeNull();
  });
});
