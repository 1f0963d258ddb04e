import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueOutbound } from "../../src/outbox/enqueueOutbound.js";
import { startTestService, type TestService } from "../support/startTestService.js";

// OUTBOX_WORKERS > 1: the workers of one process share one rate limiter, so the configured rate is
// the process's (each worker with its own limiter would multiply it by the number of workers).
describe("outbox workers of one process", () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ JOBS_ENABLED: "false", OUTBOX_WORKERS: "3", RATE_SMS_PER_SECOND: "4" });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("send at the configured rate together, not each at that rate", async () => {
    // Three rounds, each woken while the workers of the rounds before are busy waiting for their
    // slots: each round is claimed by another worker.
    for (let round = 0; round < 3; round++) {
      const now = new Date();
      await t.service.db.prisma.$transaction(async (tx) => {
        for (let i = 0; i < 4; i++) {
          await enqueueOutbound(tx, {
            contactId: null,
            channel: "sms",
            recipient: `+2439900088${round}${i}`,
            body: { text: `Information ${round}.${i}` },
            now,
            config: t.service.ctx.config,
          });
        }
      });
      t.service.ctx.wakeOutbox();
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    await expect.poll(() => t.twilio.requests.length, { timeout: 10_000, interval: 50 }).toBe(12);
    const arrivals = t.twilio.requests.map((r) => r.at);
    // 4/s with a burst of 4: four at once, then one every 250 ms, so the 12th goes after ~2 s.
    const spread = Math.max(...arrivals) - Math.min(...arrivals);
    expect(spread).toBeGreaterThan(1_700);
  });
});
