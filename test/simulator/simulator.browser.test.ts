import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeSms } from "../../src/engine/render.js";
import { createTestDatabase, type TestDatabase } from "../support/createTestDatabase.js";
import { launchChromium } from "../support/launchChromium.js";
import { type SpawnedService, spawnService } from "../support/spawnService.js";
import { testDbKind } from "../support/testDbConfig.js";

/**
 * The web simulator end to end: the real service (`src/main.ts`, as `npm start` runs it), the real
 * flows and texts, Debian's Chromium. Texts are matched on stable fragments of `locales/fr/*.json`,
 * and menu numbers are read from the menus as a person would.
 *
 * `RELAIS_SIMULATOR_URL=http://localhost:3000` runs it against a service already running instead.
 * `SIMULATOR_SCREENSHOTS=/tmp/shots` saves a screenshot of each channel there.
 */
describe("the web simulator in a browser", () => {
  let dataDir: string;
  let service: SpawnedService | undefined;
  let db: TestDatabase | undefined;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;
  const pageErrors: string[] = [];
  const screenshots = process.env.SIMULATOR_SCREENSHOTS;
  // Fresh numbers on every run, so that a service already running (RELAIS_SIMULATOR_URL) sees new contacts.
  const run = String(Date.now() % 1_000_000).padStart(6, "0");
  const smsPhone = `+2439901${run}`;
  const telegramChat = `71${run}`;
  const whatsappPhone = `+2439902${run}`;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "relais-sim-"));
    if (process.env.RELAIS_SIMULATOR_URL) {
      baseUrl = process.env.RELAIS_SIMULATOR_URL;
    } else {
      const env: Record<string, string> = { DATA_DIR: dataDir };
      if (testDbKind === "postgres") {
        db = await createTestDatabase();
        env.DATABASE_URL = db.url ?? "";
      }
      service = await spawnService(env);
      baseUrl = service.url;
    }
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    // A Content-Security-Policy violation or a script error shows up here.
    page.on("pageerror", (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(`console: ${message.text()}`);
    });
    if (screenshots) await mkdir(screenshots, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    service?.child.kill("SIGTERM");
    if (service) await service.exited;
    await db?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("runs the SMS flows as a phone shows them: numbered menus, segment badges, a reference, STOP", async () => {
    await page.goto(baseUrl);
    if ((await page.getByTestId("channel-select").count()) === 0) {
      throw new Error(
        `GET ${baseUrl}/ does not serve the simulator: is createSimulatorRouter mounted in startService?`,
      );
    }
    await page.getByTestId("channel-select").selectOption("sms");
    await openContact(page, smsPhone);

    const greeting = await sendAndWait(page, "bonjour", /Choisissez votre langue/);
    expect(greeting).toMatch(/^1\. Francais$/m);
    await expectBadgeMatchesText(lastOutbound(page));

    const menu = await sendAndWait(page, "1", /Menu principal\. Répondez avec le numéro/);
    expect(menu).toMatch(/Avis et plaintes/);
    await expectBadgeMatchesText(lastOutbound(page));
    await expect.poll(() => page.getByTestId("contact-status").textContent()).toContain("Français");

    // Information → a topic → back to the topics → main menu.
    const topics = await sendAndWait(page, choice(menu, /Informations/), /Choisissez un sujet/);
    const topic = await sendAndWait(page, choice(topics, /Comité local de sécurité/), /CLS\) réunit/);
    expect(topic).toMatch(/Autres sujets/);
    const topicsAgain = await sendAndWait(page, choice(topic, /Autres sujets/), /Choisissez un sujet/);
    const menuAgain = await sendAndWait(page, choice(topicsAgain, /Menu principal/), /Menu principal\. Répondez/);

    // Feedback → complaint → free text → a reference.
    const feedback = await sendAndWait(page, choice(menuAgain, /Avis et plaintes/), /Votre avis compte/);
    await sendAndWait(page, choice(feedback, /^Une plainte$/), /Écrivez votre message/);
    const done = await sendAndWait(page, "La distribution a commencé sans prévenir le quartier.", /F-\d{4,}/);
    expect(done).toMatch(/Merci\. Votre message est enregistré sous la référence F-\d{4,}\./);
    await expectBadgeMatchesText(lastOutbound(page));

    // STOP is confirmed, then nothing more is sent.
    const stopped = await sendAndWait(page, "STOP", /Vous ne recevrez plus de messages/);
    expect(stopped).toMatch(/START/);
    await expect.poll(() => page.getByTestId("contact-status").textContent()).toMatch(/Opted out/);
    const before = await outbound(page).count();
    await send(page, "hello");
    await page
      .locator('[data-testid="message"][data-direction="inbound"]')
      .filter({ hasText: "hello" })
      .waitFor({ timeout: 10_000 });
    await page.waitForTimeout(2_000);
    expect(await outbound(page).count()).toBe(before);
    if (screenshots) await page.screenshot({ path: path.join(screenshots, "simulator-sms.png"), fullPage: true });
  }, 120_000);

  it("runs Telegram with inline buttons: a click answers like a callback query", async () => {
    await page.getByTestId("channel-select").selectOption("telegram");
    await openContact(page, telegramChat);
    await expect.poll(() => page.locator('[data-testid="message"]').count()).toBe(0);

    await sendAndWait(page, "bonjour", /Choisissez votre langue/);
    await expect
      .poll(() => lastOutbound(page).getByTestId("tg-button").allTextContents())
      .toEqual(["Francais", "English", "Kiswahili"]);
    expect(await page.getByTestId("sms-badge").count()).toBe(0);

    await clickAndWait(page, "Francais", /Menu principal/);
    // The press shows as the button's label, as Telegram shows no typed "1".
    await expect
      .poll(() => page.locator('[data-testid="message"][data-direction="inbound"]').last().textContent())
      .toContain("▸ Francais");
    await clickAndWait(page, "Informations", /Choisissez un sujet/);
    await clickAndWait(page, "Vos droits et vos données", /Envoyez STOP à tout moment/);
    await clickAndWait(page, "Menu principal", /Menu principal\. Répondez/);
    await clickAndWait(page, "Avis et plaintes", /Votre avis compte/);
    await clickAndWait(page, "Un remerciement", /Écrivez votre message/);
    expect(await lastOutbound(page).getByTestId("tg-button").count()).toBe(0);
    await sendAndWait(page, "Merci pour les informations.", /référence F-\d{4,}/);
    if (screenshots) await page.screenshot({ path: path.join(screenshots, "simulator-telegram.png"), fullPage: true });
  }, 120_000);

  it("shares a location pin on WhatsApp, and keeps each conversation when switching back", async () => {
    await page.getByTestId("channel-select").selectOption("whatsapp");
    await openContact(page, whatsappPhone);
    await expect.poll(() => page.getByTestId("location-box").isVisible()).toBe(true);
    await page.getByTestId("location-box").locator("summary").click();
    await page.getByTestId("location-button").click();
    await page
      .locator('[data-testid="message"][data-direction="inbound"]')
      .filter({ hasText: "📍 -5.9475, 29.1947" })
      .waitFor({ timeout: 10_000 });
    // A new contact's first message opens the welcome flow, whatever it is.
    await outbound(page).filter({ hasText: "Choisissez votre langue" }).first().waitFor({ timeout: 10_000 });
    expect(await page.getByTestId("sms-badge").count()).toBe(0);

    // Back to the SMS number of the first test: its whole conversation is still there.
    await page.getByTestId("channel-select").selectOption("sms");
    await openContact(page, smsPhone);
    await outbound(page).filter({ hasText: "Vous ne recevrez plus de messages" }).waitFor({ timeout: 10_000 });
    expect(
      await outbound(page)
        .filter({ hasText: /F-\d{4,}/ })
        .count(),
    ).toBe(1);
    expect(await page.getByTestId("location-box").isVisible()).toBe(false);
  }, 60_000);

  it("loaded without script errors or Content-Security-Policy violations", () => {
    expect(pageErrors).toEqual([]);
  });
});

function outbound(page: Page): Locator {
  return page.locator('[data-testid="message"][data-direction="outbound"]');
}

function lastOutbound(page: Page): Locator {
  return outbound(page).last();
}

async function openContact(page: Page, phone: string): Promise<void> {
  await page.getByTestId("phone-input").fill(phone);
  await page.getByTestId("open-button").click();
  await expect.poll(() => page.getByTestId("chat-address").textContent()).toBe(phone);
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByTestId("message-input").fill(text);
  await page.getByTestId("send-button").click();
}

/** Sends `text` and waits for a new reply matching `expected`; returns that reply's text as shown. */
async function sendAndWait(page: Page, text: string, expected: RegExp): Promise<string> {
  const before = await outbound(page).count();
  await send(page, text);
  return waitForReply(page, before, expected);
}

/** Clicks a button of the last Telegram message and waits for a new reply matching `expected`. */
async function clickAndWait(page: Page, label: string, expected: RegExp): Promise<string> {
  const before = await outbound(page).count();
  await lastOutbound(page).getByTestId("tg-button").filter({ hasText: label }).first().click();
  return waitForReply(page, before, expected);
}

async function waitForReply(page: Page, before: number, expected: RegExp): Promise<string> {
  const handle = await page.waitForFunction(
    ({ before, source, flags }) => {
      const replies = Array.from(document.querySelectorAll('[data-testid="message"][data-direction="outbound"]')).slice(
        before,
      );
      const pattern = new RegExp(source, flags);
      const texts = replies.map((reply) => reply.querySelector('[data-testid="message-text"]')?.textContent ?? "");
      return texts.find((text) => pattern.test(text)) ?? false;
    },
    { before, source: expected.source, flags: expected.flags },
    { timeout: 15_000 },
  );
  const text = await handle.jsonValue();
  if (typeof text !== "string") throw new Error(`no reply matching ${expected}`);
  return text;
}

/** The number a person would type to pick the menu line matching `label` ("3. Informations" → "3"). */
function choice(menu: string, label: RegExp): string {
  for (const line of menu.split("\n")) {
    const match = /^(\d+)\. (.*)$/.exec(line);
    if (match?.[1] && match[2] !== undefined && label.test(match[2])) return match[1];
  }
  throw new Error(`no choice matching ${label} in:\n${menu}`);
}

/** The SMS badge states what `describeSms` says of the text shown above it. */
async function expectBadgeMatchesText(bubble: Locator): Promise<void> {
  const text = (await bubble.getByTestId("message-text").textContent()) ?? "";
  const sms = describeSms(text);
  expect(await bubble.getByTestId("sms-badge").textContent()).toBe(
    `${sms.segments} segment${sms.segments === 1 ? "" : "s"} · ${sms.encoding}`,
  );
}
