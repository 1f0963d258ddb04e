import { readFileSync } from "node:fs";
import path from "node:path";
import type { I18n } from "../engine/i18n.js";
import { projectRoot } from "../service/projectPaths.js";
import type { ProviderPageView } from "./providerPageView.js";

/** Where the provider page's template, script and style sheet live. */
export function providerAssetsDir(): string {
  return path.join(projectRoot(), "src", "web", "provider");
}

let template: string | null = null;

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Fills `referral.html`: its `lang` (French in the file), `{{title}}` and `{{content}}` (already-escaped HTML). */
function fill(values: { lang: string; title: string; content: string }): string {
  template ??= readFileSync(path.join(providerAssetsDir(), "referral.html"), "utf8");
  return template
    .replace('<html lang="fr">', `<html lang="${escapeHtml(values.lang)}">`)
    .replace("{{title}}", escapeHtml(values.title))
    .replace("{{content}}", values.content);
}

/**
 * The provider's page of a referral: plain HTML whose forms post back to the same signed URL, so
 * it works without JavaScript; `provider.js` only improves it (no inline script: the CSP forbids it).
 */
export function renderProviderPage(
  i18n: I18n,
  language: string,
  view: ProviderPageView,
  notice: string | null,
): string {
  const t = (key: string, vars: Record<string, string> = {}) => escapeHtml(i18n.t(language, `referral:${key}`, vars));
  const row = (label: string, value: string) => `<dt>${label}</dt><dd>${escapeHtml(value)}</dd>`;
  const rows = [
    row(t("page.status"), view.statusLabel),
    row(t("page.service"), view.service),
    row(t("page.place"), view.place),
    row(
      t("page.priority"),
      view.priority ? i18n.t(language, "referral:page.priorityHigh") : i18n.t(language, "referral:page.priorityNormal"),
    ),
    row(t("page.profile"), view.profile),
    row(t("page.phone"), view.phone ?? i18n.t(language, "referral:page.noPhone")),
  ];
  if (view.vulnerabilities.length > 0) rows.push(row(t("page.vulnerabilities"), view.vulnerabilities.join(", ")));
  const forms: string[] = [];
  if (view.actions.includes("accept")) {
    forms.push(
      `<form method="post" class="answer"><input type="hidden" name="action" value="accept">` +
        `<button type="submit" class="primary">${t("page.accept")}</button></form>`,
    );
  }
  if (view.actions.includes("decline")) {
    forms.push(
      `<form method="post" class="answer" data-confirm="${t("page.decline")}?"><input type="hidden" name="action" value="decline">` +
        `<label>${t("page.reason")}<textarea name="reason" maxlength="500" rows="2"></textarea></label>` +
        `<button type="submit">${t("page.decline")}</button></form>`,
    );
  }
  if (view.actions.includes("outcome")) {
    const buttons = view.outcomes
      .map(
        (o) =>
          `<button type="submit" name="outcome" value="${escapeHtml(o.value)}"${o.value === view.status ? ' class="current"' : ""}>${escapeHtml(o.label)}</button>`,
      )
      .join("");
    forms.push(
      `<form method="post" class="answer outcomes"><input type="hidden" name="action" value="outcome">` +
        `<h2>${t("page.outcomeTitle")}</h2>${buttons}</form>`,
    );
  }
  const content = [
    view.fictional ? `<p class="fictional">${t("page.fictional")}</p>` : "",
    `<h1>${t("page.title", { ref: view.ref })}</h1>`,
    notice
      ? `<p class="notice" role="status">${escapeHtml(notice)}</p>`
      : `<p class="notice" role="status" hidden></p>`,
    `<dl>${rows.join("")}</dl>`,
    ...forms,
  ].join("\n");
  return fill({ lang: language, title: i18n.t(language, "referral:page.title", { ref: view.ref }), content });
}

/** A page with only a message (invalid or expired link). */
export function renderProviderMessage(i18n: I18n, language: string, key: string): string {
  return fill({
    lang: language,
    title: "Relais",
    content: `<p class="notice" role="status">${escapeHtml(i18n.t(language, `referral:${key}`))}</p>`,
  });
}
