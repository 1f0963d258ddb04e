import type { Tx } from "../db/Tx.js";
import { focalPointAddresses, focalPointContact } from "./focalPointContact.js";
import { checkProviderRefs, type DirectoryRefs, defaultFocalPointCode } from "./loadDirectoryRefs.js";
import type { ProviderInput } from "./providerInputSchema.js";

/** What writing a provider did, or why it was not written (nothing written then). */
export type UpsertProviderResult =
  | { status: "created" | "updated"; id: string }
  | { status: "invalid"; problems: string[] };

/**
 * A provider that could not be written after writing started (a focal point's addresses belong to
 * two contacts): the caller rolls back its transaction or savepoint.
 */
export class ProviderConflictError extends Error {
  override readonly name = "ProviderConflictError";
}

/**
 * Creates or replaces a provider by its code: fields, services, areas and focal points (each with
 * the contact that owns its addresses). Focal points no longer listed are deactivated, not deleted,
 * so the history of who answered what stays readable. The caller holds the transaction.
 *
 * @example
 * await prisma.$transaction((tx) => upsertProvider(tx, input, refs, { pseudonymSecret }));
 */
export async function upsertProvider(
  tx: Tx,
  input: ProviderInput,
  refs: DirectoryRefs,
  options: { pseudonymSecret: string },
): Promise<UpsertProviderResult> {
  const problems = checkProviderRefs(input, refs);
  if (problems.length > 0) return { status: "invalid", problems };
  const data = {
    name: input.name,
    description: input.description ?? null,
    country: input.country,
    address: input.address ?? null,
    phone: input.phone ?? null,
    hours: input.hours ?? null,
    languages: input.languages,
    eligibility: { ...input.eligibility },
    takesReferrals: input.takesReferrals,
    fictional: input.fictional,
  };
  const existing = await tx.provider.findUnique({ where: { code: input.code }, select: { id: true } });
  const providerId = existing
    ? (await tx.provider.update({ where: { id: existing.id }, data, select: { id: true } })).id
    : (await tx.provider.create({ data: { ...data, code: input.code }, select: { id: true } })).id;

  const serviceIds = [...new Set(input.services)].flatMap((code) => refs.services.get(code) ?? []);
  const areaIds = [...new Set(input.areas)].flatMap((code) => refs.locations.get(code)?.id ?? []);
  if (existing) {
    await tx.providerService.deleteMany({ where: { providerId } });
    await tx.providerArea.deleteMany({ where: { providerId } });
  }
  await tx.providerService.createMany({ data: serviceIds.map((serviceId) => ({ providerId, serviceId })) });
  await tx.providerArea.createMany({ data: areaIds.map((locationId) => ({ providerId, locationId })) });

  const kept: string[] = [];
  for (const [index, fp] of input.focalPoints.entries()) {
    const code = fp.code ?? defaultFocalPointCode(input.code, index);
    const contact = await focalPointContact(tx, focalPointAddresses(fp), {
      language: fp.language,
      pseudonymSecret: options.pseudonymSecret,
    });
    if (contact.status === "conflict") throw new ProviderConflictError(`focal point ${code}: ${contact.problem}`);
    const fields = {
      name: fp.name,
      role: "provider",
      language: fp.language,
      contactId: contact.contactId,
      providerId,
      committeeId: null,
      active: fp.active,
      fictional: input.fictional,
    };
    await tx.focalPoint.upsert({ where: { code }, create: { ...fields, code }, update: fields });
    kept.push(code);
  }
  await tx.focalPoint.updateMany({ where: { providerId, code: { notIn: kept } }, data: { active: false } });
  return { status: existing ? "updated" : "created", id: providerId };
}
