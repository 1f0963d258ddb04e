import express, { Router } from "express";
import { z } from "zod";
import { currentUser } from "../admin/AuthUser.js";
import { AppError } from "../http/AppError.js";
import type { FeatureContext } from "../service/Feature.js";
import { type AnswerResult, answerReferral, lockReferral, type ProviderAnswer } from "./answerReferral.js";
import { referralRefOffset } from "./createReferralCommand.js";
import { outcomeStatuses } from "./referralProfile.js";

const optionalText = z
  .string()
  .trim()
  .max(500)
  .optional()
  .transform((v) => (v === "" ? undefined : v));

/** `POST /api/referrals/:ref/accept`: no body (or `{}`). */
export const acceptBodySchema = z.strictObject({});
/** `POST /api/referrals/:ref/decline`: the provider's reason, if given (history only). */
export const declineBodySchema = z.strictObject({ reason: optionalText });
/** `POST /api/referrals/:ref/outcome`: one of the outcomes a provider reports, and a note (history only). */
export const outcomeBodySchema = z.strictObject({ outcome: z.enum(outcomeStatuses), note: optionalText });

/** `R-2031` (any case, dash optional) → the referral's number (1031). */
const referralRefParam = z
  .string()
  .regex(/^r-?\d{1,9}$/i, "a referral reference looks like R-2031")
  .transform((s) => Number(s.replace(/^r-?/i, "")) - referralRefOffset);

const verbs = { accept: "accepted", decline: "declined", outcome: "given an outcome" } as const;

/**
 * Case handlers record on the web what a provider told them, with the same domain function as the
 * provider's commands and signed link (`answerReferral`: history naming the user, audit log, MEAL
 * event, returnee told, re-offer), for roles admin and case_handler (a session needs its
 * `X-CSRF-Token`; an API token does not):
 * - `POST /api/referrals/:ref/accept` — a pending referral is accepted (follow-up scheduled, returnee told);
 * - `POST /api/referrals/:ref/decline` `{ reason? }` — a pending referral is declined and offered to
 *   the next matching provider, or closed as declined when there is none (returnee told);
 * - `POST /api/referrals/:ref/outcome` `{ outcome: served | no_show | refused_by_person |
 *   no_capacity | unreachable, note? }` — an accepted referral is closed with its outcome (an
 *   outcome may be corrected).
 * 200 `{ result, referral }` (`result`: accepted, declined — with `reoffered` —, outcome, or
 * unchanged when the same answer was already recorded); an unknown reference → 404; an answer the
 * state does not allow (an outcome before acceptance, declining an accepted referral, anything on an
 * expired one) → 409 with the referral's state; a bad reference or body → 400.
 */
export function createReferralActionsRouter(ctx: FeatureContext): Router {
  const router = Router();
  const handlers = ctx.auth.requireRole("admin", "case_handler");
  const json = express.json({ limit: "8kb" });

  router.post("/api/referrals/:ref/:action", handlers, json, async (req, res, next) => {
    const action = z.enum(["accept", "decline", "outcome"]).safeParse(req.params.action);
    if (!action.success) return next();
    const number = referralRefParam.safeParse(req.params.ref);
    if (!number.success) throw new AppError("bad_request", "a referral reference looks like R-2031");
    const answer = parseAnswer(action.data, req.body ?? {});
    const user = currentUser(res);
    const result = await ctx.prisma.$transaction(
      async (tx) => {
        const referral = await lockReferral(tx, number.data);
        if (!referral) throw new AppError("not_found", `referral R-${number.data + referralRefOffset} does not exist`);
        return answerReferral(tx, ctx, referral, answer, { via: "web", userId: user.id, role: user.role }, new Date());
      },
      { timeout: 20_000, maxWait: 20_000 },
    );
    const referral = stateOf(result);
    if (result.status === "not_allowed") {
      const message =
        answer.kind === "outcome" && referral.status === "pending"
          ? `referral ${referral.ref} is pending: it must be accepted before an outcome is recorded`
          : `referral ${referral.ref} is ${referral.status}: it can no longer be ${verbs[action.data]}`;
      throw new AppError("conflict", message, { ref: referral.ref, status: referral.status });
    }
    ctx.wakeOutbox();
    ctx.log.info({ ref: referral.ref, result: result.status, via: "web" }, "referral answered");
    res.json({
      result: result.status,
      ...(result.status === "declined" ? { reoffered: result.reoffered } : {}),
      referral,
    });
  });

  return router;
}

function parseAnswer(action: keyof typeof verbs, body: unknown): ProviderAnswer {
  switch (action) {
    case "accept":
      acceptBodySchema.parse(body);
      return { kind: "accept" };
    case "decline":
      return { kind: "decline", reason: declineBodySchema.parse(body).reason };
    case "outcome": {
      const { outcome, note } = outcomeBodySchema.parse(body);
      return { kind: "outcome", outcome, note };
    }
  }
}

/** The referral's state after an answer, as the queue shows it (never the returnee). */
function stateOf(result: AnswerResult) {
  const r = result.referral;
  return {
    ref: r.ref,
    status: r.status,
    provider: { code: r.provider.code, name: r.provider.name },
    respondBy: r.respondBy,
    acceptedAt: r.acceptedAt,
    outcomeAt: r.outcomeAt,
  };
}
