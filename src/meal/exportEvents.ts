import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import type { CodeLabels } from "./CodeLabels.js";
import type { MealFilters } from "./mealFilters.js";
import { exportableData } from "./safeCell.js";
import type { TableSink } from "./TableSink.js";

/** Columns of the events export: pseudonymised, no names, phone numbers or free text. */
export const eventColumnsHeader = [
  "id",
  "at_utc",
  "type",
  "subject_pseudonym",
  "channel",
  "location",
  "location_name",
  "sex",
  "age_group",
  "category",
  "service",
  "urgency",
  "flow",
  "data",
] as const;

/** Rows read per database round trip (keyset pagination on the id). */
export const exportBatchSize = 5_000;

/** The dashboard filters (and optional event types) as a Prisma filter on MealEvent. */
export function mealEventWhere(filters: MealFilters, types: readonly string[] | null): Prisma.MealEventWhereInput {
  return {
    ...(types && types.length > 0 ? { type: { in: [...types] } } : {}),
    ...(filters.from || filters.until
      ? { at: { ...(filters.from ? { gte: filters.from } : {}), ...(filters.until ? { lt: filters.until } : {}) } }
      : {}),
    ...(filters.locations ? { location: { in: filters.locations } } : {}),
    ...(filters.channel ? { channel: channelOf(filters.channel) } : {}),
    ...(filters.sex ? { sex: filters.sex } : {}),
    ...(filters.ageGroup ? { ageGroup: filters.ageGroup } : {}),
  };
}

function channelOf(value: string): "sms" | "whatsapp" | "telegram" | "web" {
  return value === "whatsapp" || value === "telegram" || value === "web" ? value : "sms";
}

/**
 * Streams MEAL events to a sink, oldest first, reading `exportBatchSize` rows at a time by id
 * (keyset pagination: each batch costs the same however deep into the table), so memory stays
 * flat for millions of events. Returns how many rows were written.
 */
export async function exportEvents(
  prisma: Pick<PrismaClient, "mealEvent">,
  sink: TableSink,
  options: { filters: MealFilters; types: readonly string[] | null; labels: CodeLabels; language: string },
): Promise<number> {
  const where = mealEventWhere(options.filters, options.types);
  const placeNames = new Map<string, string>();
  const placeName = (code: string | null) => {
    if (code === null) return null;
    let name = placeNames.get(code);
    if (name === undefined) {
      name = options.labels.label("location", code, options.language);
      placeNames.set(code, name);
    }
    return name;
  };
  await sink.startTable("events", eventColumnsHeader);
  let cursor: bigint | null = null;
  let written = 0;
  for (;;) {
    const batch: Awaited<ReturnType<typeof readBatch>> = await readBatch(prisma, where, cursor);
    for (const e of batch) {
      const data = exportableData(e.data);
      await sink.writeRow([
        e.id.toString(),
        e.at.toISOString(),
        e.type,
        e.subject,
        e.channel,
        e.location,
        placeName(e.location),
        e.sex,
        e.ageGroup,
        e.category,
        e.service,
        e.urgency,
        e.flowId,
        Object.keys(data).length > 0 ? JSON.stringify(data) : null,
      ]);
    }
    written += batch.length;
    const last = batch.at(-1);
    if (!last || batch.length < exportBatchSize) break;
    cursor = last.id;
  }
  return written;
}

function readBatch(prisma: Pick<PrismaClient, "mealEvent">, where: Prisma.MealEventWhereInput, cursor: bigint | null) {
  return prisma.mealEvent.findMany({
    where: cursor === null ? where : { AND: [where, { id: { gt: cursor } }] },
    orderBy: { id: "asc" },
    take: exportBatchSize,
  });
}
