import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { SummaryCoverage } from "./splitPeriod.js";

const day = z.iso.date().transform((d) => new Date(`${d}T00:00:00.000Z`));

const rowSchema = z.object({
  through: day.nullable(),
  dataKeys: z.array(z.string()).nullable(),
  dirty: z.array(day),
});

/**
 * What the daily summary holds now. Read it in the transaction of the query it serves, with
 * repeatable read, so the summary, the dirty days and the raw rows are one snapshot.
 */
export async function readSummaryCoverage(tx: Pick<PrismaClient, "$queryRaw">): Promise<SummaryCoverage> {
  const rows = z.array(rowSchema).parse(
    await tx.$queryRaw`SELECT to_char(s."through", 'YYYY-MM-DD') AS "through", s."dataKeys",
        COALESCE((SELECT array_agg(to_char(d."day", 'YYYY-MM-DD') ORDER BY d."day") FROM "MealSummaryDirty" d
          WHERE d."day" < s."through"), '{}') AS "dirty"
      FROM "MealSummaryState" s WHERE s."id" = 1`,
  );
  const row = rows[0];
  return row ? { through: row.through, dirty: row.dirty, dataKeys: row.dataKeys ?? [] } : noSummary;
}

const noSummary: SummaryCoverage = { through: null, dirty: [], dataKeys: [] };
