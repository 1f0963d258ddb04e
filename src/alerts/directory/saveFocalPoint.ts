import type { MessagingChannel } from "../../conversations/InboundMessage.js";
import type { DbClient } from "../../db/Tx.js";
import { pseudonymise } from "../../meal/pseudonymise.js";
import { invalid, type SaveResult } from "./SaveResult.js";

/** Addresses of a focal point, already validated (E.164 phones, Telegram chat ids, or `sim:` addresses). */
export type FocalPointAddresses = Partial<Record<MessagingChannel, string>>;

/** A committee focal point as imports, the API and the demo seed describe it. */
export interface FocalPointInput {
  code: string;
  name: string;
  role: string;
  language: string;
  /** Committee code; null detaches the focal point from any committee. */
  committeeCode: string | null;
  /** Addresses to add; an address left out is kept (removing one is an explicit API call). */
  addresses: FocalPointAddresses;
  active?: boolean;
  fictional?: boolean;
}

const channels: readonly MessagingChannel[] = ["telegram", "sms", "whatsapp"];

/**
 * Creates or updates a focal point by its code, with the contact that receives its notifications.
 * An address that already belongs to a contact is reused (a person who texted the service before
 * being registered keeps one contact); addresses of two different contacts, or an address of a
 * contact other than the focal point's own, are reported as `invalid` and nothing is written.
 *
 * @example
 * await saveFocalPoint(tx, { code: "FP-TUMBWE-PRES", name: "...", role: "cls_president", language: "sw",
 *   committeeCode: "CLS-CD-TA-KAL-TUMBWE", addresses: { sms: "+243990000001" } }, { pseudonymSecret });
 */
export async function saveFocalPoint(
  db: DbClient,
  input: FocalPointInput,
  options: { pseudonymSecret: string },
): Promise<SaveResult> {
  let committeeId: string | null = null;
  if (input.committeeCode !== null) {
    const committee = await db.committee.findUnique({ where: { code: input.committeeCode }, select: { id: true } });
    if (!committee) return invalid("committee", `unknown committee ${input.committeeCode}`);
    committeeId = committee.id;
  }
  const wanted = channels.flatMap((channel) => {
    const address = input.addresses[channel];
    return address === undefined ? [] : [{ channel, address }];
  });
  const owners = await Promise.all(
    wanted.map(async (w) => ({
      ...w,
      owner: await db.contactAddress.findUnique({
        where: { channel_address: { channel: w.channel, address: w.address } },
        select: { contactId: true },
      }),
    })),
  );
  const existing = await db.focalPoint.findUnique({
    where: { code: input.code },
    select: { id: true, contactId: true },
  });

  let contactId: string;
  if (existing) {
    const foreign = owners.find((o) => o.owner && o.owner.contactId !== existing.contactId);
    if (foreign) return invalid(foreign.channel, `this ${foreign.channel} address already belongs to another contact`);
    contactId = existing.contactId;
  } else {
    const ownerIds = [...new Set(owners.flatMap((o) => (o.owner ? [o.owner.contactId] : [])))];
    if (ownerIds.length > 1) {
      const second = owners.filter((o) => o.owner).at(-1);
      return invalid(second?.channel ?? "addresses", "these addresses belong to two different contacts");
    }
    const [first] = wanted;
    const [ownerId] = ownerIds;
    if (ownerId !== undefined) contactId = ownerId;
    else if (first) {
      const contact = await db.contact.create({
        data: {
          pseudonym: pseudonymise(options.pseudonymSecret, first.channel, first.address),
          language: input.language,
        },
        select: { id: true },
      });
      contactId = contact.id;
    } else return invalid("addresses", "a new focal point needs at least one address (sms, telegram or whatsapp)");
  }

  for (const o of owners) {
    if (!o.owner) await db.contactAddress.create({ data: { contactId, channel: o.channel, address: o.address } });
  }
  await db.contact.updateMany({ where: { id: contactId, language: null }, data: { language: input.language } });

  const data = {
    name: input.name,
    role: input.role,
    language: input.language,
    committeeId,
    ...(input.active !== undefined ? { active: input.active } : {}),
    ...(input.fictional !== undefined ? { fictional: input.fictional } : {}),
  };
  if (existing) {
    await db.focalPoint.update({ where: { id: existing.id }, data });
    return { status: "updated", id: existing.id };
  }
  const created = await db.focalPoint.create({ data: { code: input.code, contactId, ...data }, select: { id: true } });
  return { status: "created", id: created.id };
}
