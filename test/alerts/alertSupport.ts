import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { seedPilotArea } from "../../src/alerts/seedPilotArea.js";
import type { Feature } from "../../src/service/Feature.js";
import { features } from "../../src/service/features.js";
import { flowsDir } from "../engine/support.js";
import { startTestService, type TestService } from "../support/startTestService.js";

/** The demo focal points as the tests' fakes see them (seeded with `addresses: "real"`). */
export const fp = {
  tumbwePresident: "990000001", // telegram
  tumbweMember1: "+243990000002", // sms only
  tumbweMember2: "990000003", // telegram
  tumbwePnc: "990000004", // telegram
  tumbwePncSms: "+243990000004",
  bayaziPresident: "990000005", // telegram
  bayaziMember: "+243990000006",
  protection: "990000081",
  provincial: "990000082",
  duty: "990000083",
} as const;

export const pseudonymSecret = "test-pseudonym-secret-0123456789abcdef";

/**
 * The whole service on a fresh database with the pilot area seeded with real-looking addresses,
 * so that notifications go through the fake Twilio and Telegram APIs. Jobs are off: tests run the
 * escalation and scrubbing passes themselves, with the `now` they choose.
 */
export async function startAlertService(options: Parameters<typeof startTestService>[1] = {}): Promise<TestService> {
  const t = await startTestService(
    { JOBS_ENABLED: "false" },
    { features: withForeignActionStubs(features), ...options },
  );
  await seedPilotArea(t.service.db.prisma, { pseudonymSecret, addresses: "real" });
  return t;
}

/** Runs the SMS alert flow for `phone` and returns the reference in the confirmation. */
export async function reportBySms(
  t: TestService,
  phone: string,
  answers: { category: string; urgency: string; etd: string; place: string; description: string; anonymity: "1" | "2" },
): Promise<string> {
  for (const text of [
    "ALERTE",
    answers.category,
    answers.urgency,
    answers.etd,
    answers.place,
    answers.description,
    answers.anonymity,
  ]) {
    expect((await t.sms(phone, text)).status).toBe(200);
  }
  await t.drainOutbox();
  return lastRef(t.sentTo(phone));
}

/** The alert reference (`A-1042`) in the last of `texts` that holds one. */
export function lastRef(texts: readonly string[]): string {
  for (const text of [...texts].reverse()) {
    const match = /A-\d+/.exec(text);
    if (match) return match[0];
  }
  throw new Error(`no alert reference in: ${JSON.stringify(texts)}`);
}

/** Texts received by `recipient` after the first `skip`. */
export function newTexts(t: TestService, recipient: string, skip: number): string[] {
  return t.sentTo(recipient).slice(skip);
}

const flowFile = z.object({
  steps: z.record(z.string(), z.object({ kind: z.string(), action: z.string().optional() })),
});

/**
 * The service's features plus a stub declaring the actions that flows of features still being
 * built elsewhere use (their feature is not listed yet), so the service starts; the stubs throw if
 * such a flow is ever run by these tests.
 */
export function withForeignActionStubs(list: readonly Feature[]): Feature[] {
  const known = new Set(list.flatMap((f) => f.actionNames ?? []));
  const used = readdirSync(flowsDir)
    .filter((name) => name.endsWith(".yaml"))
    .flatMap((name) => Object.values(flowFile.parse(parse(readFileSync(path.join(flowsDir, name), "utf8"))).steps))
    .flatMap((step) => (step.kind === "action" && step.action !== undefined ? [step.action] : []));
  const foreign = [...new Set(used)].filter((name) => !known.has(name));
  if (foreign.length === 0) return [...list];
  const stub: Feature = {
    name: "stub-of-features-in-progress",
    actionNames: foreign,
    actions: () =>
      Object.fromEntries(
        foreign.map((name) => [
          name,
          async () => {
            throw new Error(`${name} is not available in the alert tests`);
          },
        ]),
      ),
  };
  return [...list, stub];
}

/**
 * Moves an alert `minutes` into the past (its creation and next escalation), so that an escalation
 * pass run now sees it as that old, and what it enqueues is due at once for the fake APIs.
 */
export async function ageAlert(t: TestService, ref: string, minutes: number): Promise<void> {
  const ms = Math.round(minutes * 60_000);
  const prisma = t.service.db.prisma;
  const alert = await prisma.alert.findUniqueOrThrow({ where: { ref } });
  await prisma.alert.update({
    where: { ref },
    data: {
      createdAt: new Date(alert.createdAt.getTime() - ms),
      nextEscalationAt: alert.nextEscalationAt ? new Date(alert.nextEscalationAt.getTime() - ms) : null,
    },
  });
}
