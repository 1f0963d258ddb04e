import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../support/startTestService.js";
import { serviceFeatures } from "./serviceFeatures.js";
import { cookiesOf, postLogin, signIn, type WebSession } from "./webSession.js";

const adminEmail = "admin@relais.test";
const adminPassword = "correct horse battery staple";

describe("sign-in, sessions, roles and API tokens over HTTP", () => {
  let t: TestService;
  let admin: WebSession;

  beforeAll(async () => {
    t = await startTestService(
      {
        ADMIN_EMAIL: adminEmail,
        ADMIN_PASSWORD: adminPassword,
        JOBS_ENABLED: "false",
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
      },
      { features: serviceFeatures() },
    );
    admin = await signIn(t.baseUrl, adminEmail, adminPassword);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("sends a browser to /login and a script a 401 when nobody is signed in", async () => {
    const page = await fetch(`${t.baseUrl}/dashboard`, { redirect: "manual", headers: { accept: "text/html" } });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/login?next=%2Fdashboard");
    const api = await fetch(`${t.baseUrl}/api/meal/indicators`);
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ error: "unauthorized" });
  });

  it("signs in with a session cookie that is HttpOnly, SameSite=Lax and Secure behind https, stored hashed", async () => {
    const response = await postLogin(t.baseUrl, adminEmail, adminPassword, "/dashboard#flow-feedback");
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/dashboard#flow-feedback");
    const header = response.headers.getSetCookie().find((c) => c.startsWith("__Host-relais_session="));
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Lax/);
    expect(header).toMatch(/Secure/);
    const value = cookiesOf(response).get("__Host-relais_session") ?? "";
    const stored = await t.service.db.prisma.session.findUnique({
      where: { id: createHash("sha256").update(value).digest("hex") },
    });
    expect(stored).not.toBeNull();
    expect(await t.service.db.prisma.session.findUnique({ where: { id: value } })).toBeNull();
  });

  it("refuses a wrong password, audits the failure without the password, and refuses a forged form", async () => {
    const response = await postLogin(t.baseUrl, adminEmail, "not the password at all");
    expect(response.status).toBe(401);
    expect(await response.text()).toContain("Adresse ou mot de passe incorrect");
    const failure = await t.service.db.prisma.auditLog.findFirst({
      where: { action: "login.failure" },
      orderBy: { id: "desc" },
    });
    expect(failure?.data).toMatchObject({ reason: "wrong_password" });
    expect(JSON.stringify(failure?.data)).not.toContain("not the password");

    const forged = await fetch(`${t.baseUrl}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email: adminEmail, password: adminPassword, _csrf: "guess" }).toString(),
    });
    expect(forged.status).toBe(403);
    expect(cookiesOf(forged).has("__Host-relais_session")).toBe(false);
    expect(await t.service.db.prisma.auditLog.count({ where: { action: "login.success" } })).toBeGreaterThanOrEqual(2);
  });

  it("rate-limits failed sign-ins per email and address, even with the right password afterwards", async () => {
    const email = "limited@relais.test";
    await admin.send("POST", "/api/users", { email, role: "meal", password: "a long enough password" });
    for (let i = 0; i < 5; i++) expect((await postLogin(t.baseUrl, email, `wrong ${i}`)).status).toBe(401);
    const blocked = await postLogin(t.baseUrl, email, "a long enough password");
    expect(blocked.status).toBe(429);
    expect(await t.service.db.prisma.auditLog.count({ where: { action: "login.rate_limited" } })).toBe(1);
  });

  it("checks the CSRF token on changes made with a session", async () => {
    const without = await admin.send(
      "POST",
      "/api/users",
      { email: "x@relais.test", role: "meal", password: "another long password" },
      false,
    );
    expect(without.status).toBe(403);
    const created = await admin.send("POST", "/api/users", {
      email: "meal@relais.test",
      role: "meal",
      password: "meal officer password",
    });
    expect(created.status).toBe(201);
    const again = await admin.send("POST", "/api/users", {
      email: "meal@relais.test",
      role: "meal",
      password: "meal officer password",
    });
    expect(again.status).toBe(409);
    const audit = await t.service.db.prisma.auditLog.findFirst({
      where: { action: "user.create" },
      orderBy: { id: "desc" },
    });
    expect(audit?.data).toMatchObject({ role: "meal" });
    expect(JSON.stringify(audit?.data)).not.toContain("meal officer password");
  });

  it("lets each role reach only its own API", async () => {
    await admin.send("POST", "/api/users", {
      email: "handler@relais.test",
      role: "case_handler",
      password: "case handler password",
    });
    const meal = await signIn(t.baseUrl, "meal@relais.test", "meal officer password");
    const handler = await signIn(t.baseUrl, "handler@relais.test", "case handler password");
    const status = async (s: WebSession, path: string) => (await s.get(path)).status;

    expect(await status(meal, "/api/meal/indicators")).toBe(200);
    expect(await status(meal, "/api/queues/alerts")).toBe(403);
    expect(await status(meal, "/api/outbox")).toBe(403);
    expect(await status(meal, "/api/users")).toBe(403);
    expect(await status(handler, "/api/queues/alerts")).toBe(200);
    expect(await status(handler, "/api/queues/referrals")).toBe(200);
    expect(await status(handler, "/api/meal/indicators")).toBe(403);
    expect(await status(handler, "/api/meal/export/events.csv?purpose=donor_report")).toBe(403);
    expect(await status(admin, "/api/meal/indicators")).toBe(200);
    expect(await status(admin, "/api/queues/alerts")).toBe(200);
    expect(await status(admin, "/api/outbox")).toBe(200);
    expect(await status(admin, "/api/audit")).toBe(200);
    expect(await status(handler, "/api/flows")).toBe(200);
    const page = await handler.get("/dashboard", { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
  });

  it("gives scripts API tokens shown once, accepted as Bearer, refused once revoked", async () => {
    const users = (await (await admin.get("/api/users")).json()) as { users: { id: string; email: string }[] };
    const meal = users.users.find((u) => u.email === "meal@relais.test");
    const created = await admin.send("POST", `/api/users/${meal?.id}/tokens`, { name: "monthly report script" });
    expect(created.status).toBe(201);
    const { id, token } = (await created.json()) as { id: string; token: string };
    expect(token).toMatch(/^relais_/);
    const listed = await (await admin.get(`/api/users/${meal?.id}/tokens`)).text();
    expect(listed).not.toContain(token);

    const bearer = { authorization: `Bearer ${token}` };
    expect((await fetch(`${t.baseUrl}/api/meal/meta`, { headers: bearer })).status).toBe(200);
    expect((await fetch(`${t.baseUrl}/api/users`, { headers: bearer })).status).toBe(403);
    // No cookie, so no CSRF token needed; still only what the role allows.
    expect(
      (await fetch(`${t.baseUrl}/api/meal/export/indicators.csv?purpose=donor_report`, { headers: bearer })).status,
    ).toBe(200);

    expect((await admin.send("DELETE", `/api/users/${meal?.id}/tokens/${id}`)).status).toBe(200);
    expect((await fetch(`${t.baseUrl}/api/meal/meta`, { headers: bearer })).status).toBe(401);
    expect(
      await t.service.db.prisma.auditLog.count({ where: { action: { in: ["token.create", "token.revoke"] } } }),
    ).toBe(2);
  });

  it("signs out: the session is gone", async () => {
    const session = await signIn(t.baseUrl, adminEmail, adminPassword);
    const out = await session.send("POST", "/logout");
    expect(out.status).toBe(200);
    expect((await session.get("/api/me")).status).toBe(401);
    expect(await t.service.db.prisma.auditLog.count({ where: { action: "logout" } })).toBe(1);
  });
});
