import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { features } from "../../src/service/features.js";
import { startTestService, type TestService } from "../support/startTestService.js";
import { withForeignActionStubs } from "./alertSupport.js";

describe("the demo pilot area of a fresh database", () => {
  let t: TestService;
  beforeAll(async () => {
    // Jobs enabled (the default): the feature's start seeds the empty database.
    t = await startTestService({}, { features: withForeignActionStubs(features) });
  });
  afterAll(async () => {
    await t?.close();
  });

  const simulate = async (phone: string, text: string) => {
    const response = await fetch(`${t.baseUrl}/simulator/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ channel: "sms", phone, text }),
    });
    expect(response.status).toBe(200);
  };
  const simulatorTexts = async (phone: string) => {
    const response = await fetch(`${t.baseUrl}/simulator/api/messages?channel=sms&phone=${encodeURIComponent(phone)}`);
    const body: unknown = await response.json();
    const messages =
      typeof body === "object" && body !== null && "messages" in body && Array.isArray(body.messages)
        ? body.messages
        : [];
    return messages.flatMap((m: unknown) =>
      typeof m === "object" &&
      m !== null &&
      "direction" in m &&
      m.direction === "outbound" &&
      "text" in m &&
      typeof m.text === "string"
        ? [m.text]
        : [],
    );
  };

  it("is seeded at start with fictional focal points reachable only in the simulator, and works end to end there", async () => {
    const prisma = t.service.db.prisma;
    expect(await prisma.location.count({ where: { country: "CD" } })).toBe(15);
    expect(await prisma.focalPoint.count({ where: { fictional: true, committeeId: { not: null } } })).toBe(24);
    const addresses = await prisma.contactAddress.findMany({
      where: { contact: { focalPoints: { some: { committeeId: { not: null } } } } },
    });
    expect(addresses).toHaveLength(24);
    expect(addresses.every((a) => a.address.startsWith("sim:"))).toBe(true);

    for (const text of ["ALERTE", "3", "2", "1", "Kalunga", "0", "2"]) await simulate("+243990003001", text);
    await t.drainOutbox();
    const ref = /A-\d+/.exec((await simulatorTexts("+243990003001")).at(-1) ?? "")?.[0] ?? "";
    expect(ref).not.toBe("");
    expect((await simulatorTexts("+243990000003")).at(-1)).toContain(ref);
    await simulate("+243990000003", `OK ${ref}`);
    await t.drainOutbox();
    expect((await simulatorTexts("+243990000003")).at(-1)).toContain("prise en charge par vous");
    expect((await simulatorTexts("+243990003001")).at(-1)).toContain("prise en charge par le comité");
    // Nothing went to the real-looking numbers through Twilio or Telegram.
    expect(t.twilio.requests).toEqual([]);
    expect(t.telegram.callsTo("sendMessage")).toEqual([]);
  });
});
