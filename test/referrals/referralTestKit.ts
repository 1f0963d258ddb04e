import type { RequestHandler } from "express";
import { expect } from "vitest";
import { referralsFeature } from "../../src/referrals/referralsFeature.js";
import { sendFollowUps } from "../../src/referrals/sendFollowUps.js";
import type { AuthPort } from "../../src/service/Feature.js";
import type { TestService } from "../support/startTestService.js";

/** Lets every admin request through (the real auth is another feature's). */
export const openAuth: AuthPort = {
  requireRole: (): RequestHandler => (_req, _res, next) => next(),
};

/** A test provider in Kindia for psychosocial support whose focal point has a (fake-Twilio) phone. */
export const testProvider = {
  code: "PRV-TEST-KIN-PSY",
  name: "Centre test de soutien psychosocial (fictif)",
  country: "GN",
  services: ["mhpss"],
  areas: ["GN-D-KINDIA"],
  eligibility: {},
  languages: ["fr"],
  hours: "Lun-Ven 8h-16h",
  address: "Quartier Abattoir (fictif), Kindia",
  phone: "+224620990000",
  takesReferrals: true,
  fictional: true,
  focalPoints: [{ code: "PRV-TEST-KIN-PSY-FP1", name: "Fictif - Aissatou K.", language: "fr", sms: "+224620990001" }],
};

/** Admin API call with JSON. */
export async function api(t: TestService, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${t.baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Sends messages one after the other (each stored before the next), then drains the outbox. */
export async function say(t: TestService, from: string, ...texts: string[]): Promise<void> {
  for (const text of texts) expect((await t.sms(from, text)).status).toBe(200);
  await t.drainOutbox();
}

/** The texts a phone received since `since` messages. */
export function received(t: TestService, phone: string, since = 0): string[] {
  return t.sentTo(phone).slice(since);
}

/** The number written before `label` in a numbered menu (`3. Kindia` → "3"). */
export function choiceNumber(menu: string, label: string): string {
  const line = menu.split("\n").find((l) => l.includes(label));
  const number = line ? /^(\d+)\. /.exec(line)?.[1] : undefined;
  if (!number) throw new Error(`no choice "${label}" in:\n${menu}`);
  return number;
}

/** Runs the follow-up job now, as the feature's job does. */
export function runFollowUps(t: TestService, now: Date) {
  const ctx = t.service.ctx;
  return sendFollowUps(
    ctx.prisma,
    { ...ctx, actions: (tx, sender) => referralsFeature.actions?.(tx, sender, ctx) ?? {} },
    now,
  );
}

/** The link to the provider page inside a notice. */
export function linkIn(text: string): string {
  const match = /https:\/\/relais\.test(\/r\/[A-Za-z0-9._-]+)/.exec(text);
  if (!match?.[1]) throw new Error(`no link in: ${text}`);
  return match[1];
}

/** The referral reference inside a text. */
export function refIn(text: string): string {
  const match = /R-\d+/.exec(text);
  if (!match) throw new Error(`no reference in: ${text}`);
  return match[0];
}
