import type { MessageStatus, Prisma, PrismaClient } from "../generated/prisma/client.js";

/** The delivery statuses a provider reports back for an outbound message. */
export type DeliveryStatus = "queued" | "sending" | "sent" | "delivered" | "read" | "undelivered" | "failed";

/**
 * From which stored statuses each reported status may be applied. Statuses move forward only
 * (queued < sending < sent < delivered < read); undelivered and failed end a message but never
 * override delivered or read, and nothing moves a message out of them. Callbacks arrive repeated
 * and out of order, so the check is part of the UPDATE itself.
 */
const appliesFrom: Record<DeliveryStatus, MessageStatus[]> = {
  queued: [],
  sending: ["queued"],
  sent: ["queued", "sending"],
  delivered: ["queued", "sending", "sent"],
  read: ["queued", "sending", "sent", "delivered"],
  undelivered: ["queued", "sending", "sent"],
  failed: ["queued", "sending", "sent"],
};

export type ApplyDeliveryStatusResult = "updated" | "unchanged" | "unknown";

/**
 * Records a delivery status reported by the provider on the outbound message with that provider id,
 * unless it would move the status backwards. One atomic UPDATE, safe under concurrent callbacks.
 *
 * @example
 * await applyDeliveryStatus(prisma, { channels: ["sms", "whatsapp"], providerMessageId: "SM...", status: "delivered" });
 */
export async function applyDeliveryStatus(
  prisma: Pick<PrismaClient, "message">,
  report: {
    /** The channels the provider serves: part of the unique index the lookup goes through. */
    channels: ("sms" | "whatsapp" | "telegram")[];
    providerMessageId: string;
    status: DeliveryStatus;
    errorCode?: string | undefined;
  },
): Promise<ApplyDeliveryStatusResult> {
  const from = appliesFrom[report.status];
  const outbound: Prisma.MessageWhereInput = {
    channel: { in: report.channels },
    direction: "outbound",
    providerMessageId: report.providerMessageId,
  };
  const terminalFailure = report.status === "failed" || report.status === "undelivered";
  const { count } = await prisma.message.updateMany({
    where: { ...outbound, status: { in: from } },
    data: { status: report.status, ...(terminalFailure && report.errorCode ? { errorCode: report.errorCode } : {}) },
  });
  if (count > 0) return "updated";
  const known = await prisma.message.findFirst({
    where: outbound,
    select: { id: true },
  });
  return known ? "unchanged" : "unknown";
}
