import { describe, expect, it } from "vitest";
import { renderForSms, smsSegments } from "../../src/engine/index.js";
import { loadLocations } from "../../src/reference/loadReference.js";
import { gsmSafe } from "../../src/referrals/gsmSafe.js";
import { moreValue, showMenu } from "../../src/referrals/optionMenu.js";
import { parseOutcome } from "../../src/referrals/parseOutcome.js";
import {
  parseReferralLink,
  referralLinkKey,
  signReferralLink,
  verifyReferralLink,
} from "../../src/referrals/referralLink.js";
import { priorityOf } from "../../src/referrals/referralProfile.js";

describe("data menus", () => {
  it("page Guinea's 34 prefectures with a More choice, each page within two SMS segments", async () => {
    const prefectures = (await loadLocations("GN")).filter((l) => l.level === "prefecture");
    const options = prefectures.map((l) => ({ value: l.code, label: gsmSafe(l.name) }));
    const seen: string[] = [];
    let offset: number | null = 0;
    while (offset !== null) {
      const page = showMenu({
        kind: "place",
        title: "Dans quelle préfecture?",
        options,
        moreLabel: "Plus de choix",
        offset,
      });
      const values = page.variables?.optionValues;
      expect(Array.isArray(values)).toBe(true);
      const list = Array.isArray(values) ? values.map(String) : [];
      const choices = list.map((value, i) => ({ value, label: String(page.variables?.[`o${i + 1}`]) }));
      expect(page.outcome).toBe(String(list.length));
      expect(smsSegments(renderForSms({ text: "Dans quelle préfecture?", choices })).segments).toBeLessThanOrEqual(2);
      seen.push(...list.filter((v) => v !== moreValue));
      const next = page.variables?.menuNextOffset;
      offset = typeof next === "number" ? next : null;
      if (offset !== null) expect(list.at(-1)).toBe(moreValue);
    }
    expect(seen).toEqual(options.map((o) => o.value));
  });

  it("blank the unused option slots so a shorter page never shows stale labels", () => {
    const page = showMenu({ kind: "x", title: "?", options: [{ value: "a", label: "A" }], moreLabel: "More" });
    expect(page).toMatchObject({ outcome: "1", variables: { o1: "A", o2: "", o10: "", menuNextOffset: null } });
  });
});

describe("provider links", () => {
  const key = referralLinkKey("secret-of-at-least-32-characters-0000");
  const expiresAt = new Date("2026-12-01T10:00:00Z");

  it("are short, and verify only for the provider they were signed for", () => {
    const token = signReferralLink(key, { number: 1031, providerId: "p1", expiresAt });
    expect(token.length).toBeLessThanOrEqual(36);
    const parsed = parseReferralLink(token);
    expect(parsed).toMatchObject({ number: 1031, expiresAt });
    if (!parsed) return;
    expect(verifyReferralLink(key, parsed, "p1")).toBe(true);
    expect(verifyReferralLink(key, parsed, "p2")).toBe(false);
    expect(verifyReferralLink(referralLinkKey("another-secret-of-32-characters-000000"), parsed, "p1")).toBe(false);
    const later = parseReferralLink(
      token.replace(
        /^(\w+)\.(\w+)\./,
        (_m, n: string, e: string) => `${n}.${(Number.parseInt(e, 36) + 1).toString(36)}.`,
      ),
    );
    expect(later && verifyReferralLink(key, later, "p1")).toBe(false);
    expect(parseReferralLink("../../etc")).toBeNull();
  });
});

describe("small rules", () => {
  it("make directory texts GSM-7 for SMS", () => {
    expect(gsmSafe("Extrême-Nord — Maroua «centre» ç")).toBe('Extreme-Nord - Maroua "centre" c');
    expect(gsmSafe("Nzérékoré")).toBe("Nzérékoré");
  });

  it("read outcomes from FIN notes in French, English and Swahili", () => {
    expect(parseOutcome("Servie hier")).toBe("served");
    expect(parseOutcome("pas venu")).toBe("no_show");
    expect(parseOutcome("REFUS")).toBe("refused_by_person");
    expect(parseOutcome("capacité")).toBe("no_capacity");
    expect(parseOutcome("unreachable")).toBe("unreachable");
    expect(parseOutcome("hapatikani")).toBe("unreachable");
    expect(parseOutcome("merci")).toBeNull();
    expect(parseOutcome(undefined)).toBeNull();
  });

  it("prioritise urgent medical needs and unaccompanied minors", () => {
    expect(priorityOf([])).toBe(0);
    expect(priorityOf(["disability"])).toBe(1);
    expect(priorityOf(["pregnancy", "urgent_medical"])).toBe(2);
    expect(priorityOf(["unaccompanied_minor"])).toBe(2);
  });
});
