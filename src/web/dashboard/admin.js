import { getJson, send } from "./api.js";
import { el, fill, table, when } from "./dom.js";
import { currentLanguage, t } from "./texts.js";

export async function loadDeliveries(container) {
  const { items } = await getJson("/api/outbox");
  if (items.length === 0) return fill(container, el("p", { className: "muted" }, t("deliveries.empty")));
  fill(
    container,
    table(
      ["Créé", "Canal", "Statut", "Tentatives", "Erreur", ""],
      items.map((item) => {
        const button = el(
          "button",
          { type: "button", className: "primary", "data-testid": `retry-${item.id}` },
          t("deliveries.retry"),
        );
        const status = el("td", { className: `status-${item.status}` }, item.status);
        button.addEventListener("click", async () => {
          button.disabled = true;
          try {
            await send("POST", `/api/outbox/${item.id}/retry`);
            status.textContent = "pending";
            button.textContent = t("deliveries.retried");
          } catch (error) {
            button.disabled = false;
            alert(t("common.error", { message: error.message }));
          }
        });
        return el(
          "tr",
          { "data-outbox": item.id },
          el("td", {}, when(item.createdAt, currentLanguage())),
          el("td", {}, item.channel),
          status,
          el("td", {}, `${item.attempts}/${item.maxAttempts}`),
          el("td", {}, [item.errorCode, item.lastError].filter(Boolean).join(" — ") || "—"),
          el("td", {}, button),
        );
      }),
    ),
  );
}

async function tokensCell(user) {
  const { tokens } = await getJson(`/api/users/${user.id}/tokens`);
  const list = el(
    "ul",
    {},
    tokens.map((token) => {
      const revoke = el("button", { type: "button" }, t("users.revoke"));
      revoke.addEventListener("click", async () => {
        await send("DELETE", `/api/users/${user.id}/tokens/${token.id}`);
        revoke.replaceWith(" ✕");
      });
      return el(
        "li",
        {},
        `${token.name} (${when(token.lastUsedAt, currentLanguage())})`,
        token.revokedAt ? " ✕" : revoke,
      );
    }),
  );
  const create = el("button", { type: "button" }, t("users.newToken"));
  create.addEventListener("click", async () => {
    const name = prompt(t("users.tokenName"));
    if (!name) return;
    const created = await send("POST", `/api/users/${user.id}/tokens`, { name });
    const box = document.getElementById("token-once");
    box.hidden = false;
    box.textContent = t("users.tokenOnce", { token: created.token });
  });
  return el("div", {}, list, create);
}

export async function loadUsers(container, me) {
  const { users } = await getJson("/api/users");
  const rows = await Promise.all(
    users.map(async (user) => {
      const patch = (body) =>
        send("PATCH", `/api/users/${user.id}`, body).catch((error) =>
          alert(t("common.error", { message: error.message })),
        );
      const role = el(
        "select",
        {},
        ["admin", "meal", "case_handler"].map((r) => el("option", { value: r, selected: r === user.role }, r)),
      );
      role.addEventListener("change", () => patch({ role: role.value }));
      const sensitive = el("input", { type: "checkbox", checked: user.canSeeSensitive });
      sensitive.addEventListener("change", () => patch({ canSeeSensitive: sensitive.checked }));
      const active = el("input", { type: "checkbox", checked: user.active, disabled: user.id === me.id });
      active.addEventListener("change", () => patch({ active: active.checked }));
      return el(
        "tr",
        { "data-user": user.email },
        el("td", {}, user.email),
        el("td", {}, user.name ?? ""),
        el("td", {}, role),
        el("td", {}, sensitive),
        el("td", {}, active),
        el("td", {}, when(user.lastLoginAt, currentLanguage())),
        el("td", {}, await tokensCell(user)),
      );
    }),
  );
  fill(
    container,
    table(
      [
        "E-mail",
        t("users.name"),
        t("users.role"),
        t("users.sensitive"),
        t("users.active"),
        t("users.lastLogin"),
        t("users.tokens"),
      ],
      rows,
    ),
  );
}

export function bindUserForm(form, message, reload) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = {
      email: data.get("email"),
      role: data.get("role"),
      password: data.get("password"),
      canSeeSensitive: data.get("canSeeSensitive") === "on",
      ...(data.get("name") ? { name: data.get("name") } : {}),
    };
    try {
      await send("POST", "/api/users", body);
      message.textContent = t("users.created");
      form.reset();
      await reload();
    } catch (error) {
      message.textContent = t("common.error", { message: error.message });
    }
  });
}

export async function loadAudit(container) {
  const { entries } = await getJson("/api/audit?limit=200");
  fill(
    container,
    table(
      ["Date", "Utilisateur", "Action", "Cible", "Données"],
      entries.map((e) =>
        el(
          "tr",
          {},
          el("td", {}, when(e.at, currentLanguage())),
          el("td", {}, e.user ?? "—"),
          el("td", {}, e.action),
          el("td", {}, e.target ?? ""),
          el("td", {}, e.data ? JSON.stringify(e.data) : ""),
        ),
      ),
    ),
  );
}
