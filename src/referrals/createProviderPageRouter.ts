import express, { type Request, type Response, Router } from "express";
import { z } from "zod";
import type { Tx } from "../db/Tx.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { type AnswerResult, answerReferral, lockReferral, type ProviderAnswer } from "./answerReferral.js";
import { loadReferral, type ReferralWithContext } from "./loadReferral.js";
import { type ProviderPageView, providerPageView } from "./providerPageView.js";
import type { ReferralDeps } from "./ReferralDeps.js";
import { parseReferralLink, referralLinkKey, verifyReferralLink } from "./referralLink.js";
import { outcomeStatuses } from "./referralProfile.js";
import { providerAssetsDir, renderProviderMessage, renderProviderPage } from "./renderProviderPage.js";

const optionalText = z
  .string()
  .trim()
  .max(500)
  .optional()
  .transform((v) => (v === "" ? undefined : v));

/** The answer a provider posts from the page (JSON or form fields). */
export const providerPageAnswerSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("accept") }),
  z.object({ action: z.literal("decline"), reason: optionalText }),
  z.object({ action: z.literal("outcome"), outcome: z.enum(outcomeStatuses), note: optionalText }),
]);

const pageQuerySchema = z.object({ lang: z.string().optional(), done: z.string().optional() });

type LinkCheck = { status: "ok"; referral: ReferralWithContext } | { status: "invalid" } | { status: "expired" };

/**
 * The provider's page, reached from the signed link in a referral notice (no account):
 * - `GET /r/:token` → the referral (service, area, priority, reference, the person's phone only if
 *   they consented) with the answers its state allows; `Accept: application/json` gets the same as JSON.
 * - `POST /r/:token` (JSON or form) `{ action: accept | decline [reason] | outcome <status> }` → the
 *   answer is applied (idempotent per state: a repeated answer changes nothing); a form post is
 *   redirected back to the page. No cookie is involved and the token is in the URL, so another
 *   site cannot forge a post.
 * - `GET /provider/assets/*` → the page's script and style sheet.
 * A link whose signature does not match the provider the referral is now offered to → 404; past
 * its expiry → 410.
 */
export function createProviderPageRouter(deps: ReferralDeps & { prisma: PrismaClient; now?: () => Date }): Router {
  const router = Router();
  const key = referralLinkKey(deps.pseudonymSecret);
  const now = deps.now ?? (() => new Date());
  router.use("/provider/assets", express.static(providerAssetsDir(), { index: false, maxAge: "1h" }));

  const check = async (db: Tx, token: string, lock: boolean): Promise<LinkCheck> => {
    const parsed = parseReferralLink(token);
    if (!parsed) return { status: "invalid" };
    const referral = lock ? await lockReferral(db, parsed.number) : await loadReferral(db, { number: parsed.number });
    if (!referral || !verifyReferralLink(key, parsed, referral.providerId)) return { status: "invalid" };
    if (parsed.expiresAt.getTime() <= now().getTime()) return { status: "expired" };
    return { status: "ok", referral };
  };

  const languageFor = async (req: Request, referral: ReferralWithContext | null): Promise<string> => {
    const asked = pageQuerySchema.safeParse(req.query).data?.lang;
    if (asked && deps.i18n.languages.includes(asked)) return asked;
    if (referral) {
      const fp = await deps.prisma.focalPoint.findFirst({
        where: { providerId: referral.providerId, active: true },
        select: { language: true },
        orderBy: { code: "asc" },
      });
      if (fp) return deps.i18n.resolveLanguage(fp.language);
    }
    return deps.i18n.fallback;
  };

  const view = async (language: string, referral: ReferralWithContext): Promise<ProviderPageView> => {
    const phone =
      referral.shareIdentity && referral.contactId
        ? ((
            await deps.prisma.contactAddress.findFirst({
              where: { contactId: referral.contactId, channel: { in: ["sms", "whatsapp"] } },
              orderBy: { createdAt: "asc" },
              select: { address: true },
            })
          )?.address ?? null)
        : null;
    const provider = await deps.prisma.provider.findUnique({
      where: { id: referral.providerId },
      select: { fictional: true },
    });
    return providerPageView(deps.i18n, language, referral, { phone, fictional: provider?.fictional ?? false });
  };

  const noStore = (res: Response) => {
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Referrer-Policy", "no-referrer");
    res.setHeader("X-Robots-Tag", "noindex");
  };

  const refuse = async (req: Request, res: Response, result: LinkCheck) => {
    const status = result.status === "expired" ? 410 : 404;
    const textKey = result.status === "expired" ? "page.expired" : "page.invalid";
    const language = await languageFor(req, null);
    if (req.accepts(["html", "json"]) === "json") {
      res.status(status).json({
        error: result.status === "expired" ? "expired" : "not_found",
        message: deps.i18n.t(language, `referral:${textKey}`),
      });
    } else
      res
        .status(status)
        .type("html")
        .send(renderProviderMessage(deps.i18n, language, textKey));
  };

  router.get("/r/:token", async (req, res) => {
    noStore(res);
    const result = await check(deps.prisma, req.params.token, false);
    if (result.status !== "ok") return refuse(req, res, result);
    const language = await languageFor(req, result.referral);
    const shown = await view(language, result.referral);
    if (req.accepts(["html", "json"]) === "json") return res.json(shown);
    const done = pageQuerySchema.safeParse(req.query).data?.done !== undefined;
    res
      .type("html")
      .send(renderProviderPage(deps.i18n, language, shown, done ? deps.i18n.t(language, "referral:page.done") : null));
  });

  router.post(
    "/r/:token",
    express.json({ limit: "8kb" }),
    express.urlencoded({ extended: false, limit: "8kb" }),
    async (req, res) => {
      noStore(res);
      const body = providerPageAnswerSchema.parse(req.body ?? {});
      const answer: ProviderAnswer =
        body.action === "accept"
          ? { kind: "accept" }
          : body.action === "decline"
            ? { kind: "decline", reason: body.reason }
            : { kind: "outcome", outcome: body.outcome, note: body.note };
      const outcome = await deps.prisma.$transaction(
        async (tx): Promise<{ check: LinkCheck; result?: AnswerResult }> => {
          const checked = await check(tx, req.params.token, true);
          if (checked.status !== "ok") return { check: checked };
          return {
            check: checked,
            result: await answerReferral(tx, deps, checked.referral, answer, { via: "link" }, now()),
          };
        },
        { timeout: 20_000, maxWait: 20_000 },
      );
      if (outcome.check.status !== "ok" || !outcome.result) return refuse(req, res, outcome.check);
      const result = outcome.result;
      const language = await languageFor(req, outcome.check.referral);
      if (req.is("application/json")) {
        const message = deps.i18n.t(
          language,
          result.status === "not_allowed" ? "referral:command.notAllowed" : "referral:page.done",
          {
            ref: result.referral.ref,
            status: deps.i18n.t(language, `referral:status.${result.referral.status}`),
          },
        );
        // After a decline the referral may belong to another provider: show this one nothing more of it.
        const stillTheirs = result.referral.providerId === outcome.check.referral.providerId;
        return res.status(result.status === "not_allowed" ? 409 : 200).json({
          result: result.status,
          message,
          referral: stillTheirs
            ? await view(language, result.referral)
            : { ref: result.referral.ref, status: "reoffered" },
        });
      }
      const lang = pageQuerySchema.safeParse(req.query).data?.lang;
      res.redirect(
        303,
        `/r/${encodeURIComponent(req.params.token)}?done=1${lang ? `&lang=${encodeURIComponent(lang)}` : ""}`,
      );
    },
  );
  return router;
}
