import type { Tx } from "../db/Tx.js";
import type { I18n } from "../engine/i18n.js";
import type { ActionInput, JsonValue } from "../engine/types.js";
import { loadServices } from "../reference/loadReference.js";
import { clip, stringListVar, stringVar } from "./conversationVars.js";
import { gsmSafe } from "./gsmSafe.js";
import { serviceLabel } from "./loadReferral.js";
import type { DataMenu, MenuOption } from "./optionMenu.js";

/** The data menus of the orientation flow. */
export type MenuKind = "need" | "subneed" | "country" | "region" | "place" | "provider";

export const menuKinds: readonly MenuKind[] = ["need", "subneed", "country", "region", "place", "provider"];

export function isMenuKind(value: unknown): value is MenuKind {
  return typeof value === "string" && (menuKinds as readonly string[]).includes(value);
}

/** Values of the provider menu besides provider ids. */
export const allProviders = "__all";
export const noProvider = "__none";

let serviceOrder: Promise<Map<string, number>> | null = null;

/** The order of `reference/services.json` (most asked first), read once. */
function servicesInReferenceOrder(): Promise<Map<string, number>> {
  serviceOrder ??= loadServices()
    .then((services) => new Map(services.map((s, i) => [s.code, i])))
    .catch(() => new Map<string, number>());
  return serviceOrder;
}

/**
 * Builds a data menu of the orientation flow (every option; `showMenu` pages it). `context` is
 * what the kind lists under: the parent service of `subneed`, the country of `region`, the region
 * of `place`. Labels are made GSM-7-safe on SMS.
 */
export async function buildMenu(
  tx: Tx,
  i18n: I18n,
  input: Pick<ActionInput, "language" | "channel" | "variables">,
  kind: MenuKind,
  context: string | null,
): Promise<Omit<DataMenu, "offset">> {
  const t = (key: string, vars: Record<string, JsonValue> = {}) => i18n.t(input.language, `orientation:${key}`, vars);
  const label = (text: string) => (input.channel === "sms" ? gsmSafe(text) : text);
  const menu = (title: string, options: MenuOption[]) => ({
    kind,
    title: label(title),
    options: options.map((o) => ({ value: o.value, label: label(o.label) })),
    moreLabel: t("ask.more"),
    context,
  });
  switch (kind) {
    case "need": {
      const chosen = new Set(stringListVar(input.variables, "needs"));
      const order = await servicesInReferenceOrder();
      const services = await tx.service.findMany({ where: { parentCode: null }, select: { code: true, labels: true } });
      services.sort((a, b) => (order.get(a.code) ?? 999) - (order.get(b.code) ?? 999) || a.code.localeCompare(b.code));
      return menu(
        t("ask.need"),
        services
          .filter((s) => !chosen.has(s.code))
          .map((s) => ({ value: s.code, label: serviceLabel(s, input.language, { short: true }) })),
      );
    }
    case "subneed": {
      const order = await servicesInReferenceOrder();
      const parent = context
        ? await tx.service.findUnique({ where: { code: context }, select: { code: true, labels: true } })
        : null;
      const children = context
        ? await tx.service.findMany({ where: { parentCode: context }, select: { code: true, labels: true } })
        : [];
      children.sort((a, b) => (order.get(a.code) ?? 999) - (order.get(b.code) ?? 999));
      const options = children.map((s) => ({ value: s.code, label: serviceLabel(s, input.language, { short: true }) }));
      if (parent) {
        options.push({
          value: parent.code,
          label: t("ask.general", { need: serviceLabel(parent, input.language, { short: true }) }),
        });
      }
      return menu(t("ask.subneed"), options);
    }
    case "country": {
      const countries = await tx.provider.findMany({
        where: { takesReferrals: true },
        distinct: ["country"],
        select: { country: true },
      });
      const locations = await tx.location.findMany({
        where: { code: { in: countries.map((c) => c.country) }, depth: 0 },
        select: { code: true, name: true },
        orderBy: { name: "asc" },
      });
      return menu(
        t("ask.country"),
        locations.map((l) => ({ value: l.code, label: l.name })),
      );
    }
    case "region":
    case "place": {
      const children = context
        ? await tx.location.findMany({
            where: { parent: { code: context } },
            select: { code: true, name: true, level: true },
            orderBy: { name: "asc" },
          })
        : [];
      const level = children[0]?.level;
      const title =
        kind === "region"
          ? t("ask.region")
          : level === "prefecture" || level === "department"
            ? t(`ask.${level}`)
            : t("ask.place");
      return menu(
        title,
        children.map((l) => ({ value: l.code, label: l.name })),
      );
    }
    case "provider": {
      const ids = stringListVar(input.variables, "matchIds");
      const names = stringListVar(input.variables, "matchNames");
      const options: MenuOption[] = ids.map((id, i) => ({ value: id, label: clip(names[i] ?? id, 40) }));
      if (ids.length > 1) options.push({ value: allProviders, label: t("ask.all") });
      options.push({ value: noProvider, label: t("ask.none") });
      const shared = stringVar(input.variables, "consentShare") === "yes";
      return menu(shared ? t("ask.provider") : t("ask.providerAnonymous"), options);
    }
  }
}
