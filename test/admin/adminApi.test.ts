import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueOutbound } from "../../src/outbox/enqueueOutbound.js";
import { startTestService, type TestService } from "../support/startTestService.js";
import { serviceFeatures } from "./serviceFeatures.js";
import { signIn, type WebSession } from "./webSession.js";

const adminEmail = "admin@relais.test";
const adminPassword = "correct horse battery staple";

describe("the admin API: failed deliveries, feedback, users", () => {
  let t: TestService;
  let admin: WebSession;

  beforeAll(async () => {
    t = await startTestService(
      { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword, JOBS_ENABLED: "false" },
      { features: serviceFeatures() },
    );
    admin = await signIn(t.baseUrl, adminEmail, adminPassword);
    for (const [email, role, canSeeSensitive] of [
      ["meal@relais.test", "meal", false],
      ["handler@relais.test", "case_handler", false],
      ["granted@relais.test", "case_handler", true],
    ] as const) {
      const r = await admin.send("POST", "/api/users", {
        email,
        role,
        canSeeSensitive,
        password: "a long enough password",
      });
      expect(r.status).toBe(201);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it("lists a dead delivery without its recipient or text, retries it (audited) and the worker sends it", async () => {
    const prisma = t.service.db.prisma;
    const phone = "+243990007001";
    const contact = await prisma.contact.create({ data: { pseudonym: "retry-test-pseudonym" } });
    const { outboxId } = await prisma.$transaction((tx) =>
      enqueueOutbound(tx, {
        contactId: contact.id,
        channel: "sms",
        recipient: phone,
        body: { text: "Votre alerte A-1042 est prise en charge" },
        now: new Date(),
        config: t.service.ctx.config,
      }),
    );
    // As the worker leaves it after its last attempt (e.g. a carrier outage).
    await prisma.outboxItem.update({
      where: { id: outboxId },
      data: {
        status: "dead",
        attempts: 8,
        lastError: "HTTP 503 from +243990007001",
        nextAttemptAt: new Date(Date.now() + 3_600_000),
      },
    });

    const list = await admin.get("/api/outbox");
    expect(list.status).toBe(200);
    const text = await list.text();
    expect(text).toContain(outboxId);
    expect(text).not.toContain(phone);
    expect(text).not.toContain("prise en charge");

    const retry = await admin.send("POST", `/api/outbox/${outboxId}/retry`);
    expect(retry.status).toBe(200);
    expect((await admin.send("POST", `/api/outbox/${outboxId}/retry`)).status).toBe(409);
    await t.drainOutbox();
    expect(t.sentTo(phone)).toEqual(["Votre alerte A-1042 est prise en charge"]);
    expect((await prisma.outboxItem.findUniqueOrThrow({ where: { id: outboxId } })).status).toBe("sent");
    expect(await prisma.auditLog.count({ where: { action: "outbox.retry", target: `outbox:${outboxId}` } })).toBe(1);

    const meal = await signIn(t.baseUrl, "meal@relais.test", "a long enough password");
    expect((await meal.send("POST", `/api/outbox/${outboxId}/retry`)).status).toBe(403);
  });

  it("shows sensitive complaints only to handlers granted access, counts only to MEAL", async () => {
    const prisma = t.service.db.prisma;
    await prisma.feedback.createMany({
      data: [
        {
          number: 9001,
          ref: "F-9001",
          type: "complaint",
          sensitive: false,
          text: "Le centre était fermé",
          channel: "sms",
        },
        { number: 9002, ref: "F-9002", type: "sensitive", sensitive: true, text: "Abus par un agent", channel: "sms" },
      ],
    });
    type FeedbackList = { counts: { type: string; count: number }[]; items: { ref: string; text: string }[] | null };
    const read = async (email: string) => {
      const session = await signIn(t.baseUrl, email, "a long enough password");
      return (await (await session.get("/api/feedback")).json()) as FeedbackList;
    };
    const handler = await read("handler@relais.test");
    expect(handler.items?.map((i) => i.ref)).toEqual(["F-9001"]);
    const granted = await read("granted@relais.test");
    expect(granted.items?.map((i) => i.ref)).toEqual(["F-9002", "F-9001"]);
    const meal = await read("meal@relais.test");
    expect(meal.items).toBeNull();
    expect(meal.counts).toEqual(expect.arrayContaining([expect.objectContaining({ type: "sensitive", count: 1 })]));
    expect(JSON.stringify(meal)).not.toContain("Abus");
    expect(await prisma.auditLog.count({ where: { action: "feedback.view_sensitive" } })).toBe(1);

    const session = await signIn(t.baseUrl, "handler@relais.test", "a long enough password");
    const sensitiveId = (await prisma.feedback.findUniqueOrThrow({ where: { ref: "F-9002" } })).id;
    expect((await session.send("PATCH", `/api/feedback/${sensitiveId}`, { status: "closed" })).status).toBe(404);
  });

  it("grants sensitive access, deactivates a user (their sessions end) and keeps the last admin", async () => {
    const { users } = (await (await admin.get("/api/users")).json()) as {
      users: { id: string; email: string; role: string }[];
    };
    const handler = users.find((u) => u.email === "handler@relais.test");
    const me = users.find((u) => u.email === adminEmail);
    const session = await signIn(t.baseUrl, "handler@relais.test", "a long enough password");
    expect((await admin.send("PATCH", `/api/users/${handler?.id}`, { canSeeSensitive: true })).status).toBe(200);
    expect((await admin.send("PATCH", `/api/users/${handler?.id}`, { active: false })).status).toBe(200);
    expect((await session.get("/api/me")).status).toBe(401);
    expect((await admin.send("PATCH", `/api/users/${me?.id}`, { role: "meal" })).status).toBe(409);
    const changes = await t.service.db.prisma.auditLog.findMany({ where: { action: "user.update" } });
    expect(changes.map((c) => c.data)).toEqual([{ canSeeSensitive: true }, { active: false }]);
  });
});
