import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  findProjectRoot,
  loadDemoCommittees,
  loadDemoProviders,
  loadLocations,
  loadServices,
  REFERENCE_FILES,
  ReferenceDataError,
} from "../../src/reference/loadReference.js";
import {
  ALERT_CATEGORIES,
  ALERT_URGENCIES,
  type AlertCategory,
  type AlertUrgency,
  type DemoCommittee,
  type DemoCommitteesFile,
  type DemoProvider,
  isGsm7Basic,
  type Location,
  type Service,
  type Tier,
} from "../../src/reference/referenceSchemas.js";

const PILOT_ETDS = [
  "CD-TA-KAL-TUMBWE",
  "CD-TA-KON-BAYAZI",
  "CD-TA-NYU-NORD_LUKUGA",
  "CD-TA-NYU-SUD_LUKUGA",
  "CD-TA-VKAL-LUKUGA",
  "CD-TA-VKAL-LAC",
];

const countBy = (locations: readonly Location[], level: Location["level"]): number =>
  locations.filter((l) => l.level === level).length;

describe("locations", () => {
  let cd: Location[];
  let gn: Location[];
  let cm: Location[];
  let all: Location[];

  beforeAll(async () => {
    [cd, gn, cm, all] = await Promise.all([
      loadLocations("CD"),
      loadLocations("GN"),
      loadLocations("CM"),
      loadLocations(),
    ]);
  });

  it("loads Tanganyika: province, six territories, the town of Kalemie and the six pilot ETDs", () => {
    expect(cd.find((l) => l.code === "CD-TA")).toMatchObject({ level: "province", parent: "CD", name: "Tanganyika" });
    expect(
      cd
        .filter((l) => l.level === "territory")
        .map((l) => l.name)
        .sort(),
    ).toEqual(["Kabalo", "Kalemie", "Kongolo", "Manono", "Moba", "Nyunzu"]);
    expect(cd.filter((l) => l.level === "town").map((l) => l.code)).toEqual(["CD-TA-VKAL"]);
    const etds = cd.filter((l) => l.level === "etd");
    expect(etds.map((l) => l.code).sort()).toEqual([...PILOT_ETDS].sort());
    expect(etds.every((l) => l.pilot === true)).toBe(true);
  });

  it("puts each pilot ETD under the right territory or town", () => {
    const parentName = (code: string): string | undefined => {
      const etd = cd.find((l) => l.code === code);
      return cd.find((l) => l.code === etd?.parent)?.name;
    };
    expect(parentName("CD-TA-KAL-TUMBWE")).toBe("Kalemie");
    expect(parentName("CD-TA-KON-BAYAZI")).toBe("Kongolo");
    expect(parentName("CD-TA-NYU-NORD_LUKUGA")).toBe("Nyunzu");
    expect(parentName("CD-TA-NYU-SUD_LUKUGA")).toBe("Nyunzu");
    expect(parentName("CD-TA-VKAL-LUKUGA")).toBe("Ville de Kalemie");
    expect(parentName("CD-TA-VKAL-LAC")).toBe("Ville de Kalemie");
  });

  it("gives every ETD a short GSM-7 menu label, all distinct", () => {
    const labels = cd.filter((l) => l.level === "etd").map((l) => l.menuLabel ?? "");
    for (const label of labels) {
      expect(label.length).toBeGreaterThan(0);
      expect(label.length).toBeLessThanOrEqual(18);
      expect(isGsm7Basic(label), label).toBe(true);
    }
    expect(new Set(labels).size).toBe(labels.length);
  });

  it("counts Guinea: 8 regions, 33 prefectures plus the special zone of Conakry", () => {
    expect(countBy(gn, "country")).toBe(1);
    expect(countBy(gn, "region")).toBe(8);
    const prefectureLevel = gn.filter((l) => l.level === "prefecture");
    expect(prefectureLevel.filter((l) => l.kind !== "zone_speciale")).toHaveLength(33);
    expect(prefectureLevel.filter((l) => l.kind === "zone_speciale").map((l) => l.code)).toEqual(["GN-C-CONAKRY"]);
    // Every prefecture proper carries its ISO 3166-2 code, all distinct.
    const isos = prefectureLevel.filter((l) => l.kind !== "zone_speciale").map((l) => l.iso);
    expect(isos.every((iso) => iso !== undefined)).toBe(true);
    expect(new Set(isos).size).toBe(33);
  });

  it("counts Cameroon: 10 regions, 58 departments", () => {
    expect(countBy(cm, "country")).toBe(1);
    expect(countBy(cm, "region")).toBe(10);
    expect(countBy(cm, "department")).toBe(58);
    const perRegion = Object.fromEntries(
      cm.filter((l) => l.level === "region").map((r) => [r.code, cm.filter((d) => d.parent === r.code).length]),
    );
    expect(perRegion).toEqual({
      "CM-AD": 5,
      "CM-CE": 10,
      "CM-ES": 4,
      "CM-EN": 6,
      "CM-LT": 4,
      "CM-NO": 4,
      "CM-NW": 7,
      "CM-OU": 8,
      "CM-SU": 4,
      "CM-SW": 6,
    });
  });

  it("has unique codes whose parents all exist, one segment up", () => {
    const codes = new Set(all.map((l) => l.code));
    expect(codes.size).toBe(all.length);
    for (const l of all) {
      if (l.parent === null) {
        expect(l.level).toBe("country");
        continue;
      }
      expect(codes.has(l.parent), `${l.code} → ${l.parent}`).toBe(true);
      expect(l.code.startsWith(`${l.parent}-`)).toBe(true);
    }
  });
});

describe("services", () => {
  let services: Service[];
  beforeAll(async () => {
    services = await loadServices();
  });

  it("covers the taxonomy with children under economic reintegration and protection", () => {
    const codes = services.map((s) => s.code);
    for (const code of [
      "health",
      "mhpss",
      "shelter",
      "civil_documentation",
      "legal_aid",
      "economic_reintegration",
      "education",
      "protection",
      "family_tracing",
      "food_basic_items",
    ]) {
      expect(codes).toContain(code);
    }
    const childrenOf = (parent: string): string[] =>
      services
        .filter((s) => s.parent === parent)
        .map((s) => s.code)
        .sort();
    expect(childrenOf("economic_reintegration")).toEqual(["business_support", "employment", "vocational_training"]);
    expect(childrenOf("protection")).toEqual(["child_protection", "gbv", "trafficking"]);
  });

  it("has GSM-7 menu labels without the accents that force UCS-2", () => {
    for (const s of services) {
      for (const label of Object.values(s.menuLabel)) {
        expect(isGsm7Basic(label), `${s.code}: ${label}`).toBe(true);
        expect(label).not.toMatch(/[êâîôûçïë]/);
      }
    }
  });
});

/** Recipients of an alert at a tier, following the semantics documented on `routingRuleSchema`. */
function recipients(
  data: DemoCommitteesFile,
  alert: { etd: string; category: AlertCategory; urgency: AlertUrgency },
  tier: Tier,
): { code: string; role: string; committee: string }[] {
  const matches = data.routingRules.filter(
    (r) =>
      (r.etd === null || r.etd === alert.etd) &&
      (r.category === null || r.category === alert.category) &&
      (r.urgency === null || r.urgency === alert.urgency),
  );
  const byCode = new Map<string, DemoCommittee>(data.committees.map((c) => [c.code, c]));
  const excluded = matches
    .filter((r) => r.exclude === true && r.tier <= tier)
    .flatMap((r) => r.roles.map((role) => `${r.committee}/${role}`));
  return matches
    .filter((r) => r.exclude !== true && r.tier === tier)
    .flatMap((r) =>
      (byCode.get(r.committee)?.focalPoints ?? [])
        .filter((fp) => r.roles.includes(fp.role) && !excluded.includes(`${r.committee}/${fp.role}`))
        .map((fp) => ({ code: fp.code, role: fp.role, committee: r.committee })),
    );
}

describe("demo committees and routing", () => {
  let data: DemoCommitteesFile;
  beforeAll(async () => {
    data = await loadDemoCommittees();
  });

  it("has one tier-1 CLS per pilot ETD with 2–3 CLS members, a PNC liaison, plus provincial and duty tiers", () => {
    const cls = data.committees.filter((c) => c.kind === "cls");
    expect(cls.map((c) => c.location).sort()).toEqual([...PILOT_ETDS].sort());
    for (const c of cls) {
      expect(c.tier).toBe(1);
      const members = c.focalPoints.filter((fp) => fp.role === "cls_president" || fp.role === "cls_member");
      expect(members.length).toBeGreaterThanOrEqual(2);
      expect(members.length).toBeLessThanOrEqual(3);
      expect(c.focalPoints.filter((fp) => fp.role === "pnc_liaison")).toHaveLength(1);
    }
    expect(data.committees.filter((c) => c.tier === 2).map((c) => c.location)).toEqual(["CD-TA"]);
    expect(data.committees.filter((c) => c.tier === 2)[0]?.focalPoints).toHaveLength(1);
    const duty = data.committees.filter((c) => c.tier === 3).flatMap((c) => c.focalPoints);
    expect(duty.map((fp) => fp.role)).toEqual(["duty_officer"]);
  });

  it("routes every alert in an ETD to that ETD's CLS and PNC liaison at tier 1, and nowhere else", () => {
    for (const etd of PILOT_ETDS) {
      const got = recipients(data, { etd, category: "theft", urgency: "recent" }, 1);
      const cls = data.committees.find((c) => c.location === etd);
      expect(got.map((r) => r.code).sort()).toEqual((cls?.focalPoints.map((fp) => fp.code) ?? []).sort());
      expect(got.some((r) => r.role === "pnc_liaison")).toBe(true);
    }
  });

  it("also sends sexual violence alerts to the protection focal point", () => {
    for (const etd of PILOT_ETDS) {
      const roles = recipients(data, { etd, category: "sgbv", urgency: "danger_now" }, 1).map((r) => r.role);
      expect(roles).toContain("protection");
      expect(roles).toContain("cls_president");
    }
    const theft = recipients(data, { etd: "CD-TA-VKAL-LAC", category: "theft", urgency: "danger_now" }, 1);
    expect(theft.map((r) => r.role)).not.toContain("protection");
  });

  it("never sends police misconduct to a PNC liaison, at any tier, urgency or ETD", () => {
    const misconductExcludes = data.routingRules.filter(
      (r) => r.exclude === true && r.category === "police_misconduct" && r.roles.includes("pnc_liaison"),
    );
    // Every committee that has a PNC liaison is covered by an exclude rule from tier 1.
    for (const c of data.committees.filter((c) => c.focalPoints.some((fp) => fp.role === "pnc_liaison"))) {
      expect(
        misconductExcludes.some((r) => r.committee === c.code && r.tier === 1 && r.etd === null && r.urgency === null),
        c.code,
      ).toBe(true);
    }
    for (const etd of PILOT_ETDS) {
      for (const urgency of ALERT_URGENCIES) {
        for (const tier of [1, 2, 3] as const) {
          const got = recipients(data, { etd, category: "police_misconduct", urgency }, tier);
          expect(got.map((r) => r.role)).not.toContain("pnc_liaison");
        }
        // The alert still reaches the CLS.
        const tier1 = recipients(data, { etd, category: "police_misconduct", urgency }, 1);
        expect(tier1.map((r) => r.role)).toContain("cls_president");
      }
    }
  });

  it("escalates to the provincial committee at tier 2 and the duty officer at tier 3, for every category", () => {
    for (const category of ALERT_CATEGORIES) {
      const t2 = recipients(data, { etd: "CD-TA-KAL-TUMBWE", category, urgency: "danger_now" }, 2);
      expect(t2.map((r) => r.committee)).toEqual(["PROV-CD-TA"]);
      const t3 = recipients(data, { etd: "CD-TA-KAL-TUMBWE", category, urgency: "danger_now" }, 3);
      expect(t3.map((r) => r.role)).toEqual(["duty_officer"]);
    }
  });

  it("marks every committee and focal point fictional, with fictional names and reserved-looking numbers", () => {
    expect(data.fictional).toBe(true);
    for (const c of data.committees) {
      expect(c.fictional).toBe(true);
      expect(c.name).toMatch(/fictif/i);
      for (const fp of c.focalPoints) {
        expect(fp.fictional, fp.code).toBe(true);
        expect(fp.name, fp.code).toMatch(/^Fictif — /);
        if (fp.channels.sms !== undefined) expect(fp.channels.sms).toMatch(/^\+2439900000\d\d$/);
      }
    }
  });
});

describe("demo providers", () => {
  let providers: DemoProvider[];
  let locations: Map<string, Location>;
  beforeAll(async () => {
    providers = await loadDemoProviders();
    locations = new Map((await loadLocations()).map((l) => [l.code, l]));
  });

  it("has about 20 providers in Guinea and 10 in Cameroon", () => {
    expect(providers.filter((p) => p.country === "GN").length).toBeGreaterThanOrEqual(18);
    expect(providers.filter((p) => p.country === "CM").length).toBeGreaterThanOrEqual(9);
  });

  it("covers Conakry, Kindia, Labé, Kankan and Nzérékoré", () => {
    const prefectures = new Set(
      providers.flatMap((p) => p.areas).filter((a) => locations.get(a)?.level === "prefecture"),
    );
    for (const code of ["GN-C-CONAKRY", "GN-D-KINDIA", "GN-L-LABE", "GN-K-KANKAN", "GN-N-NZEREKORE"]) {
      expect(prefectures.has(code), code).toBe(true);
    }
  });

  it("includes a national MHPSS provider per country, women-only, minors-only and no-referral providers", () => {
    for (const country of ["GN", "CM"]) {
      expect(
        providers.some((p) => p.country === country && p.areas.includes(country) && p.services.includes("mhpss")),
        country,
      ).toBe(true);
    }
    expect(providers.some((p) => p.eligibility.sex === "female")).toBe(true);
    expect(providers.some((p) => p.eligibility.maxAge !== undefined && p.eligibility.maxAge < 18)).toBe(true);
    expect(providers.some((p) => !p.takesReferrals)).toBe(true);
  });

  it("marks every provider and focal point fictional", () => {
    for (const p of providers) {
      expect(p.fictional, p.code).toBe(true);
      expect(p.name, p.code).toMatch(/\((fictif|fictional)\)/);
      for (const fp of p.focalPoints) {
        expect(fp.fictional, fp.code).toBe(true);
        expect(fp.name, fp.code).toMatch(/^Fictif — /);
        for (const n of [fp.channels.sms, fp.channels.whatsapp]) {
          if (n !== undefined) expect(n).toMatch(/^\+(2246200000|2376900000)\d\d$/);
        }
      }
    }
  });
});

describe("demo contact channels", () => {
  it("never gives two focal points or providers the same number or chat id", async () => {
    const [committees, providers] = await Promise.all([loadDemoCommittees(), loadDemoProviders()]);
    const handles = [
      ...committees.committees.flatMap((c) => c.focalPoints.flatMap((fp) => Object.values(fp.channels))),
      ...providers.flatMap((p) => [p.phone, ...p.focalPoints.flatMap((fp) => Object.values(fp.channels))]),
    ].filter((h): h is string => h !== undefined);
    expect(new Set(handles).size).toBe(handles.length);
  });
});

describe("integrity errors name the file and the entry", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "relais-reference-"));
    await cp(path.join(findProjectRoot(), "reference"), path.join(root, "reference"), { recursive: true });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function mutate(file: string, edit: (json: Record<string, unknown[]>) => void): Promise<() => Promise<void>> {
    const full = path.join(root, file);
    const original = await readFile(full, "utf8");
    const json = JSON.parse(original) as Record<string, unknown[]>;
    edit(json);
    await writeFile(full, JSON.stringify(json));
    return () => writeFile(full, original);
  }

  const entry = (list: unknown[] | undefined, index: number): Record<string, unknown> => {
    const item = list?.[index];
    if (typeof item !== "object" || item === null) throw new Error(`no entry ${index}`);
    return item as Record<string, unknown>;
  };

  it("reports an unknown parent", async () => {
    const restore = await mutate(REFERENCE_FILES.locations.GN, (j) => {
      const kindia = j.locations?.findIndex((l) => (l as { code?: string }).code === "GN-D-KINDIA") ?? -1;
      entry(j.locations, kindia).parent = "GN-X";
    });
    try {
      const error = await loadLocations("GN", { root }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ReferenceDataError);
      expect(String(error)).toContain("reference/locations/gn.json");
      expect(String(error)).toMatch(/locations\[\d+\] \(GN-D-KINDIA\)\.parent: unknown parent GN-X/);
    } finally {
      await restore();
    }
  });

  it("reports a non-GSM-7 menu label through zod", async () => {
    const restore = await mutate(REFERENCE_FILES.services, (j) => {
      entry(j.services, 0).menuLabel = { fr: "Santé générale", en: "Health", sw: "Afya • bora" };
    });
    try {
      await expect(loadServices({ root })).rejects.toThrow(
        /reference\/services\.json: services\[0\] \(health\)\.menuLabel\.sw: .*GSM-7/,
      );
    } finally {
      await restore();
    }
  });

  it("reports an unknown service or area on a provider", async () => {
    const restore = await mutate(REFERENCE_FILES.demoProviders, (j) => {
      const p = entry(j.providers, 1);
      p.services = ["massage"];
      p.areas = ["CM-CE-MFOUNDI"];
    });
    try {
      const error = await loadDemoProviders({ root }).catch((e: unknown) => e);
      expect(String(error)).toContain("reference/demo/providers.json: providers[1]");
      expect(String(error)).toContain("unknown service massage");
      expect(String(error)).toContain("CM-CE-MFOUNDI is not in GN");
    } finally {
      await restore();
    }
  });

  it("reports a routing rule to an unknown committee, and an unmarked focal point", async () => {
    const restore = await mutate(REFERENCE_FILES.demoCommittees, (j) => {
      entry(j.routingRules, 0).committee = "CLS-NOWHERE";
      const fps = entry(j.committees, 0).focalPoints as unknown[];
      delete entry(fps, 0).fictional;
    });
    try {
      const error = await loadDemoCommittees({ root }).catch((e: unknown) => e);
      expect(String(error)).toContain("reference/demo/committees.json");
      expect(String(error)).toMatch(
        /committees\[0\] \(CLS-CD-TA-KAL-TUMBWE\)\.focalPoints\[0\] \(FP-TUMBWE-PRES\)\.fictional/,
      );
      await restore();
      await mutate(REFERENCE_FILES.demoCommittees, (j) => {
        entry(j.routingRules, 0).committee = "CLS-NOWHERE";
      });
      await expect(loadDemoCommittees({ root })).rejects.toThrow(
        /routingRules\[0\]\.committee: unknown committee CLS-NOWHERE/,
      );
    } finally {
      await restore();
    }
  });
});
