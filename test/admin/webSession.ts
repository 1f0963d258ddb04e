/** A signed-in browser session for HTTP tests: cookies kept by hand, the CSRF token from /api/me. */
export interface WebSession {
  cookie: string;
  csrfToken: string;
  get(path: string, init?: RequestInit): Promise<Response>;
  send(method: string, path: string, body?: unknown, withCsrf?: boolean): Promise<Response>;
}

/** The `name=value` pairs of a response's Set-Cookie headers. */
export function cookiesOf(response: Response): Map<string, string> {
  const out = new Map<string, string>();
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(";");
    const index = pair?.indexOf("=") ?? -1;
    if (pair && index > 0) out.set(pair.slice(0, index), pair.slice(index + 1));
  }
  return out;
}

/** GET /login then POST the form, as a browser does; returns the raw response (303 on success). */
export async function postLogin(baseUrl: string, email: string, password: string, next?: string): Promise<Response> {
  const page = await fetch(`${baseUrl}/login`, { redirect: "manual" });
  const html = await page.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  const cookie = [...cookiesOf(page)].map(([k, v]) => `${k}=${v}`).join("; ");
  return fetch(`${baseUrl}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ email, password, _csrf: csrf, ...(next ? { next } : {}) }).toString(),
  });
}

/** Signs in and returns a session that sends the cookie (and the CSRF token on changes). */
export async function signIn(baseUrl: string, email: string, password: string): Promise<WebSession> {
  const response = await postLogin(baseUrl, email, password);
  if (response.status !== 303) throw new Error(`sign-in failed: ${response.status}`);
  const session = [...cookiesOf(response)].find(([name]) => name.includes("relais_session"));
  if (!session) throw new Error("no session cookie");
  const cookie = `${session[0]}=${session[1]}`;
  const me = (await (await fetch(`${baseUrl}/api/me`, { headers: { cookie } })).json()) as { csrfToken: string };
  const get = (path: string, init: RequestInit = {}) =>
    fetch(`${baseUrl}${path}`, { redirect: "manual", ...init, headers: { cookie, ...(init.headers ?? {}) } });
  return {
    cookie,
    csrfToken: me.csrfToken,
    get,
    send: (method, path, body, withCsrf = true) =>
      fetch(`${baseUrl}${path}`, {
        method,
        redirect: "manual",
        headers: {
          cookie,
          "content-type": "application/json",
          ...(withCsrf ? { "x-csrf-token": me.csrfToken } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
  };
}
