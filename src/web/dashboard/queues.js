import { getJson, send } from "./api.js";
import { el, fill, table, when } from "./dom.js";
import { currentLanguage, t } from "./texts.js";

function history(events) {
  if (events.length === 0) return null;
  return el(
    "details",
    {},
    el("summary", {}, `${t("queues.history")} (${events.length})`),
    el(
      "ol",
      {},
      events.map((e) =>
        el(
          "li",
          {},
          `${when(e.at, currentLanguage())} — ${e.type}${e.by ? ` (${e.by})` : ""}${e.note ? ` : ${e.note}` : ""}`,
        ),
      ),
    ),
  );
}

export async function loadAlertQueue(container, status) {
  const { alerts } = await getJson(`/api/queues/alerts${status ? `?status=${encodeURIComponent(status)}` : ""}`);
  if (alerts.length === 0) return fill(container, el("p", { className: "muted" }, t("queues.empty")));
  fill(
    container,
    table(
      ["Réf.", "Reçue", "Catégorie", "Urgence", "ETD", "Statut", "Niveau", "Détails"],
      alerts.map((a) =>
        el(
          "tr",
          { "data-ref": a.ref },
          el("td", {}, a.ref),
          el("td", {}, when(a.createdAt, currentLanguage())),
          el("td", {}, a.category),
          el("td", {}, a.urgency),
          el("td", {}, a.location?.name ?? a.location?.code ?? "—"),
          el("td", { className: `status-${a.status}` }, a.status),
          el("td", {}, String(a.tier)),
          el(
            "td",
            {},
            a.withheld
              ? el("p", { className: "note" }, t("queues.withheld"))
              : [a.place ? el("div", {}, a.place) : null, a.description ? el("div", {}, a.description) : null],
            a.anonymous ? el("div", { className: "muted" }, t("queues.anonymous")) : null,
            history(a.events),
          ),
        ),
      ),
    ),
  );
}

export async function loadReferralQueue(container, status) {
  const { referrals } = await getJson(`/api/queues/referrals${status ? `?status=${encodeURIComponent(status)}` : ""}`);
  if (referrals.length === 0) return fill(container, el("p", { className: "muted" }, t("queues.empty")));
  const lang = currentLanguage();
  fill(
    container,
    table(
      ["Réf.", "Créée", "Service", "Prestataire", "Lieu", "Statut", "Priorité", "Réponse avant", "Historique"],
      referrals.map((r) =>
        el(
          "tr",
          { "data-ref": r.ref },
          el("td", {}, r.ref),
          el("td", {}, when(r.createdAt, lang)),
          el("td", {}, r.service?.labels?.[lang] ?? r.service?.labels?.fr ?? r.service?.code ?? "—"),
          el("td", {}, r.provider?.name ?? "—"),
          el("td", {}, r.location?.name ?? "—"),
          el("td", { className: `status-${r.status}` }, r.status),
          el("td", {}, String(r.priority)),
          el("td", {}, when(r.respondBy, lang)),
          el(
            "td",
            {},
            r.vulnerabilities?.length ? el("div", {}, r.vulnerabilities.join(", ")) : null,
            history(r.events),
          ),
        ),
      ),
    ),
  );
}

export async function loadFeedback(container) {
  const { counts, items } = await getJson("/api/feedback");
  const summary = el(
    "p",
    { className: "muted" },
    counts.map((c) => `${c.type} / ${c.status} : ${c.count}`).join(" · ") || t("queues.empty"),
  );
  if (!items) return fill(container, summary);
  const statusSelect = (item) => {
    const select = el(
      "select",
      { "aria-label": item.ref },
      ["open", "in_progress", "closed"].map((s) => el("option", { value: s, selected: s === item.status }, s)),
    );
    select.addEventListener("change", () => {
      send("PATCH", `/api/feedback/${item.id}`, { status: select.value }).catch((error) =>
        alert(t("common.error", { message: error.message })),
      );
    });
    return select;
  };
  fill(
    container,
    summary,
    table(
      ["Réf.", "Reçu", "Type", "Texte", "Statut"],
      items.map((i) =>
        el(
          "tr",
          { "data-ref": i.ref },
          el("td", {}, i.ref),
          el("td", {}, when(i.createdAt, currentLanguage())),
          el("td", {}, i.type),
          el("td", {}, i.text ?? "—"),
          el("td", {}, statusSelect(i)),
        ),
      ),
    ),
  );
}
