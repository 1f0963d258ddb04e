import type { Tx } from "../../db/Tx.js";
import { enqueueOutbound } from "../../outbox/enqueueOutbound.js";
import type { DomainDeps } from "../../service/Feature.js";
import { pickAddress } from "../routing/findRecipients.js";

/**
 * Tells every recipient of an alert but `exceptFocalPointId` (the focal point who acted; null when a
 * web user acted, so that every recipient hears) what happened (acknowledged or closed, by whom),
 * each on its notification channel and in its language. Opted-out contacts are skipped.
 */
export async function tellOtherRecipients(
  tx: Tx,
  deps: Pick<DomainDeps, "config" | "i18n">,
  input: { alertId: string; exceptFocalPointId: string | null; text: (language: string) => string; now: Date },
): Promise<number> {
  const others = await tx.alertRecipient.findMany({
    where: {
      alertId: input.alertId,
      ...(input.exceptFocalPointId !== null ? { NOT: { focalPointId: input.exceptFocalPointId } } : {}),
    },
    select: {
      focalPoint: {
        select: {
          language: true,
          contactId: true,
          contact: { select: { optedOut: true, addresses: { select: { channel: true, address: true } } } },
        },
      },
    },
  });
  let told = 0;
  for (const { focalPoint } of others) {
    const address = pickAddress(focalPoint.contact.addresses);
    if (focalPoint.contact.optedOut || !address) continue;
    await enqueueOutbound(tx, {
      contactId: focalPoint.contactId,
      channel: address.channel,
      recipient: address.address,
      body: { text: input.text(deps.i18n.resolveLanguage(focalPoint.language)) },
      now: input.now,
      config: deps.config,
    });
    told++;
  }
  return told;
}
