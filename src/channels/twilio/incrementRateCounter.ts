import { z } from "zod";
import { utc } from "../../db/sqlValues.js";
import type { PrismaClient } from "../../generated/prisma/client.js";

const rowSchema = z.array(z.object({ count: z.coerce.number().int() }));

/**
 * Counts one more event for `key` in a window that opens at the key's first event and lasts
 * `windowMs`, and returns the count including this one. A single `INSERT ... ON CONFLICT DO UPDATE`,
 * so concurrent requests (several instances too) never lose an increment.
 *
 * @example
 * const count = await incrementRateCounter(prisma, "missed-call:ab12...", 3_600_000, new Date());
 * if (count > 3) { ... over the limit ... }
 */
export async function incrementRateCounter(
  prisma: Pick<PrismaClient, "$queryRaw">,
  key: string,
  windowMs: number,
  now: Date,
): Promise<number> {
  const at = utc(now);
  const windowOpenedAfter = utc(new Date(now.getTime() - windowMs));
  // Timestamps travel as ISO strings and are converted to UTC in SQL: the columns hold UTC without
  // a time zone, whatever the session's TimeZone setting.
  const rows = await prisma.$queryRaw`
    INSERT INTO "RateCounter" ("key", "windowStart", "count")
    VALUES (${key}, ${at}, 1)
    ON CONFLICT ("key") DO UPDATE SET
      "windowStart" = CASE WHEN "RateCounter"."windowStart" <= ${windowOpenedAfter}
        THEN EXCLUDED."windowStart" ELSE "RateCounter"."windowStart" END,
      "count" = CASE WHEN "RateCounter"."windowStart" <= ${windowOpenedAfter}
        THEN 1 ELSE "RateCounter"."count" + 1 END
    RETURNING "count"`;
  const first = rowSchema.parse(rows)[0];
  if (!first) throw new Error("rate counter upsert returned no row");
  return first.count;
}
