import type { Request, RequestHandler, Response } from "express";
import type { Config } from "../config/loadConfig.js";
import type { PrismaClient, UserRole } from "../generated/prisma/client.js";
import { AppError } from "../http/AppError.js";
import type { Logger } from "../log/createLogger.js";
import type { AuthPort } from "../service/Feature.js";
import { type AuthUser, authUserSchema } from "./AuthUser.js";
import { sameSecret } from "./hashSecret.js";
import { escapeHtml } from "./renderPage.js";
import { readCookie, sessionCookie } from "./sessionCookie.js";
import { readApiToken, readSession } from "./sessionStore.js";

/** The auth port plus what the login pages and the dashboard need. */
export interface Auth extends AuthPort {
  /** Who sent the request (session cookie or bearer token), without enforcing anything. */
  identify(req: Request): Promise<AuthUser | null>;
  /** The session cookie's name and options (PUBLIC_URL decides `Secure`). */
  cookie: ReturnType<typeof sessionCookie>;
}

const unsafeMethods = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Authentication for the admin API and pages. `requireRole(...roles)` accepts a session cookie
 * or `Authorization: Bearer <api token>`:
 * - nobody signed in → 401 (a page asked by a browser is redirected to `/login?next=...`);
 * - a role not listed → 403 (`admin` passes every check);
 * - a session request that changes something (POST, PUT, PATCH, DELETE) must carry the session's
 *   CSRF token in `X-CSRF-Token` (or a `_csrf` form field already parsed) → 403 otherwise.
 *   Bearer-token requests carry no cookie, so they need no CSRF token.
 * The user is put on `res.locals.user` (read it with `currentUser(res)`).
 *
 * @example
 * router.get("/api/alerts", ctx.auth.requireRole("case_handler"), listAlerts);
 */
export function createAuth(deps: { prisma: PrismaClient; config: Config; log: Logger; now?: () => Date }): Auth {
  const now = deps.now ?? (() => new Date());
  const cookie = sessionCookie(deps.config.server.publicUrl);

  async function identify(req: Request): Promise<AuthUser | null> {
    const authorization = req.headers.authorization;
    if (authorization?.startsWith("Bearer ")) {
      const user = await readApiToken(deps.prisma, authorization.slice("Bearer ".length).trim(), now());
      return user ? { ...user, via: "token", csrfToken: null } : null;
    }
    const value = readCookie(req, cookie.name);
    if (!value) return null;
    const session = await readSession(deps.prisma, value, now());
    return session ? { ...session.user, via: "session", csrfToken: session.csrfToken } : null;
  }

  function requireRole(...roles: UserRole[]): RequestHandler {
    return async (req, res, next) => {
      const known = authUserSchema.safeParse(res.locals.user);
      const user = known.success ? known.data : await identify(req);
      if (!user) {
        if (wantsPage(req)) return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
        throw new AppError("unauthorized", "sign in or send an API token");
      }
      if (user.role !== "admin" && !roles.includes(user.role)) {
        if (wantsPage(req)) return void sendForbiddenPage(res);
        throw new AppError("forbidden", "your role does not allow this");
      }
      if (user.via === "session" && unsafeMethods.has(req.method) && !csrfMatches(req, user.csrfToken)) {
        throw new AppError("forbidden", "missing or wrong CSRF token");
      }
      res.locals.user = user;
      next();
    };
  }

  return { requireRole, identify, cookie };
}

/** A browser navigating to a page (not a script calling the API). */
function wantsPage(req: Request): boolean {
  return (
    (req.method === "GET" || req.method === "HEAD") &&
    !req.path.startsWith("/api/") &&
    req.accepts(["json", "html"]) === "html"
  );
}

function csrfMatches(req: Request, expected: string | null): boolean {
  if (!expected) return false;
  const header = req.get("x-csrf-token");
  const body: unknown = req.body;
  const field = typeof body === "object" && body !== null && "_csrf" in body ? body._csrf : undefined;
  const given = header ?? (typeof field === "string" ? field : undefined);
  return given !== undefined && sameSecret(given, expected);
}

function sendForbiddenPage(res: Response): void {
  res
    .status(403)
    .type("html")
    .send(
      `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${escapeHtml("Accès refusé")}</title>` +
        `<link rel="stylesheet" href="/dashboard/assets/dashboard.css"></head><body class="page-message">` +
        `<main><h1>Accès refusé</h1><p>Votre rôle ne permet pas d'ouvrir cette page.</p>` +
        `<p><a href="/dashboard">Tableau de bord</a></p></main></body></html>`,
    );
}
