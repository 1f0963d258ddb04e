import type { CookieOptions, Request } from "express";

/** Session lifetime: a working day; signing in again afterwards. */
export const sessionTtlMs = 12 * 3_600_000;

/**
 * Names and options of the session cookie. Behind HTTPS (`PUBLIC_URL` https) the cookie is
 * `Secure` and carries the `__Host-` prefix, which browsers only accept from a secure origin, for
 * path `/` and without a domain.
 */
export function sessionCookie(publicUrl: string): { name: string; options: CookieOptions } {
  const secure = publicUrl.startsWith("https://");
  return {
    name: secure ? "__Host-relais_session" : "relais_session",
    options: { httpOnly: true, sameSite: "lax", secure, path: "/" },
  };
}

/** The login form's CSRF cookie (double submit: the same value is in the form). */
export function loginCsrfCookie(publicUrl: string): { name: string; options: CookieOptions } {
  const secure = publicUrl.startsWith("https://");
  return {
    name: secure ? "__Host-relais_login_csrf" : "relais_login_csrf",
    options: { httpOnly: true, sameSite: "strict", secure, path: "/", maxAge: 3_600_000 },
  };
}

/** Reads one cookie from the `Cookie` header (no cookie-parser needed on every router). */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index < 0) continue;
    if (part.slice(0, index).trim() !== name) continue;
    const value = part.slice(index + 1).trim();
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}
