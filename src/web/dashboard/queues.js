import { getJson, send } from "./api.js";
import { el, fill, table, when } from "./dom.js";
import { currentLanguage, t } from "./texts.js";

/** Outcomes a provider reports (the referral domain's `outcomeStatuses`). */
const referralOutcomes = ["served", "no_show", "refused_by_person", "no_capacity", "unreachable"];

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

/**
 * An action of a queue row: a button that opens a small form (fields, confirm, cancel), or acts at
 * once when `immediate`. Confirming posts to the API (with the session's CSRF token, see api.js),
 * then `done(result)` refreshes the row; when someone was faster (409) the row is refreshed too,
 * with the refusal shown in it; any other failure is shown under the action, whose form stays open.
 */
function action({ id, label, fields = [], confirmLabel, immediate = false, request, done }) {
  const message = el("p", { className: "action-message", role: "status", "data-testid": `message-${id}` });
  const form = el("form", { className: "row-form", hidden: true, "data-testid": `form-${id}` });
  const confirm = el("button", { type: "submit", className: "primary", "data-testid": `confirm-${id}` }, confirmLabel);
  const cancel = el("button", { type: "button" }, t("common.cancel"));
  fill(form, fields, confirm, cancel);
  const open = el("button", { type: "button", "data-testid": id }, label);
  open.addEventListener("click", () => {
    message.textContent = "";
    if (immediate) form.requestSubmit();
    else form.hidden = !form.hidden;
  });
  cancel.addEventListener("click", () => {
    form.hidden = true;
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    confirm.disabled = true;
    open.disabled = true;
    try {
      const result = await request(new FormData(form));
      await done(result);
    } catch (error) {
      const text = t("common.error", { message: error.message });
      // Someone was faster (409): show the row as it now is, with the refusal.
      if (error.status === 409) return done(null, text).catch(() => undefined);
      message.className = "action-message notice error";
      message.textContent = text;
      confirm.disabled = false;
      open.disabled = false;
    }
  });
  return el("div", { className: "row-action" }, open, form, message);
}

/** Writes what an action did (or why it was refused) under a refreshed row's actions. */
function rowNote(row, done, refused) {
  const note = row.querySelector(".row-done");
  if (note) {
    note.textContent = refused ?? done ?? "";
    note.classList.toggle("refused", Boolean(refused));
  }
  return row;
}

function labelled(text, control) {
  return el("label", {}, text, control);
}

function alertActions(a, refresh) {
  const ref = encodeURIComponent(a.ref);
  const actions = [];
  if (a.status === "open") {
    actions.push(
      action({
        id: `ack-${a.ref}`,
        label: t("alerts.acknowledge"),
        confirmLabel: t("alerts.acknowledge"),
        immediate: true,
        request: () => send("POST", `/api/alerts/${ref}/acknowledge`, {}),
        done: (_result, refused) => refresh(t("alerts.acknowledged", { ref: a.ref }), refused),
      }),
    );
  }
  if (a.status === "open" || a.status === "acknowledged") {
    actions.push(
      action({
        id: `close-${a.ref}`,
        label: t("alerts.close"),
        fields: [
          labelled(
            t("alerts.closeReason"),
            el(
              "select",
              { name: "reason", required: true, "data-testid": `close-reason-${a.ref}` },
              ["resolved", "false_alarm"].map((r) => el("option", { value: r }, t(`alerts.reason.${r}`))),
            ),
          ),
          labelled(
            t("common.note"),
            el("input", { name: "note", maxlength: 1000, "data-testid": `close-note-${a.ref}` }),
          ),
        ],
        confirmLabel: t("alerts.confirmClose"),
        request: (data) => {
          const note = String(data.get("note") ?? "").trim();
          return send("POST", `/api/alerts/${ref}/close`, { reason: data.get("reason"), ...(note ? { note } : {}) });
        },
        done: (_result, refused) => refresh(t("alerts.closed", { ref: a.ref }), refused),
      }),
    );
  }
  return actions;
}

function alertRow(a, options) {
  const row = el(
    "tr",
    { "data-ref": a.ref, "data-status": a.status },
    el("td", {}, a.ref),
    el("td", {}, when(a.createdAt, currentLanguage())),
    el("td", {}, a.category),
    el("td", {}, a.urgency),
    el("td", {}, a.location?.name ?? a.location?.code ?? "—"),
    el("td", { className: `status-${a.status}`, "data-testid": `status-${a.ref}` }, a.status),
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
  );
  if (options.canAct) {
    const refresh = async (done, refused) => {
      const { alerts } = await getJson(`/api/queues/alerts?ref=${encodeURIComponent(a.ref)}`);
      row.replaceWith(rowNote(alerts[0] ? alertRow(alerts[0], options) : row, done, refused));
    };
    row.append(el("td", {}, alertActions(a, refresh), el("p", { className: "row-done", role: "status" })));
  }
  return row;
}

/**
 * The alert queue. With `canAct` (admins and case handlers), each row offers what its state allows:
 * acknowledge an open alert, close an open or acknowledged one with how it ended and a note.
 */
export async function loadAlertQueue(container, status, options = {}) {
  const { alerts } = await getJson(`/api/queues/alerts${status ? `?status=${encodeURIComponent(status)}` : ""}`);
  if (alerts.length === 0) return fill(container, el("p", { className: "muted" }, t("queues.empty")));
  const headers = ["Réf.", "Reçue", "Catégorie", "Urgence", "ETD", "Statut", "Niveau", "Détails"];
  fill(
    container,
    table(
      options.canAct ? [...headers, t("queues.actions")] : headers,
      alerts.map((a) => alertRow(a, options)),
    ),
  );
}

function referralActions(r, refresh) {
  const ref = encodeURIComponent(r.ref);
  const post = (verb, body) => send("POST", `/api/referrals/${ref}/${verb}`, body);
  const said = (result, refused) =>
    refused
      ? refresh(null, refused)
      : refresh(
          t(`referrals.done.${result.result === "declined" && !result.reoffered ? "declinedFinal" : result.result}`, {
            ref: r.ref,
            provider: result.referral.provider?.name ?? "",
            status: t(`referrals.status.${result.referral.status}`),
          }),
        );
  const actions = [];
  if (r.status === "pending") {
    actions.push(
      action({
        id: `accept-${r.ref}`,
        label: t("referrals.accept"),
        confirmLabel: t("referrals.confirmAccept"),
        request: () => post("accept", {}),
        done: said,
      }),
      action({
        id: `decline-${r.ref}`,
        label: t("referrals.decline"),
        fields: [
          labelled(
            t("referrals.declineReason"),
            el("input", { name: "reason", maxlength: 500, "data-testid": `decline-reason-${r.ref}` }),
          ),
        ],
        confirmLabel: t("referrals.confirmDecline"),
        request: (data) => {
          const reason = String(data.get("reason") ?? "").trim();
          return post("decline", reason ? { reason } : {});
        },
        done: said,
      }),
    );
  }
  if (r.status === "accepted" || referralOutcomes.includes(r.status)) {
    actions.push(
      action({
        id: `outcome-${r.ref}`,
        label: t(r.status === "accepted" ? "referrals.outcome" : "referrals.correctOutcome"),
        fields: [
          labelled(
            t("referrals.outcomeLabel"),
            el(
              "select",
              { name: "outcome", required: true, "data-testid": `outcome-select-${r.ref}` },
              referralOutcomes.map((o) =>
                el("option", { value: o, selected: o === r.status }, t(`referrals.status.${o}`)),
              ),
            ),
          ),
          labelled(
            t("common.note"),
            el("input", { name: "note", maxlength: 500, "data-testid": `outcome-note-${r.ref}` }),
          ),
        ],
        confirmLabel: t("referrals.saveOutcome"),
        request: (data) => {
          const note = String(data.get("note") ?? "").trim();
          return post("outcome", { outcome: data.get("outcome"), ...(note ? { note } : {}) });
        },
        done: said,
      }),
    );
  }
  return actions;
}

function referralRow(r, options) {
  const lang = currentLanguage();
  const row = el(
    "tr",
    { "data-ref": r.ref, "data-status": r.status },
    el("td", {}, r.ref),
    el("td", {}, when(r.createdAt, lang)),
    el("td", {}, r.service?.labels?.[lang] ?? r.service?.labels?.fr ?? r.service?.code ?? "—"),
    el("td", {}, r.provider?.name ?? "—"),
    el("td", {}, r.location?.name ?? "—"),
    el("td", { className: `status-${r.status}`, "data-testid": `status-${r.ref}` }, r.status),
    el("td", {}, String(r.priority)),
    el("td", {}, when(r.respondBy, lang)),
    el("td", {}, r.vulnerabilities?.length ? el("div", {}, r.vulnerabilities.join(", ")) : null, history(r.events)),
  );
  if (options.canAct) {
    const refresh = async (done, refused) => {
      const { referrals } = await getJson(`/api/queues/referrals?ref=${encodeURIComponent(r.ref)}`);
      row.replaceWith(rowNote(referrals[0] ? referralRow(referrals[0], options) : row, done, refused));
    };
    row.append(el("td", {}, referralActions(r, refresh), el("p", { className: "row-done", role: "status" })));
  }
  return row;
}

/**
 * The referral queue. With `canAct` (admins and case handlers), each row offers what its state
 * allows: record that the provider accepted or declined a pending referral (a decline offers it to
 * the next provider), record or correct the outcome of an accepted one.
 */
export async function loadReferralQueue(container, status, options = {}) {
  const { referrals } = await getJson(`/api/queues/referrals${status ? `?status=${encodeURIComponent(status)}` : ""}`);
  if (referrals.length === 0) return fill(container, el("p", { className: "muted" }, t("queues.empty")));
  const headers = [
    "Réf.",
    "Créée",
    "Service",
    "Prestataire",
    "Lieu",
    "Statut",
    "Priorité",
    "Réponse avant",
    "Historique",
  ];
  fill(
    container,
    table(
      options.canAct ? [...headers, t("queues.actions")] : headers,
      referrals.map((r) => referralRow(r, options)),
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
