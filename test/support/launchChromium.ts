import { type Browser, chromium } from "playwright-core";

/**
 * Debian's Chromium, headless, with the flags this machine needs (no sandbox as root; no background
 * networking, QUIC, component updates or sync: the closed network refuses those connections).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
