import express, { type Request, type Response, Router } from "express";
import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../log/createLogger.js";
import { writeAudit } from "./audit.js";
import type { Auth } from "./createAuth.js";
import { verifyPassword } from "./ensureAdmin.js";
import { randomSecret, sameSecret } from "./hashSecret.js";
import { clearLoginFailures, loginBlocked, recordLoginFailure } from "./loginRateLimit.js";
import { type LoginPageInput, renderLoginPage } from "./renderLoginPage.js";
import { loginCsrfCookie, readCookie, sessionTtlMs } from "./sessionCookie.js";
import { createSession, deleteSession } from "./sessionStore.js";

const loginBodySchema = z.object({
  email: z.string().trim().toLowerCase().max(254),
  password: z.string().min(1).max(1024),
  _csrf: z.string().min(1).max(200),
  next: z.string().max(2000).optional(),
});

const logoutBodySchema = z.object({ _csrf: z.string().max(200).optional() }).optional();

/** Only paths on this site (no `//host` or `https://...`): an open redirect would help phishing. */
export function safeNext(next: string | undefined): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/dashboard";
  return next;
}

/**
 * `GET /login` (form), `POST /login` (checks the password with argon2, opens a session cookie,
 * audits success and failure, rate-limits failures per email and address), `POST /logout`.
 */
export function createLoginRouter(deps: {
  prisma: PrismaClient;
  auth: Auth;
  publicUrl: string;
  log: Logger;
  now?: () => Date;
}): Router {
  const now = deps.now ?? (() => new Date());
  const csrfCookie = loginCsrfCookie(deps.publicUrl);
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: "8kb" });

  function sendLogin(res: Response, status: number, input: Omit<LoginPageInput, "csrfToken">): void {
    const csrfToken = randomSecret();
    res.cookie(csrfCookie.name, csrfToken, csrfCookie.options);
    res.setHeader("Cache-Control", "no-store");
    res
      .status(status)
      .type("html")
      .send(renderLoginPage({ ...input, csrfToken }));
  }

  router.get("/login", async (req, res) => {
    const next = safeNext(typeof req.query.next === "string" ? req.query.next : undefined);
    if (await deps.auth.identify(req)) return res.redirect(303, next);
    sendLogin(res, 200, { next, ...(req.query.signedOut === "1" ? { error: "signed_out" as const } : {}) });
  });

  router.post("/login", form, async (req, res) => {
    const parsed = loginBodySchema.safeParse(req.body);
    if (!parsed.success) return sendLogin(res, 400, { next: "/dashboard", error: "invalid" });
    const { email, password, _csrf, next } = parsed.data;
    const target = safeNext(next);
    const expected = readCookie(req, csrfCookie.name);
    if (!expected || !sameSecret(expected, _csrf)) return sendLogin(res, 403, { next: target, email, error: "csrf" });

    const ip = clientIp(req);
    const at = now();
    const user = await deps.prisma.user.findUnique({
      where: { email },
      select: { id: true, passwordHash: true, active: true },
    });
    if (await loginBlocked(deps.prisma, email, ip, at)) {
      await writeAudit(deps.prisma, { userId: user?.id ?? null, action: "login.rate_limited", data: { ip } });
      return sendLogin(res, 429, { next: target, email, error: "rate_limited" });
    }
    const valid = await verifyPassword(user?.passwordHash ?? null, password);
    if (!user || !valid || !user.active) {
      await recordLoginFailure(deps.prisma, email, ip, at);
      const reason = !user ? "unknown_email" : !valid ? "wrong_password" : "inactive_user";
      await writeAudit(deps.prisma, { userId: user?.id ?? null, action: "login.failure", data: { reason, ip } });
      return sendLogin(res, 401, { next: target, email, error: "invalid" });
    }

    const previous = readCookie(req, deps.auth.cookie.name);
    if (previous) await deleteSession(deps.prisma, previous);
    const session = await createSession(deps.prisma, user.id, at);
    await deps.prisma.user.update({ where: { id: user.id }, data: { lastLoginAt: at } });
    await clearLoginFailures(deps.prisma, email, ip);
    await writeAudit(deps.prisma, { userId: user.id, action: "login.success", data: { ip } });
    res.clearCookie(csrfCookie.name, { ...csrfCookie.options, maxAge: undefined });
    res.cookie(deps.auth.cookie.name, session.cookieValue, { ...deps.auth.cookie.options, maxAge: sessionTtlMs });
    res.redirect(303, target);
  });

  router.post("/logout", form, async (req, res) => {
    const user = await deps.auth.identify(req);
    const body = logoutBodySchema.safeParse(req.body);
    const token = req.get("x-csrf-token") ?? (body.success ? body.data?._csrf : undefined);
    const cookieValue = readCookie(req, deps.auth.cookie.name);
    if (user?.via === "session" && cookieValue && user.csrfToken && token && sameSecret(token, user.csrfToken)) {
      await deleteSession(deps.prisma, cookieValue);
      await writeAudit(deps.prisma, { userId: user.id, action: "logout" });
    } else if (user) {
      res.status(403).json({ error: "forbidden", message: "missing or wrong CSRF token" });
      return;
    }
    res.clearCookie(deps.auth.cookie.name, { ...deps.auth.cookie.options, maxAge: undefined });
    if (req.accepts(["json", "html"]) === "json") res.json({ status: "signed_out" });
    else res.redirect(303, "/login?signedOut=1");
  });

  return router;
}

/** The peer address (the app does not trust forwarded headers: `trust proxy` is off). */
function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? "unknown";
}
