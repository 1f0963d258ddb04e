let csrfToken = null;

/** Remembers the session's CSRF token (from /api/me) for requests that change something. */
export function setCsrfToken(token) {
  csrfToken = token;
}

async function handle(response) {
  if (response.status === 401) {
    window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.hash)}`);
    throw new Error("signed out");
  }
  const body = response.headers.get("content-type")?.includes("json") ? await response.json() : await response.text();
  if (!response.ok) {
    const error = new Error(typeof body === "object" && body?.message ? body.message : `HTTP ${response.status}`);
    // Callers tell a refused change (409: the state moved on) from other failures.
    error.status = response.status;
    throw error;
  }
  return body;
}

export async function getJson(url) {
  return handle(await fetch(url, { headers: { accept: "application/json" }, credentials: "same-origin" }));
}

export async function getText(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.text();
}

export async function send(method, url, body) {
  return handle(
    await fetch(url, {
      method,
      credentials: "same-origin",
      headers: { accept: "application/json", "content-type": "application/json", "x-csrf-token": csrfToken ?? "" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
}
