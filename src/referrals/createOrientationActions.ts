import type { Sender } from "../conversations/createInboundHandler.js";
import type { Tx } from "../db/Tx.js";
import { matchProviders } from "../directory/matchProviders.js";
import { renderForSms } from "../engine/render.js";
import { smsSegments } from "../engine/smsSegments.js";
import type { ActionHandler, ActionInput, ActionOutput, ActionRegistry, JsonValue } from "../engine/types.js";
import { recordMealEvents } from "../meal/recordMealEvents.js";
import { clip, numberVar, stringListVar, stringVar } from "./conversationVars.js";
import { createReferral } from "./createReferral.js";
import { gsmSafe } from "./gsmSafe.js";
import { serviceLabel } from "./loadReferral.js";
import { moreValue, pickedValue, showMenu } from "./optionMenu.js";
import { allProviders, buildMenu, isMenuKind, type MenuKind, noProvider } from "./orientationMenus.js";
import type { ReferralDeps } from "./ReferralDeps.js";
import {
  ageGroups,
  consentPurposes,
  consentVersion,
  isAgeGroup,
  isSex,
  priorityOf,
  vulnerabilities,
} from "./referralProfile.js";

/** Needs one conversation may ask for. */
export const maxNeeds = 3;

/** Names of the orientation flow's actions (`flows/orientation.yaml`). */
export const orientationActionNames = [
  "orientation.consent",
  "orientation.listNeeds",
  "orientation.listCountries",
  "orientation.pick",
  "orientation.addVulnerability",
  "orientation.match",
  "orientation.listProviders",
  "orientation.refer",
  "orientation.nextNeed",
] as const;

/**
 * The orientation flow's actions, bound to the inbound message's transaction and sender: consent
 * records, data menus (needs, places, providers), matching, referrals. Each returns the outcome
 * that picks the flow's next step.
 */
export function createOrientationActions(
  tx: Tx,
  sender: Sender,
  deps: ReferralDeps,
): Record<(typeof orientationActionNames)[number], ActionHandler> {
  const show = async (input: ActionInput, kind: MenuKind, context: string | null, offset = 0): Promise<ActionOutput> =>
    showMenu({ ...(await buildMenu(tx, deps.i18n, input, kind, context)), offset });

  /** Lists the places under `code` (regions of a country, prefectures of a region), or settles on it. */
  const placesUnder = async (input: ActionInput, kind: "region" | "place", code: string): Promise<ActionOutput> => {
    const menu = await buildMenu(tx, deps.i18n, input, kind, code);
    const [only] = menu.options;
    if (menu.options.length === 0) return settlePlace(code);
    if (menu.options.length === 1 && only) {
      // Conakry is a region with one prefecture: no question with a single answer.
      return kind === "region" ? placesUnder(input, "place", only.value) : settlePlace(only.value);
    }
    return showMenu(menu);
  };

  const settlePlace = async (code: string): Promise<ActionOutput> => {
    const location = await tx.location.findUnique({ where: { code }, select: { path: true, country: true } });
    if (!location) return { outcome: "place_done", variables: { location: null } };
    return {
      outcome: "place_done",
      variables: { location: code, locationPath: location.path, country: location.country },
    };
  };

  const addNeed = (input: ActionInput, code: string): ActionOutput => {
    const needs = [...new Set([...stringListVar(input.variables, "needs"), code])];
    return { outcome: needs.length >= maxNeeds ? "needs_full" : "need_done", variables: { needs, needIndex: 0 } };
  };

  const consent: ActionHandler = async ({ variables, now }) => {
    const share = stringVar(variables, "consentShare") === "yes";
    const followupAnswer = stringVar(variables, "consentFollowup");
    const answers: { purpose: string; granted: boolean }[] = [{ purpose: consentPurposes.share, granted: share }];
    if (share && followupAnswer !== null)
      answers.push({ purpose: consentPurposes.followup, granted: followupAnswer === "yes" });
    for (const answer of answers) {
      await tx.consent.create({
        data: {
          contactId: sender.contactId,
          purpose: answer.purpose,
          version: consentVersion,
          granted: answer.granted,
          channel: sender.channel,
          at: now,
        },
      });
    }
    await recordMealEvents(
      tx,
      answers.map((answer) => ({
        type: answer.granted ? "referral.consented" : "referral.consent_refused",
        at: now,
        subject: sender.pseudonym,
        channel: sender.channel,
        flowId: "orientation",
        data: { purpose: answer.purpose, version: consentVersion },
      })),
    );
    return { variables: { shareIdentity: share, followUpConsent: share && followupAnswer === "yes" } };
  };

  const pick: ActionHandler = async (input) => {
    const kind = input.variables.menuKind;
    const value = pickedValue(input.variables);
    if (!isMenuKind(kind) || value === null) throw new Error("orientation.pick: no data menu is open");
    const context = stringVar(input.variables, "menuContext");
    if (value === moreValue) return show(input, kind, context, numberVar(input.variables, "menuNextOffset") ?? 0);
    switch (kind) {
      case "need": {
        const children = await tx.service.count({ where: { parentCode: value } });
        return children > 0 ? show(input, "subneed", value) : addNeed(input, value);
      }
      case "subneed":
        return addNeed(input, value);
      case "country":
        return placesUnder(input, "region", value);
      case "region":
        return placesUnder(input, "place", value);
      case "place":
        return settlePlace(value);
      case "provider": {
        const ids = stringListVar(input.variables, "matchIds");
        const chosen = value === allProviders ? ids : value === noProvider ? [] : ids.filter((id) => id === value);
        return { outcome: "provider_done", variables: { chosen } };
      }
    }
  };

  const listCountries: ActionHandler = async (input) => {
    const menu = await buildMenu(tx, deps.i18n, input, "country", null);
    const [only] = menu.options;
    if (!only) return { outcome: "no_directory" };
    return menu.options.length === 1 ? placesUnder(input, "region", only.value) : showMenu(menu);
  };

  const addVulnerability: ActionHandler = async ({ variables }) => {
    const declared = stringListVar(variables, "vulnerabilities");
    const added = stringVar(variables, "vulnerability");
    const known = (vulnerabilities as readonly string[]).includes(added ?? "");
    return { variables: { vulnerabilities: known && added ? [...new Set([...declared, added])] : declared } };
  };

  const match: ActionHandler = async (input) => {
    const { variables, now } = input;
    const needs = stringListVar(variables, "needs");
    const need = needs[numberVar(variables, "needIndex") ?? 0];
    const locationPath = stringVar(variables, "locationPath");
    const location = stringVar(variables, "location");
    if (!need || !locationPath) throw new Error("orientation.match: need or place missing");
    const service = await tx.service.findUnique({ where: { code: need }, select: { code: true, labels: true } });
    const needLabel = service ? serviceLabel(service, input.language, { short: true }) : need;
    const sex = stringVar(variables, "sex");
    const ageGroup = stringVar(variables, "ageGroup");
    const matches = await matchProviders(tx, {
      service: need,
      locationPath,
      sex: isSex(sex) ? sex : null,
      ageRange: isAgeGroup(ageGroup) ? ageGroups[ageGroup] : null,
      nationality: stringVar(variables, "country"),
      limit: 3,
    });
    await recordMealEvents(tx, [
      {
        type: "referral.requested",
        at: now,
        subject: sender.pseudonym,
        channel: sender.channel,
        location,
        sex,
        ageGroup,
        service: need,
        flowId: "orientation",
        data: { priority: priorityOf(stringListVar(variables, "vulnerabilities")), matches: matches.length },
      },
    ]);
    if (matches.length === 0) return { outcome: "none", variables: { needLabel, matchIds: [], matchNames: [] } };
    const details = detailMessages(input, needLabel, matches);
    const detailVars: Record<string, JsonValue> = { d1: "", d2: "", d3: "" };
    details.forEach((text, i) => {
      detailVars[`d${i + 1}`] = text;
    });
    return {
      outcome: "found",
      variables: {
        ...detailVars,
        detailCount: details.length,
        needLabel,
        matchIds: matches.map((m) => m.id),
        matchNames: matches.map((m) => m.name),
      },
    };
  };

  /** Up to three messages holding the options' public details, each within two SMS segments. */
  const detailMessages = (
    input: ActionInput,
    needLabel: string,
    matches: { name: string; address: string | null; hours: string | null; phone: string | null }[],
  ): string[] => {
    const t = (key: string, vars: Record<string, JsonValue>) => deps.i18n.t(input.language, `orientation:${key}`, vars);
    const out = (text: string) => (input.channel === "sms" ? gsmSafe(text) : text);
    const blocks = matches.map((m, i) =>
      t("match.option", {
        n: i + 1,
        name: clip(m.name, 70),
        address: clip(m.address ?? "-", 60),
        hours: clip(m.hours ?? "-", 40),
        phone: m.phone ?? "-",
      }),
    );
    const messages: string[] = [];
    let current = t("match.intro", { needLabel });
    for (const block of blocks) {
      const joined = `${current}\n\n${block}`;
      if (smsSegments(renderForSms({ text: gsmSafe(joined) })).segments <= 2) current = joined;
      else {
        messages.push(current);
        current = block;
      }
    }
    messages.push(current);
    return messages.map(out);
  };

  const listProviders: ActionHandler = (input) => show(input, "provider", null);

  const refer: ActionHandler = async (input) => {
    const { variables, now } = input;
    const matchIds = new Set(stringListVar(variables, "matchIds"));
    const chosen = stringListVar(variables, "chosen").filter((id) => matchIds.has(id));
    if (chosen.length === 0) return { outcome: "none" };
    const needs = stringListVar(variables, "needs");
    const need = needs[numberVar(variables, "needIndex") ?? 0] ?? "";
    const service = await tx.service.findUnique({ where: { code: need }, select: { id: true } });
    const location = await tx.location.findUnique({
      where: { code: stringVar(variables, "location") ?? "" },
      select: { id: true },
    });
    if (!service || !location) throw new Error("orientation.refer: service or place vanished");
    const share = variables.shareIdentity === true;
    const declared = stringListVar(variables, "vulnerabilities");
    const sex = stringVar(variables, "sex");
    const ageGroup = stringVar(variables, "ageGroup");
    const lines: string[] = [];
    const refs = stringListVar(variables, "referralRefs");
    for (const providerId of chosen) {
      const referral = await createReferral(
        tx,
        deps,
        {
          contactId: share ? sender.contactId : null,
          providerId,
          serviceId: service.id,
          locationId: location.id,
          channel: sender.channel,
          priority: priorityOf(declared),
          sex,
          ageGroup,
          vulnerabilities: declared,
          followUpConsent: variables.followUpConsent === true,
        },
        now,
      );
      refs.push(referral.ref);
      lines.push(
        deps.i18n.t(input.language, "orientation:referred.line", {
          ref: referral.ref,
          name: clip(referral.provider.name, 45),
        }),
      );
    }
    const intro = deps.i18n.t(
      input.language,
      share ? "orientation:referred.sharedIntro" : "orientation:referred.anonymousIntro",
    );
    const summary = [intro, ...lines].join("\n");
    return {
      outcome: share ? "referred" : "referred_anonymous",
      variables: {
        referralSummary: input.channel === "sms" ? gsmSafe(summary) : summary,
        referralRefs: refs,
        chosen: [],
      },
    };
  };

  const nextNeed: ActionHandler = async ({ variables }) => {
    const index = (numberVar(variables, "needIndex") ?? 0) + 1;
    return index < stringListVar(variables, "needs").length
      ? { outcome: "more", variables: { needIndex: index } }
      : { outcome: "done" };
  };

  return {
    "orientation.consent": consent,
    "orientation.listNeeds": (input) => show(input, "need", null),
    "orientation.listCountries": listCountries,
    "orientation.pick": pick,
    "orientation.addVulnerability": addVulnerability,
    "orientation.match": match,
    "orientation.listProviders": listProviders,
    "orientation.refer": refer,
    "orientation.nextNeed": nextNeed,
  };
}

/** The registry form, for features. */
export function orientationRegistry(tx: Tx, sender: Sender, deps: ReferralDeps): ActionRegistry {
  return createOrientationActions(tx, sender, deps);
}
