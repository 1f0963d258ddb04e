import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReferral } from "../../src/referrals/createReferral.js";
import { providerLink } from "../../src/referrals/notifyProvider.js";
import { launchChromium } from "../support/launchChromium.js";
import { startTestService, type TestService } from "../support/startTestService.js";
import { api, openAuth, testProvider } from "./referralTestKit.js";

/**
 * The provider's page in Debian's Chromium: it renders on a phone-sized screen, its script runs
 * under the CSP (no inline script), and the Accept button changes the referral.
 * `PROVIDER_PAGE_SCREENSHOT=/tmp/page.png` saves what the provider sees.
 */
describe("the provider's referral page in a browser", () => {
  let t: TestService;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestService({ JOBS_ENABLED: "true" }, { auth: openAuth });
    expect((await api(t, "PUT", `/api/providers/${testProvider.code}`, testProvider)).status).toBe(201);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("shows the referral and accepts it with one tap", async () => {
    const prisma = t.service.db.prisma;
    const [provider, service, location] = await Promise.all([
      prisma.provider.findUniqueOrThrow({ where: { code: testProvider.code } }),
      prisma.service.findUniqueOrThrow({ where: { code: "mhpss" } }),
      prisma.location.findUniqueOrThrow({ where: { code: "GN-D-KINDIA" } }),
    ]);
    const now = new Date();
    const referral = await prisma.$transaction((tx) =>
      createReferral(
        tx,
        t.service.ctx,
        {
          contactId: null,
          providerId: provider.id,
          serviceId: service.id,
          locationId: location.id,
          channel: "sms",
          priority: 2,
          sex: "female",
          ageGroup: "0-17",
          vulnerabilities: [],
          followUpConsent: false,
        },
        now,
      ),
    );
    const link = providerLink(t.service.ctx, referral, now).replace("https://relais.test", t.baseUrl);
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error" && !message.text().startsWith("Failed to load resource"))
        problems.push(message.text());
    });
    page.on("response", (response) => {
      if (response.status() >= 400 && !response.url().endsWith("/favicon.ico"))
        problems.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(link);
    await expect.poll(() => page.locator("h1").textContent()).toContain(referral.ref);
    expect(await page.locator("dl").textContent()).toMatch(/Prioritaire/);
    const accept = page.getByRole("button", { name: "Accepter" });
    await accept.click();
    await expect.poll(() => page.locator("dl").textContent(), { timeout: 10_000 }).toMatch(/acceptée/);
    expect(await page.getByRole("button", { name: "servie" }).count()).toBe(1);
    if (process.env.PROVIDER_PAGE_SCREENSHOT)
      await page.screenshot({ path: process.env.PROVIDER_PAGE_SCREENSHOT, fullPage: true });
    expect((await prisma.referral.findUniqueOrThrow({ where: { ref: referral.ref } })).status).toBe("accepted");
    expect(problems).toEqual([]);
  });
});
