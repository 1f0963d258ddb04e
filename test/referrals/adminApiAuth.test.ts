import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../support/startTestService.js";
import { api, testProvider } from "./referralTestKit.js";

describe("the referral admin API without a signed-in user", () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ JOBS_ENABLED: "false" });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("answers 401 and changes nothing", async () => {
    for (const [method, path, body] of [
      ["GET", "/api/providers", undefined],
      ["GET", "/api/referrals", undefined],
      ["GET", "/api/referrals/R-1001", undefined],
      ["PUT", `/api/providers/${testProvider.code}`, testProvider],
      ["DELETE", "/api/providers/PRV-GN-NAT-ECOUTE", undefined],
    ] as const) {
      expect((await api(t, method, path, body)).status, `${method} ${path}`).toBe(401);
    }
    expect(await t.service.db.prisma.provider.count({ where: { code: testProvider.code } })).toBe(0);
    expect(await t.service.db.prisma.auditLog.count()).toBe(0);
  });

  it("leaves the provider page public: it is protected by its signed token", async () => {
    expect((await fetch(`${t.baseUrl}/r/1.zzzzzz.AAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(404);
    expect((await fetch(`${t.baseUrl}/provider/assets/provider.js`)).status).toBe(200);
  });
});
