import type { Response } from "express";
import { z } from "zod";

const userOnLocals = z.object({ id: z.uuid() });

/** The id of the user `requireRole` let through (on `res.locals.user`), or null (test auth, tokens without user). */
export function auditUserId(res: Response): string | null {
  const parsed = userOnLocals.safeParse(res.locals.user);
  return parsed.success ? parsed.data.id : null;
}
