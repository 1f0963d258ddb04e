import type { Response } from "express";
import { z } from "zod";
import { AppError } from "../http/AppError.js";

/** Roles a user can hold; `admin` passes every role check. */
export const userRoles = ["admin", "meal", "case_handler"] as const;

/** The signed-in user (or API token owner) that `requireRole` puts on `res.locals.user`. */
export const authUserSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  role: z.enum(userRoles),
  canSeeSensitive: z.boolean(),
  /** How the request was authenticated: a browser session (CSRF-checked) or an API token. */
  via: z.enum(["session", "token"]),
  /** The session's CSRF token (sessions only). */
  csrfToken: z.string().nullable(),
});
export type AuthUser = z.infer<typeof authUserSchema>;

/**
 * The user `requireRole` let through, read back from `res.locals.user` (for handlers that audit
 * or filter by role). Throws `unauthorized` when the route was not behind `requireRole`.
 *
 * @example
 * router.post("/api/alerts/:id/close", ctx.auth.requireRole("case_handler"), async (req, res) => {
 *   const user = currentUser(res);
 *   await prisma.alertEvent.create({ data: { ..., userId: user.id } });
 * });
 */
export function currentUser(res: Response): AuthUser {
  const parsed = authUserSchema.safeParse(res.locals.user);
  if (!parsed.success) throw new AppError("unauthorized", "sign in first");
  return parsed.data;
}
