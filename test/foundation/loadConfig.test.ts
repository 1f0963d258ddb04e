import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/loadConfig.js";

describe("loadConfig", () => {
  it("runs embedded with nothing set", () => {
    const result = loadConfig({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.server.port).toBe(3000);
    expect(result.config.server.publicUrl).toBe("http://localhost:3000");
    expect(result.config.database.url).toBeUndefined();
    expect(result.config.database.dataDir).toMatch(/data$/);
    expect(result.config.telegram).toBeNull();
    expect(result.config.twilio).toBeNull();
    expect(result.config.i18n.languages).toEqual(["fr", "en", "sw"]);
  });

  it("groups integrations and strips trailing slashes", () => {
    const result = loadConfig({
      PORT: "8080",
      PUBLIC_URL: "https://relais.example.org/",
      DATABASE_URL: "postgresql://u:p@db:5432/relais",
      TELEGRAM_BOT_TOKEN: "123456:ABCdefGhIJKlmNoPQRstuVWXyz012345",
      TELEGRAM_WEBHOOK_SECRET: "s3cret-s3cret-s3cret",
      TWILIO_ACCOUNT_SID: `AC${"a".repeat(32)}`,
      TWILIO_AUTH_TOKEN: "0123456789abcdef0123",
      TWILIO_SMS_FROM: "+15005550006",
      ADMIN_EMAIL: "admin@example.org",
      ADMIN_PASSWORD: "correct horse battery",
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.server.publicUrl).toBe("https://relais.example.org");
    expect(result.config.telegram?.apiRoot).toBe("https://api.telegram.org");
    expect(result.config.twilio?.apiBaseUrl).toBe("https://api.twilio.com");
    expect(result.config.twilio?.whatsappFrom).toBeUndefined();
    expect(result.config.admin?.email).toBe("admin@example.org");
  });

  it("trusts a proxy only when told which: hops or addresses, never anyone", () => {
    const trust = (value: string | undefined) => {
      const result = loadConfig(value === undefined ? {} : { TRUST_PROXY: value });
      return result.ok ? result.config.server.trustProxy : result.errors.join("\n");
    };
    expect(trust(undefined)).toBe(false);
    expect(trust("1")).toBe(1);
    expect(trust("loopback, 10.0.0.0/8, fd00::/8")).toBe("loopback, 10.0.0.0/8, fd00::/8");
    for (const bad of ["true", "12", "10.0.0.0/33", "proxy.example.org"]) {
      expect(trust(bad)).toMatch(/^TRUST_PROXY: must be "false", a number of proxy hops/);
    }
  });

  it("treats empty values as absent", () => {
    const result = loadConfig({ PORT: "", DATABASE_URL: " " });
    expect(result.ok && result.config.server.port).toBe(3000);
    expect(result.ok && result.config.database.url).toBeUndefined();
  });

  it("gives one clear line per bad field and never prints a secret", () => {
    const result = loadConfig({
      PORT: "99999",
      PUBLIC_URL: "not a url",
      TWILIO_AUTH_TOKEN: "short-secret",
      TWILIO_ACCOUNT_SID: "XX123",
      ADMIN_PASSWORD: "tiny",
      DATABASE_URL: "mysql://root:hunter2@db/x",
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const fields = result.errors.map((line) => line.split(":")[0]);
    expect(fields.sort()).toEqual([
      "ADMIN_EMAIL, ADMIN_PASSWORD",
      "ADMIN_PASSWORD",
      "DATABASE_URL",
      "PORT",
      "PUBLIC_URL",
      "TWILIO_ACCOUNT_SID",
      "TWILIO_AUTH_TOKEN",
      "TWILIO_SMS_FROM",
    ]);
    const all = result.errors.join("\n");
    expect(all).not.toContain("short-secret");
    expect(all).not.toContain("tiny");
    expect(all).not.toContain("hunter2");
    expect(all).toContain("PORT: ");
    expect(all).toContain('(got "99999")');
  });

  it("checks fields that only make sense together", () => {
    const result = loadConfig({
      TELEGRAM_BOT_TOKEN: "123456:ABCdefGhIJKlmNoPQRstuVWXyz012345",
      TWILIO_ACCOUNT_SID: `AC${"b".repeat(32)}`,
      ADMIN_EMAIL: "a@example.org",
      DEFAULT_LANGUAGE: "de",
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      "TELEGRAM_WEBHOOK_SECRET: required with TELEGRAM_BOT_TOKEN in webhook mode (or set TELEGRAM_MODE=polling)",
      "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN: set both or neither",
      "ADMIN_EMAIL, ADMIN_PASSWORD: set both or neither",
      'DEFAULT_LANGUAGE: "de" is not in LANGUAGES',
    ]);
  });

  it("requires a pseudonym secret in production", () => {
    const result = loadConfig({ NODE_ENV: "production" });
    expect(result.ok ? [] : result.errors).toEqual(["PSEUDONYM_SECRET: required in production"]);
  });
});
