import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../support/startTestService.js";
import { received, say } from "./referralTestKit.js";

// A deployment whose referral directory is still empty (no provider or service imported, no demo
// data because jobs are off) must say so, not fail: a 500 makes Twilio deliver the message again
// and again, and the person never hears back.
describe("orientation with an empty referral directory", () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ JOBS_ENABLED: "false" });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("tells the person orientation is not available yet and ends the conversation", async () => {
    expect(await t.service.db.prisma.service.count()).toBe(0);
    const phone = "+224620990077";
    await say(t, phone, "bonjour", "1", "1"); // French, then orientation in the main menu
    await say(t, phone, "1", "1"); // consent to share, consent to a follow-up
    expect(received(t, phone).at(-1)).toBe(
      "L'orientation n'est pas encore disponible ici. Envoyez MENU pour revenir au menu principal.",
    );
    const conversation = await t.service.db.prisma.conversation.findFirstOrThrow({
      where: { flowId: "orientation" },
      orderBy: { startedAt: "desc" },
    });
    expect(conversation.status).toBe("ended");
  });
});
