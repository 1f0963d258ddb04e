import { z } from "zod";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import type { CodeLabels } from "./CodeLabels.js";
import { eventFiltersSql } from "./indicatorSql.js";
import type { MealFilters } from "./mealFilters.js";
import type { TableSink } from "./TableSink.js";

export const fourWHeader = [
  "who_code",
  "who",
  "activity",
  "what_code",
  "what",
  "where_code",
  "where",
  "when_month",
  "sex",
  "age_group",
  "events",
  "people",
] as const;

/**
 * The activities of a 4W: which events stand for it (the issue's names and the referral feature's),
 * what "what" is, and who the organisation is.
 */
const activities = [
  { activity: "referral", types: ["referral.created", "referral.referred"], what: "service", who: "provider" },
  { activity: "referral_served", types: ["referral.outcome"], what: "service", who: "provider", served: true },
  { activity: "alert", types: ["alert.created"], what: "category", who: "committee" },
  { activity: "alert_acknowledged", types: ["alert.acknowledged"], what: "category", who: "committee" },
  {
    activity: "followup",
    types: ["followup.answered", "referral.followup_answered"],
    what: "service",
    who: "provider",
  },
] as const;

/**
 * The organisation behind an event: the provider code in `data`, else the provider of the referral
 * named by `data.ref`; the committee code in `data`, else the local security committee of the ETD.
 */
const whoSql = {
  provider:
    Prisma.raw(`COALESCE("data"->>'provider', (SELECT p."code" FROM "Referral" r JOIN "Provider" p ON p."id" = r."providerId"
      WHERE r."ref" = "MealEvent"."data"->>'ref'), 'unknown')`),
  committee:
    Prisma.raw(`COALESCE("data"->>'committee', (SELECT c."code" FROM "Committee" c JOIN "Location" l ON l."id" = c."locationId"
      WHERE l."code" = "MealEvent"."location" AND c."kind" = 'cls' ORDER BY c."tier", c."code" LIMIT 1), 'unknown')`),
} as const;

const rowSchema = z.object({
  who: z.string(),
  activity: z.string(),
  what: z.string(),
  place: z.string(),
  month: z.string(),
  sex: z.string(),
  age: z.string(),
  events: z.coerce.number(),
  people: z.coerce.number(),
});

/**
 * "Who does what, where, when, for whom": counts of events and of distinct people per
 * organisation (provider or committee code in `data`), activity, service or category, place,
 * month, sex and age group. Organisation names come from the directory (organisations, not people).
 */
export async function export4W(
  prisma: Pick<PrismaClient, "$queryRaw" | "provider" | "committee">,
  sink: TableSink,
  options: { filters: MealFilters; labels: CodeLabels; language: string },
): Promise<number> {
  const branches = activities.map(
    (a) => Prisma.sql`SELECT ${whoSql[a.who]} AS who, ${a.activity}::text AS activity,
        COALESCE(${Prisma.raw(`"${a.what}"`)}, 'unknown') AS what, COALESCE("location", 'unknown') AS place,
        to_char("at", 'YYYY-MM') AS month, COALESCE("sex", 'unknown') AS sex, COALESCE("ageGroup", 'unknown') AS age, "subject"
      FROM "MealEvent" WHERE "type" IN (${Prisma.join([...a.types])})
        ${"served" in a ? Prisma.sql`AND COALESCE("data"->>'outcome', "data"->>'status') = 'served'` : Prisma.empty}
        AND ${eventFiltersSql(options.filters)}`,
  );
  const rows = z.array(rowSchema).parse(
    await prisma.$queryRaw`SELECT who, activity, what, place, month, sex, age,
        count(*)::float8 AS events, count(DISTINCT "subject")::float8 AS people
      FROM (${Prisma.join(branches, " UNION ALL ")}) e
      GROUP BY who, activity, what, place, month, sex, age
      ORDER BY month, place, activity, who, what, sex, age`,
  );
  const [providers, committees] = await Promise.all([
    prisma.provider.findMany({ select: { code: true, name: true } }),
    prisma.committee.findMany({ select: { code: true, name: true } }),
  ]);
  const organisations = new Map([...providers, ...committees].map((o) => [o.code, o.name]));
  const { labels, language } = options;
  await sink.startTable("4W", fourWHeader);
  for (const r of rows) {
    const whatDimension = r.activity.startsWith("alert") ? "category" : "service";
    await sink.writeRow([
      r.who,
      organisations.get(r.who) ?? labels.label("organisation", r.who, language),
      r.activity,
      r.what,
      labels.label(whatDimension, r.what, language),
      r.place,
      labels.label("location", r.place, language),
      r.month,
      labels.label("sex", r.sex, language),
      labels.label("ageGroup", r.age, language),
      r.events,
      r.people,
    ]);
  }
  return rows.length;
}
