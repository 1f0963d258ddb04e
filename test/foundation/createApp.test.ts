import type { AddressInfo } from "node:net";
import express, { Router } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "../../src/http/AppError.js";
import { createApp } from "../../src/http/createApp.js";
import { createLogger } from "../../src/log/createLogger.js";

describe("createApp behind a proxy", () => {
  async function ipSeen(trustProxy: false | number | string | undefined, forwardedFor: string) {
    const router = Router();
    router.get("/ip", (req, res) => {
      res.json({ ip: req.ip });
    });
    const app = createApp({
      log: createLogger({ level: "silent" }),
      readiness: async () => ({ ready: true }),
      routers: [router],
      ...(trustProxy === undefined ? {} : { trustProxy }),
    });
    const server = app.listen(0);
    await new Promise((r) => server.once("listening", r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/ip`, {
        headers: { "x-forwarded-for": forwardedFor },
      });
      return ((await res.json()) as { ip: string }).ip;
    } finally {
      server.close();
    }
  }

  it("ignores X-Forwarded-For unless the proxy is trusted, then takes the client before it", async () => {
    expect(await ipSeen(undefined, "203.0.113.7")).toMatch(/127\.0\.0\.1$/);
    expect(await ipSeen(1, "198.51.100.1, 203.0.113.7")).toBe("203.0.113.7");
    expect(await ipSeen("loopback", "203.0.113.7")).toBe("203.0.113.7");
  });
});

describe("createApp", () => {
  let base: string;
  let close: () => void;
  let ready = true;

  beforeAll(async () => {
    const router = Router();
    router.post("/echo", express.json({ limit: "1kb" }), (req, res) => {
      const body = z.object({ n: z.number() }).parse(req.body);
      res.json(body);
    });
    router.get("/conflict", () => {
      throw new AppError("conflict", "already there");
    });
    router.get("/boom", () => {
      throw new Error("secret internals +243990000012");
    });
    const app = createApp({
      log: createLogger({ level: "silent" }),
      readiness: async () => (ready ? { ready: true } : { ready: false, reason: "database unreachable" }),
      routers: [router],
    });
    const server = app.listen(0);
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  it("maps typed errors, zod errors, malformed and oversized bodies to precise answers", async () => {
    const conflict = await fetch(`${base}/conflict`);
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ error: "conflict", message: "already there" });

    const invalid = await fetch(`${base}/echo`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"n":"x"}',
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: "bad_request", details: [{ path: "n" }] });

    const malformed = await fetch(`${base}/echo`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{",
    });
    expect(malformed.status).toBe(400);

    const big = await fetch(`${base}/echo`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ n: 1, pad: "x".repeat(5000) }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: "payload_too_large" });
  });

  it("hides internal errors and echoes a request id", async () => {
    const res = await fetch(`${base}/boom`, { headers: { "x-request-id": "req-12345678" } });
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body).toEqual({ error: "internal", message: "internal error", requestId: "req-12345678" });
  });

  it("reports readiness", async () => {
    ready = false;
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "not_ready", reason: "database unreachable" });
    ready = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});
