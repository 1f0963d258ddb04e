import { readFile } from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueOutbound } from "../../src/outbox/enqueueOutbound.js";
import { serviceFeatures } from "../admin/serviceFeatures.js";
import { signIn } from "../admin/webSession.js";
import { insertMonthData, TUMBWE } from "../meal/mealFixtures.js";
import { launchChromium } from "../support/launchChromium.js";
import { startTestService, type TestService } from "../support/startTestService.js";

const password = "a long enough password";
const phonesInData = ["+243990005555", "+243990001234", "+243990007002"];
/** `DASHBOARD_SCREENSHOTS=/tmp/shots` saves what each role sees. */
const screenshots = process.env.DASHBOARD_SCREENSHOTS;
const shoot = async (page: Page, name: string) => {
  if (screenshots) await page.screenshot({ path: `${screenshots}/${name}.png`, fullPage: true });
};

/**
 * The dashboard in Debian's Chromium against the whole service: sign-in, what each role sees,
 * charts drawn with data, filters changing the numbers, an export without phone numbers, the
 * referral flowchart, and an administrator retrying a failed delivery.
 */
describe("the MEAL dashboard in a browser", () => {
  let t: TestService;
  let browser: Browser;
  const errors: string[] = [];
  const now = new Date();

  beforeAll(async () => {
    t = await startTestService(
      { ADMIN_EMAIL: "admin@relais.test", ADMIN_PASSWORD: "correct horse battery staple", JOBS_ENABLED: "false" },
      { features: serviceFeatures() },
    );
    const prisma = t.service.db.prisma;
    await insertMonthData(prisma, now.getUTCFullYear(), now.getUTCMonth());
    const admin = await signIn(t.baseUrl, "admin@relais.test", "correct horse battery staple");
    for (const [email, role] of [
      ["meal@relais.test", "meal"],
      ["handler@relais.test", "case_handler"],
    ] as const) {
      expect((await admin.send("POST", "/api/users", { email, role, password })).status).toBe(201);
    }
    const location = await prisma.location.create({
      data: {
        code: TUMBWE,
        name: "Chefferie Tumbwe",
        level: "etd",
        country: "CD",
        path: `CD/CD-TA/CD-TA-KAL/${TUMBWE}`,
        depth: 3,
      },
    });
    await prisma.alert.create({
      data: {
        ref: "A-1001",
        category: "theft",
        urgency: "recent",
        locationId: location.id,
        channel: "sms",
        anonymous: true,
        description: "Vol de chevres au marche",
      },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function open(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1300, height: 900 } });
    const page = await context.newPage();
    page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
    page.on("console", (message) => {
      // Refused requests (401/403/404) are expected in these tests; script errors and CSP refusals are not.
      if (message.type() === "error" && !message.text().startsWith("Failed to load resource"))
        errors.push(`console: ${message.text()}`);
    });
    return { context, page };
  }

  async function login(page: Page, email: string, secret: string) {
    await page.goto(`${t.baseUrl}/dashboard`);
    await page.waitForURL(/\/login\?next=/);
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', secret);
    await page.click('button[type="submit"]');
  }

  const tabs = (page: Page) =>
    page.locator("#tabs button").evaluateAll((buttons) => buttons.map((b) => b.getAttribute("data-tab")));
  const ready = (page: Page) => page.waitForSelector('body[data-ready="true"]');
  const total = (page: Page, id: string) => page.getByTestId(`total-${id}`).textContent();
  /** Does something that reloads the indicators and waits until they are redrawn. */
  async function reloads(page: Page, action: () => Promise<unknown>) {
    const before = await page.evaluate(() => document.body.dataset.indicatorsLoaded ?? "");
    await action();
    await page.waitForFunction((previous) => (document.body.dataset.indicatorsLoaded ?? "") !== previous, before);
  }

  it("refuses a wrong password and stays on the sign-in page", async () => {
    const { context, page } = await open();
    await login(page, "meal@relais.test", "not the right one");
    await expect.poll(() => page.getByTestId("login-message").textContent()).toContain("incorrect");
    expect(page.url()).toContain("/login");
    await context.close();
  });

  it("lets a MEAL officer read this month's indicators by ETD and by sex, drawn by chart.js, and filter them", {
    timeout: 90_000,
  }, async () => {
    const { context, page } = await open();
    await login(page, "meal@relais.test", password);
    await ready(page);
    expect(await tabs(page)).toEqual(["indicators", "exports", "flows"]);
    await page.waitForSelector('body[data-indicators-loaded="1"]');

    expect(await total(page, "alerts_received")).toBe("4");
    expect(await total(page, "people_reached")).toBe("5");
    const chartData = await page.evaluate(() => {
      const canvas = document.querySelector('[data-testid="chart-alerts_received"]');
      // biome-ignore lint/suspicious/noExplicitAny: chart.js global in the page
      const chart = (window as any).Chart.getChart(canvas);
      return { labels: chart.data.labels, data: chart.data.datasets[0].data };
    });
    expect(chartData.data.reduce((a: number, b: number) => a + b, 0)).toBe(4);
    expect(await page.locator("canvas").count()).toBeGreaterThanOrEqual(10);

    // By ETD, then by sex: the referrals table shows both.
    await reloads(page, () => page.getByTestId("filter-by").selectOption("location"));
    await reloads(page, () => page.getByTestId("filter-by2").selectOption("sex"));
    const table = page.getByTestId("table-referrals_made");
    await expect.poll(() => table.textContent()).toContain("Chefferie Tumbwe");
    expect(await table.textContent()).toContain("Femme");
    await shoot(page, "indicators-by-etd-and-sex");
    const datasets = await page.evaluate(() => {
      const canvas = document.querySelector('[data-testid="chart-referrals_made"]');
      // biome-ignore lint/suspicious/noExplicitAny: chart.js global in the page
      const chart = (window as any).Chart.getChart(canvas);
      return chart.data.datasets.map((d: { label: string; data: number[] }) => [d.label, d.data]);
    });
    expect(datasets.map((d: [string, number[]]) => d[0]).sort()).toEqual(["Femme", "Homme"]);

    // A filter changes the numbers.
    await reloads(page, () => page.getByTestId("filter-sex").selectOption("female"));
    expect(await total(page, "alerts_received")).toBe("1");
    expect(await total(page, "referrals_made")).toBe("3");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("downloads an export that contains no phone number present in the data", { timeout: 60_000 }, async () => {
    const { context, page } = await open();
    await login(page, "meal@relais.test", password);
    await ready(page);
    await page.getByTestId("tab-exports").click();
    await page.getByTestId("export-purpose").selectOption("donor_report");
    await shoot(page, "exports");
    for (const testId of ["export-events-csv", "export-indicators-csv"]) {
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId(testId).click()]);
      const file = await download.path();
      const text = await readFile(file, "utf8");
      expect(text.split("\n").length).toBeGreaterThan(10);
      for (const phone of phonesInData) expect(text).not.toContain(phone);
      expect(text).not.toContain("Amani");
    }
    const audits = await t.service.db.prisma.auditLog.count({
      where: { action: { in: ["export.events", "export.indicators"] } },
    });
    expect(audits).toBe(2);
    await context.close();
  });

  it("opens the referral flowchart", async () => {
    const { context, page } = await open();
    await login(page, "meal@relais.test", password);
    await ready(page);
    await page.getByTestId("tab-flows").click();
    const wanted =
      (await page.locator('#flow-list button[data-flow="orientation"]').count()) > 0 ? "orientation" : "feedback";
    await page.locator(`#flow-list button[data-flow="${wanted}"]`).click();
    const svg = page.locator(`[data-testid="flowchart"] svg[data-flow="${wanted}"]`);
    await svg.waitFor();
    expect(await svg.locator("g.node").count()).toBeGreaterThan(5);
    expect(await svg.locator("path").count()).toBeGreaterThan(5);
    await shoot(page, `flowchart-${wanted}`);
    await context.close();
  });

  it("shows a case handler the queues and flowcharts only", async () => {
    const { context, page } = await open();
    await login(page, "handler@relais.test", password);
    await ready(page);
    expect(await tabs(page)).toEqual(["queues", "flows"]);
    await expect.poll(() => page.getByTestId("alert-queue").textContent()).toContain("A-1001");
    expect(await page.getByTestId("alert-queue").textContent()).toContain("Vol de chevres");
    await shoot(page, "case-handler-queues");
    const status = await page.evaluate(async () => (await fetch("/api/meal/indicators")).status);
    expect(status).toBe(403);
    await context.close();
  });

  it("lets an administrator see a failed delivery and retry it", { timeout: 60_000 }, async () => {
    const prisma = t.service.db.prisma;
    const contact = await prisma.contact.create({ data: { pseudonym: "browser-retry" } });
    const { outboxId } = await prisma.$transaction((tx) =>
      enqueueOutbound(tx, {
        contactId: contact.id,
        channel: "sms",
        recipient: "+243990007002",
        body: { text: "Votre orientation R-2001 est acceptee" },
        now: new Date(),
        config: t.service.ctx.config,
      }),
    );
    await prisma.outboxItem.update({
      where: { id: outboxId },
      data: { status: "dead", attempts: 8, nextAttemptAt: new Date(Date.now() + 3_600_000) },
    });

    const { context, page } = await open();
    await login(page, "admin@relais.test", "correct horse battery staple");
    await ready(page);
    expect(await tabs(page)).toEqual(["indicators", "exports", "queues", "deliveries", "flows", "users", "audit"]);
    await page.getByTestId("tab-deliveries").click();
    const row = page.locator(`tr[data-outbox="${outboxId}"]`);
    await row.waitFor();
    expect(await row.textContent()).not.toContain("+243990007002");
    await page.getByTestId(`retry-${outboxId}`).click();
    await expect.poll(() => row.textContent()).toContain("pending");
    await shoot(page, "admin-deliveries");
    await t.drainOutbox();
    expect(t.sentTo("+243990007002")).toEqual(["Votre orientation R-2001 est acceptee"]);
    expect(await prisma.auditLog.count({ where: { action: "outbox.retry" } })).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });
});
