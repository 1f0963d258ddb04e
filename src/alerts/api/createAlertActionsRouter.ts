import express, { type Response, Router } from "express";
import { z } from "zod";
import { currentUser } from "../../admin/AuthUser.js";
import type { Tx } from "../../db/Tx.js";
import { AppError } from "../../http/AppError.js";
import type { FeatureContext } from "../../service/Feature.js";
import type { AlertActor } from "../AlertActor.js";
import { acknowledgeAlert } from "../acknowledgeAlert.js";
import { CLOSE_REASONS } from "../alertCodes.js";
import type { AlertRow } from "../alertSelect.js";
import { closeAlert } from "../closeAlert.js";
import { lockAlert } from "../lockAlert.js";
import { alertRefParam } from "./alertQuerySchema.js";

/** `POST /api/alerts/:ref/acknowledge`: no body (or `{}`). */
export const acknowledgeBodySchema = z.strictObject({});

/** `POST /api/alerts/:ref/close`: how it ended, as `FIN A-1042 1|2`, and an optional note (history only). */
export const closeBodySchema = z.strictObject({
  reason: z.enum(CLOSE_REASONS),
  note: z.string().trim().max(1000).optional(),
});

/** What an action answers: the alert's state after it. */
interface AlertState {
  ref: string;
  status: string;
  tier: number;
  acknowledgedAt: Date | null;
  closedAt: Date | null;
  closeReason: string | null;
}

/**
 * Case handlers act on alerts from the web, as focal points do by `OK` and `FIN` (same domain
 * functions: history, audit log, MEAL events, recipients and reporter told through the outbox),
 * for roles admin and case_handler (a session needs its `X-CSRF-Token`; an API token does not):
 * - `POST /api/alerts/:ref/acknowledge` → 200 `{ result: "acknowledged", alert }`;
 * - `POST /api/alerts/:ref/close` `{ reason: "resolved" | "false_alarm", note? }` → 200
 *   `{ result: "closed", alert }`; the reporter who consented gets the closing word of `FIN`.
 * An unknown reference → 404; acknowledging an alert that is not open, or closing a closed one →
 * 409 with the alert's state; a bad reference or body → 400.
 */
export function createAlertActionsRouter(ctx: FeatureContext): Router {
  const router = Router();
  const handlers = ctx.auth.requireRole("admin", "case_handler");
  const json = express.json({ limit: "16kb" });

  router.post("/api/alerts/:ref/acknowledge", handlers, json, async (req, res) => {
    const key = parseKey(req.params.ref);
    acknowledgeBodySchema.parse(req.body ?? {});
    const alert = await act(ctx, res, key, async (tx, locked, actor, now) => {
      if (locked.status === "acknowledged") throw conflict(locked, `alert ${locked.ref} is already acknowledged`);
      if (locked.status === "closed")
        throw conflict(locked, `alert ${locked.ref} is closed: it cannot be acknowledged`);
      await acknowledgeAlert(tx, ctx, { alert: locked, actor, now });
    });
    ctx.log.info({ ref: alert.ref, via: "web" }, "alert acknowledged");
    res.json({ result: "acknowledged", alert });
  });

  router.post("/api/alerts/:ref/close", handlers, json, async (req, res) => {
    const key = parseKey(req.params.ref);
    const body = closeBodySchema.parse(req.body ?? {});
    const alert = await act(ctx, res, key, async (tx, locked, actor, now) => {
      if (locked.status === "closed") throw conflict(locked, `alert ${locked.ref} is already closed`);
      await closeAlert(tx, ctx, { alert: locked, actor, reason: body.reason, note: body.note ?? null, now });
    });
    ctx.log.info({ ref: alert.ref, reason: body.reason, via: "web" }, "alert closed");
    res.json({ result: "closed", alert });
  });

  return router;
}

function parseKey(param: unknown): { ref: string } | { id: string } {
  const key = alertRefParam.safeParse(param);
  if (!key.success) throw new AppError("bad_request", "an alert reference looks like A-1042");
  return key.data.startsWith("A-") ? { ref: key.data } : { id: key.data };
}

function conflict(alert: AlertRow, message: string): AppError {
  return new AppError("conflict", message, { ref: alert.ref, status: alert.status });
}

/**
 * Locks the alert, runs `change` as the signed-in user in one transaction (an AppError inside rolls
 * it back), wakes the outbox for what it enqueued, and reads the alert's state back.
 */
async function act(
  ctx: FeatureContext,
  res: Response,
  key: { ref: string } | { id: string },
  change: (tx: Tx, alert: AlertRow, actor: AlertActor, now: Date) => Promise<void>,
): Promise<AlertState> {
  const user = currentUser(res);
  const state = await ctx.prisma.$transaction(
    async (tx) => {
      const alert = await lockAlert(tx, key);
      if (!alert) throw new AppError("not_found", `alert ${"ref" in key ? key.ref : key.id} does not exist`);
      const account = await tx.user.findUnique({ where: { id: user.id }, select: { name: true } });
      await change(
        tx,
        alert,
        { kind: "user", userId: user.id, name: account?.name ?? null, role: user.role },
        new Date(),
      );
      return tx.alert.findUniqueOrThrow({
        where: { id: alert.id },
        select: { ref: true, status: true, tier: true, acknowledgedAt: true, closedAt: true, closeReason: true },
      });
    },
    { timeout: 20_000, maxWait: 20_000 },
  );
  ctx.wakeOutbox();
  return state;
}
