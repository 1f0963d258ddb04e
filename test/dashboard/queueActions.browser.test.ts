import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedPilotArea } from "../../src/alerts/seedPilotArea.js";
import { seedDirectory } from "../../src/directory/seedDirectory.js";
import { createReferral } from "../../src/referrals/createReferral.js";
import { serviceFeatures } from "../admin/serviceFeatures.js";
import { signIn } from "../admin/webSession.js";
import { fp, pseudonymSecret, reportBySms } from "../alerts/alertSupport.js";
import { launchChromium } from "../support/launchChromium.js";
import { startTestService, type TestService } from "../support/startTestService.js";

const adminEmail = "admin@relais.test";
const adminPassword = "correct horse battery staple";
const password = "a long enough password";
const reporter = "+243990004001";
/** `DASHBOARD_SCREENSHOTS=/tmp/shots` saves the queues as the case handler works them. */
const screenshots = process.env.DASHBOARD_SCREENSHOTS;
const shoot = async (page: Page, name: string) => {
  if (screenshots) await page.screenshot({ path: `${screenshots}/${name}.png`, fullPage: true });
};

/**
 * A case handler works the queues in Debian's Chromium against the whole service: acknowledges
 * and closes an alert reported by SMS (the focal points and the reporter hear of it), then records
 * that a provider accepted a referral and its outcome; each row refreshes with its new state and
 * history.
 */
describe("the case handler's queue actions in a browser", () => {
  let t: TestService;
  let browser: Browser;
  let alertRef: string;
  let referralRef: string;
  const errors: string[] = [];

  beforeAll(async () => {
    t = await startTestService(
      { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword, JOBS_ENABLED: "false" },
      { features: serviceFeatures() },
    );
    const prisma = t.service.db.prisma;
    await seedPilotArea(prisma, { pseudonymSecret, addresses: "real" });
    await seedDirectory(prisma, { pseudonymSecret });
    const admin = await signIn(t.baseUrl, adminEmail, adminPassword);
    expect(
      (
        await admin.send("POST", "/api/users", {
          email: "handler@relais.test",
          role: "case_handler",
          password,
        })
      ).status,
    ).toBe(201);
    alertRef = await reportBySms(t, reporter, {
      category: "3",
      urgency: "2",
      etd: "1",
      place: "Kalunga",
      description: "Vol de chevres au marche",
      anonymity: "2",
    });
    // A referral made without consent to share (no returnee to message), to the national line.
    const [provider, service, location] = await Promise.all([
      prisma.provider.findUniqueOrThrow({ where: { code: "PRV-GN-NAT-ECOUTE" } }),
      prisma.service.findUniqueOrThrow({ where: { code: "mhpss" } }),
      prisma.location.findUniqueOrThrow({ where: { code: "GN-D-KINDIA" } }),
    ]);
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
          priority: 1,
          sex: "female",
          ageGroup: "18-24",
          vulnerabilities: [],
          followUpConsent: false,
        },
        new Date(),
      ),
    );
    referralRef = referral.ref;
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function open(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
    page.on("console", (message) => {
      // A refused request (409) is expected in one test; script errors and CSP refusals are not.
      if (message.type() === "error" && !message.text().startsWith("Failed to load resource"))
        errors.push(`console: ${message.text()}`);
    });
    await page.goto(`${t.baseUrl}/dashboard`);
    await page.waitForURL(/\/login\?next=/);
    await page.fill('input[name="email"]', "handler@relais.test");
    await page.fill('input[name="password"]', password);
    await page.click('button[type="submit"]');
    await page.waitForSelector('body[data-ready="true"]');
    return { context, page };
  }

  const statusOf = (page: Page, ref: string) => page.getByTestId(`status-${ref}`).textContent();
  const historyOf = async (page: Page, ref: string) => {
    const row = page.locator(`tr[data-ref="${ref}"]`);
    await row.locator("details summary").click();
    return row.locator("details").textContent();
  };

  it("acknowledges then closes an alert from the queue; the row shows the new state and history", {
    timeout: 90_000,
  }, async () => {
    const { context, page } = await open();
    const row = page.locator(`tr[data-ref="${alertRef}"]`);
    await row.waitFor();
    expect(await statusOf(page, alertRef)).toBe("open");
    const before = t.sentTo(fp.tumbweMember2).length;

    await page.getByTestId(`ack-${alertRef}`).click();
    await expect.poll(() => statusOf(page, alertRef)).toBe("acknowledged");
    expect(await row.locator(".row-done").textContent()).toContain(`Alerte ${alertRef} prise en charge`);
    expect(await page.getByTestId(`ack-${alertRef}`).count()).toBe(0);
    expect(await historyOf(page, alertRef)).toMatch(/acknowledged \(handler@relais\.test\)/);

    await page.getByTestId(`close-${alertRef}`).click();
    await page.getByTestId(`close-reason-${alertRef}`).selectOption("false_alarm");
    await page.getByTestId(`close-note-${alertRef}`).fill("voisins en dispute");
    await shoot(page, "queue-close-form");
    await page.getByTestId(`confirm-close-${alertRef}`).click();
    await expect.poll(() => statusOf(page, alertRef)).toBe("closed");
    expect(await page.getByTestId(`close-${alertRef}`).count()).toBe(0);
    expect(await historyOf(page, alertRef)).toMatch(/closed \(handler@relais\.test\) : voisins en dispute/);

    await t.drainOutbox();
    expect(t.sentTo(reporter).at(-1)).toBe(`Votre alerte ${alertRef} a été traitée et cloturée par le comité. Merci.`);
    expect(t.sentTo(fp.tumbweMember2).slice(before)).toEqual([
      `Alerte ${alertRef} prise en charge par l'équipe du programme (chargé de suivi du programme).`,
      `Alerte ${alertRef} cloturée par l'équipe du programme (fausse alerte).`,
    ]);
    const alert = await t.service.db.prisma.alert.findUniqueOrThrow({ where: { ref: alertRef } });
    expect(alert).toMatchObject({ status: "closed", closeReason: "false_alarm", closeNote: "voisins en dispute" });
    expect(errors).toEqual([]);
    await context.close();
  });

  it("shows in the row that a focal point was faster, with the alert as it now is", {
    timeout: 90_000,
  }, async () => {
    const ref = await reportBySms(t, "+243990004002", {
      category: "3",
      urgency: "2",
      etd: "1",
      place: "Kalunga",
      description: "0",
      anonymity: "1",
    });
    const { context, page } = await open();
    await page.locator(`tr[data-ref="${ref}"]`).waitFor();
    // The page still shows the alert open when a focal point takes it on by Telegram.
    await t.telegramText(Number(fp.tumbweMember2), `OK ${ref}`);
    const status = async () =>
      (await t.service.db.prisma.alert.findUniqueOrThrow({ where: { ref }, select: { status: true } })).status;
    await expect.poll(status).toBe("acknowledged");
    await page.getByTestId(`ack-${ref}`).click();
    await expect.poll(() => statusOf(page, ref)).toBe("acknowledged");
    expect(await page.locator(`tr[data-ref="${ref}"] .row-done`).textContent()).toBe(
      `Erreur : alert ${ref} is already acknowledged`,
    );
    expect(await page.getByTestId(`ack-${ref}`).count()).toBe(0);
    expect(await historyOf(page, ref)).toMatch(/acknowledged \(FP-TUMBWE-MEM2\)/);
    const alert = await t.service.db.prisma.alert.findUniqueOrThrow({ where: { ref }, include: { events: true } });
    expect(alert.events.filter((e) => e.type === "acknowledged")).toHaveLength(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("records that the provider accepted a referral, then its outcome", { timeout: 90_000 }, async () => {
    const { context, page } = await open();
    const row = page.locator(`tr[data-ref="${referralRef}"]`);
    await row.waitFor();
    expect(await statusOf(page, referralRef)).toBe("pending");
    await page.getByTestId(`accept-${referralRef}`).click();
    await page.getByTestId(`confirm-accept-${referralRef}`).click();
    await expect.poll(() => statusOf(page, referralRef)).toBe("accepted");

    await page.getByTestId(`outcome-${referralRef}`).click();
    await page.getByTestId(`outcome-select-${referralRef}`).selectOption("served");
    await page.getByTestId(`confirm-outcome-${referralRef}`).click();
    await expect.poll(() => statusOf(page, referralRef)).toBe("served");
    expect(await row.locator(".row-done").textContent()).toContain(`Résultat enregistré pour ${referralRef} : servie`);
    expect(await historyOf(page, referralRef)).toMatch(/outcome \(handler@relais\.test\)/);
    await shoot(page, "queue-after-actions");
    const referral = await t.service.db.prisma.referral.findUniqueOrThrow({ where: { ref: referralRef } });
    expect(referral.status).toBe("served");
    expect(errors).toEqual([]);
    await context.close();
  });
});
