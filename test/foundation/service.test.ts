import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/createTestDatabase.js";
import { runServiceToExit, type SpawnedService, spawnService } from "../support/spawnService.js";
import { testDbKind } from "../support/testDbConfig.js";

describe("the service process", () => {
  let dataDir: string;
  let service: SpawnedService;
  let db: TestDatabase | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "relais-svc-"));
    const env: Record<string, string> = { DATA_DIR: dataDir };
    if (testDbKind === "postgres") {
      db = await createTestDatabase();
      env.DATABASE_URL = db.url ?? "";
    }
    service = await spawnService(env);
  });

  afterAll(async () => {
    service?.child.kill("SIGKILL");
    await db?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("serves liveness, readiness, a start page and JSON 404s", async () => {
    const health = await fetch(`${service.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${service.url}/readyz`);
    expect(await ready.json()).toEqual({ status: "ready" });
    const start = await fetch(`${service.url}/`);
    expect(start.headers.get("content-type")).toContain("text/html");
    const missing = await fetch(`${service.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: "not_found" });
    expect(missing.headers.get("x-request-id")).toMatch(/^[\w-]{8,}$/);
  });

  it.runIf(testDbKind === "pglite")("refuses a second process on the same PGlite folder, naming it", async () => {
    const second = await runServiceToExit({ DATA_DIR: dataDir });
    expect(second.code).toBe(1);
    expect(second.output).toContain(`The embedded database folder ${dataDir} is already in use`);
    // The first one is unharmed.
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
  });

  it("stops on bad configuration with one line per field", async () => {
    const result = await runServiceToExit({
      DATA_DIR: dataDir,
      PORT: "http",
      TWILIO_AUTH_TOKEN: "secret-value-1234567",
    });
    expect(result.code).toBe(1);
    expect(result.output).toContain("Relais cannot start: the configuration is invalid.");
    expect(result.output).toMatch(/ {2}- PORT: .*\(got "http"\)/);
    expect(result.output).toContain("TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN: set both or neither");
    expect(result.output).not.toContain("secret-value-1234567");
  });

  it("shuts down cleanly on SIGTERM and releases the data folder", async () => {
    service.child.kill("SIGTERM");
    expect(await service.exited).toBe(0);
    if (testDbKind === "pglite") {
      const again = await spawnService({ DATA_DIR: dataDir });
      expect((await fetch(`${again.url}/readyz`)).status).toBe(200);
      again.child.kill("SIGTERM");
      expect(await again.exited).toBe(0);
    }
  });
});
