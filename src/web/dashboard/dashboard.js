import { bindUserForm, loadAudit, loadDeliveries, loadUsers } from "./admin.js";
import { getJson, send, setCsrfToken } from "./api.js";
import { el, fill } from "./dom.js";
import { loadFlows, showFlow } from "./flows.js";
import { renderIndicators } from "./indicators.js";
import { loadAlertQueue, loadFeedback, loadReferralQueue } from "./queues.js";
import { applyTexts, currentLanguage, setLanguage, t } from "./texts.js";

/** Tabs each role sees (the API enforces the same rules: hiding a tab is only a courtesy). */
const tabsByRole = {
  admin: ["indicators", "exports", "queues", "deliveries", "flows", "users", "audit"],
  meal: ["indicators", "exports", "flows"],
  case_handler: ["queues", "flows"],
};

/** Roles that act on alerts and referrals from the queues (the API checks the same). */
const queueActors = ["admin", "case_handler"];

const $ = (id) => document.getElementById(id);
let me = null;
let meta = null;
let active = null;
let loadSeq = 0;

function iso(date) {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 10);
}

function setThisMonth() {
  const now = new Date();
  const form = $("filters");
  form.elements.from.value = iso(new Date(now.getFullYear(), now.getMonth(), 1));
  form.elements.to.value = iso(new Date(now.getFullYear(), now.getMonth() + 1, 0));
}

/** The filters as a query string (shared by the indicators and the export links). */
function filterQuery(extra = {}) {
  const form = $("filters");
  const params = new URLSearchParams();
  for (const name of ["from", "to", "location", "channel", "sex", "ageGroup"]) {
    const value = form.elements[name].value;
    if (value) params.set(name, value);
  }
  const by = [form.elements.by1.value, form.elements.by2.value].filter(Boolean);
  if (by.length > 0) params.set("by", [...new Set(by)].join(","));
  params.set("lang", currentLanguage());
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params.toString();
}

function options(select, items, allLabel) {
  const previous = select.value;
  fill(
    select,
    el("option", { value: "" }, allLabel),
    items.map((i) => el("option", { value: i.code }, i.label)),
  );
  select.value = previous;
}

async function loadMeta() {
  meta = await getJson(`/api/meal/meta?lang=${currentLanguage()}`);
  const form = $("filters");
  const places = meta.places.map((p) => ({ code: p.code, label: `${"\u00a0\u00a0".repeat(p.depth)}${p.name}` }));
  options(form.elements.location, places, t("filters.all"));
  options(form.elements.channel, meta.channels, t("filters.all"));
  options(form.elements.sex, meta.sexes, t("filters.all"));
  options(form.elements.ageGroup, meta.ageGroups, t("filters.all"));
  options(form.elements.by1, meta.dimensions, t("filters.default"));
  options(form.elements.by2, meta.dimensions, t("filters.none"));
  const purpose = $("export-purpose");
  const previous = purpose.value;
  fill(
    purpose,
    meta.purposes.map((p) => el("option", { value: p }, p)),
  );
  if (previous) purpose.value = previous;
}

async function loadIndicators() {
  const seq = ++loadSeq;
  const status = $("indicators-status");
  status.textContent = t("indicators.loading");
  const started = performance.now();
  const { reports } = await getJson(`/api/meal/indicators?${filterQuery()}`);
  if (seq !== loadSeq) return; // a newer filter change is on its way
  renderIndicators($("indicators"), reports);
  status.textContent = t("indicators.updated", {
    time: new Date().toLocaleTimeString(currentLanguage()),
    ms: Math.round(performance.now() - started),
  });
  document.body.dataset.indicatorsLoaded = String(seq);
}

function updateExportLinks() {
  const purpose = $("export-purpose").value || "programme_monitoring";
  for (const link of document.querySelectorAll("a[data-export]")) {
    link.href = `/api/meal/export/${link.dataset.export}.${link.dataset.format}?${filterQuery({ purpose })}`;
    link.setAttribute("download", "");
  }
}

async function loadTab(name) {
  try {
    if (name === "indicators") await loadIndicators();
    if (name === "exports") updateExportLinks();
    if (name === "queues") {
      await Promise.all([
        loadAlertQueue($("alert-queue"), $("alert-status").value, queueOptions()),
        loadReferralQueue($("referral-queue"), $("referral-status").value, queueOptions()),
        loadFeedback($("feedback-queue")),
      ]);
    }
    if (name === "deliveries") await loadDeliveries($("deliveries"));
    if (name === "flows") await loadFlows($("flow-list"), $("flowchart"), $("flow-description"), flowFromHash());
    if (name === "users") await loadUsers($("users"), me);
    if (name === "audit") await loadAudit($("audit"));
  } catch (error) {
    if (error.message !== "signed out") {
      const target = $(`tab-${name}`);
      target.prepend(el("p", { className: "notice error" }, t("common.error", { message: error.message })));
    }
  }
}

function queueOptions() {
  return { canAct: queueActors.includes(me?.role) };
}

function flowFromHash() {
  const match = /^#flow-([a-z][a-z0-9_]*)$/.exec(window.location.hash);
  return match ? match[1] : undefined;
}

function activate(name) {
  active = name;
  for (const button of $("tabs").querySelectorAll("button"))
    button.setAttribute("aria-selected", String(button.dataset.tab === name));
  for (const section of document.querySelectorAll("section.tab")) section.hidden = section.id !== `tab-${name}`;
  $("filters-bar").hidden = !(name === "indicators" || name === "exports");
  return loadTab(name);
}

function buildTabs(names) {
  fill(
    $("tabs"),
    names.map((name) => {
      const button = el(
        "button",
        { type: "button", role: "tab", "data-tab": name, "data-testid": `tab-${name}` },
        t(`tab.${name}`),
      );
      button.addEventListener("click", () => {
        if (name === "flows") window.location.hash = "flows";
        activate(name);
      });
      return button;
    }),
  );
}

async function main() {
  me = await getJson("/api/me");
  setCsrfToken(me.csrfToken);
  setLanguage(localStorage.getItem("relais.lang") ?? "fr");
  $("language").value = currentLanguage();
  applyTexts();
  $("user-email").textContent = me.email;
  $("user-role").textContent = me.role;
  document.body.dataset.role = me.role;
  const names = tabsByRole[me.role] ?? ["flows"];
  buildTabs(names);

  if (names.includes("indicators")) {
    setThisMonth();
    await loadMeta();
    const form = $("filters");
    form.addEventListener("change", () => {
      if (active === "indicators") loadIndicators().catch(() => undefined);
      updateExportLinks();
    });
    $("this-month").addEventListener("click", () => {
      setThisMonth();
      form.dispatchEvent(new Event("change"));
    });
    $("export-purpose").addEventListener("change", updateExportLinks);
  }
  $("alert-status").addEventListener("change", () =>
    loadAlertQueue($("alert-queue"), $("alert-status").value, queueOptions()),
  );
  $("referral-status").addEventListener("change", () =>
    loadReferralQueue($("referral-queue"), $("referral-status").value, queueOptions()),
  );
  if (names.includes("users")) bindUserForm($("user-form"), $("user-message"), () => loadUsers($("users"), me));

  $("language").addEventListener("change", async () => {
    setLanguage($("language").value);
    localStorage.setItem("relais.lang", currentLanguage());
    applyTexts();
    buildTabs(names);
    if (meta) await loadMeta();
    await activate(active);
  });
  $("logout").addEventListener("click", async () => {
    await send("POST", "/logout").catch(() => undefined);
    window.location.assign("/login?signedOut=1");
  });
  window.addEventListener("hashchange", () => {
    const flow = flowFromHash();
    if (!flow || !names.includes("flows")) return;
    if (active !== "flows") activate("flows");
    else showFlow(flow, $("flow-list"), $("flowchart"), $("flow-description"));
  });

  const first = flowFromHash() && names.includes("flows") ? "flows" : names[0];
  await activate(first);
  document.body.dataset.ready = "true";
}

main().catch((error) => {
  if (error.message !== "signed out")
    document.body.prepend(el("p", { className: "notice error" }, String(error.message)));
});
