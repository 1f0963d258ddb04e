import { z } from "zod";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";

const dayMs = 86_400_000;

/** What one run did: counts and where the summary stands, for the job log. */
export interface RollUpResult {
  /** Days summarised for the first time. */
  rolled: number;
  /** Dirty days summarised again. */
  rerolled: number;
  /** The summary was emptied because the logframe needs `data` fields it did not keep. */
  reset: boolean;
  /** Every day before this one (YYYY-MM-DD) is summarised; null: nothing yet. */
  through: string | null;
  /** Why the run stopped before catching up, if it did. */
  stopped?: "budget" | "writers" | "concurrent";
}

export interface RollUpOptions {
  /** The `data` fields to keep (`logframeDataKeys`). */
  dataKeys: readonly string[];
  /** Stop starting new days after this long (the next run goes on); default 50 s. */
  budgetMs?: number;
  /** How long to wait for transactions that wrote before midnight; default 30 s. */
  writersWaitMs?: number;
}

const stateSchema = z.object({ through: z.string().nullable(), dataKeys: z.array(z.string()).nullable() });
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const dayAfter = (day: string) => isoDay(new Date(new Date(`${day}T00:00:00.000Z`).getTime() + dayMs));

class ConcurrentRollUp extends Error {}

/**
 * The daily summary job: sums each closed UTC day of `MealEvent` and `Message` into
 * `MealDailySummary` and `MealDailyMessages`, then sums again the days the triggers marked dirty.
 * Each day is one repeatable-read transaction (the day's events, its dirty mark and the state are
 * one snapshot); the inbound path never touches a summary row, so there is no shared counter to
 * queue on. The dashboard reads summarised days from the summary and everything else raw, so the
 * numbers are the same whether or not (or how far) this job ran.
 *
 * A day is summarised once it has ended by the database clock and every transaction that was
 * running at that point has finished: writes made later to an ended day are marked dirty by the
 * triggers, writes made before are then visible.
 *
 * @example
 * await rollUpMealDays(prisma, { dataKeys: logframeDataKeys(logframe) });
 */
export async function rollUpMealDays(prisma: PrismaClient, options: RollUpOptions): Promise<RollUpResult> {
  const started = Date.now();
  const budgetMs = options.budgetMs ?? 50_000;
  const { keys, reset } = await ensureState(prisma, options.dataKeys);
  const result: RollUpResult = { rolled: 0, rerolled: 0, reset, through: null };
  const today = await databaseToday(prisma);
  let through = await startThrough(prisma, today);
  result.through = through;
  try {
    const dirty = await dirtyDays(prisma, through);
    for (const day of dirty) {
      if (Date.now() - started > budgetMs) return { ...result, stopped: "budget" };
      await rollUpDay(prisma, day, keys, false);
      result.rerolled++;
    }
    if (through >= today) return result;
    if (!(await waitForEarlierWriters(prisma, options.writersWaitMs ?? 30_000))) {
      return { ...result, stopped: "writers" };
    }
    while (through < today) {
      if (Date.now() - started > budgetMs) return { ...result, stopped: "budget" };
      await rollUpDay(prisma, through, keys, true);
      through = dayAfter(through);
      result.rolled++;
      result.through = through;
    }
    return result;
  } catch (error) {
    if (error instanceof ConcurrentRollUp || isSerializationFailure(error)) return { ...result, stopped: "concurrent" };
    throw error;
  }
}

/** Creates the state row; empties the summary when it lacks a `data` field the logframe now reads. */
async function ensureState(
  prisma: PrismaClient,
  wanted: readonly string[],
): Promise<{ keys: string[]; reset: boolean }> {
  await prisma.$executeRaw`INSERT INTO "MealSummaryState" ("id", "dataKeys") VALUES (1, ${[...wanted]}::text[])
    ON CONFLICT ("id") DO NOTHING`;
  return prisma.$transaction(async (tx) => {
    const [state] = z
      .array(stateSchema)
      .parse(
        await tx.$queryRaw`SELECT to_char("through", 'YYYY-MM-DD') AS "through", "dataKeys" FROM "MealSummaryState" WHERE "id" = 1 FOR UPDATE`,
      );
    const kept = state?.dataKeys ?? [];
    if (wanted.every((k) => kept.includes(k))) return { keys: kept, reset: false };
    // Keys only grow, so a query that checked them against an older state is never wrong.
    const keys = [...new Set([...kept, ...wanted])].sort();
    await tx.$executeRaw`UPDATE "MealSummaryState" SET "through" = NULL, "dataKeys" = ${keys}::text[] WHERE "id" = 1`;
    await tx.$executeRaw`DELETE FROM "MealDailySummary"`;
    await tx.$executeRaw`DELETE FROM "MealDailyMessages"`;
    await tx.$executeRaw`DELETE FROM "MealSummaryDirty"`;
    return { keys, reset: true };
  });
}

async function databaseToday(prisma: PrismaClient): Promise<string> {
  const [row] = z
    .array(z.object({ today: z.string() }))
    .parse(
      await prisma.$queryRaw`SELECT to_char((clock_timestamp() AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS "today"`,
    );
  if (!row) throw new Error("no database date");
  return row.today;
}

/** The first day to summarise: where the last run stopped, else the first day with data (or today). */
async function startThrough(prisma: PrismaClient, today: string): Promise<string> {
  // Days before the first row hold nothing; a row written there later is a late write (dirty).
  await prisma.$executeRaw`UPDATE "MealSummaryState" SET "through" = LEAST(${today}::date,
      (SELECT min("at")::date FROM "MealEvent"), (SELECT min("createdAt")::date FROM "Message"))
    WHERE "id" = 1 AND "through" IS NULL`;
  const [state] = z
    .array(stateSchema)
    .parse(
      await prisma.$queryRaw`SELECT to_char("through", 'YYYY-MM-DD') AS "through", "dataKeys" FROM "MealSummaryState" WHERE "id" = 1`,
    );
  if (!state?.through) throw new Error("summary state missing");
  return state.through;
}

async function dirtyDays(prisma: PrismaClient, through: string): Promise<string[]> {
  const rows = z
    .array(z.object({ day: z.string() }))
    .parse(
      await prisma.$queryRaw`SELECT to_char("day", 'YYYY-MM-DD') AS "day" FROM "MealSummaryDirty" WHERE "day" < ${through}::date ORDER BY "day"`,
    );
  return rows.map((r) => r.day);
}

/**
 * Waits until the transactions running now (in this database) have ended. Called after the day
 * changed: a transaction that wrote an ended day's rows before midnight (so no trigger marked them)
 * is then committed or gone, and the next snapshot sees all of them.
 */
async function waitForEarlierWriters(prisma: PrismaClient, waitMs: number): Promise<boolean> {
  const [snapshot] = z
    .array(z.object({ snapshot: z.string() }))
    .parse(await prisma.$queryRaw`SELECT pg_current_snapshot()::text AS "snapshot"`);
  if (!snapshot) return false;
  const deadline = Date.now() + waitMs;
  for (;;) {
    // Transactions of other databases share the xid space but never write these tables.
    const [row] = z.array(z.object({ running: z.coerce.number() })).parse(
      await prisma.$queryRaw`SELECT count(*) AS "running" FROM pg_snapshot_xip(${snapshot.snapshot}::pg_snapshot) x
          WHERE pg_xact_status(x) = 'in progress'
            AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a."datname" IS DISTINCT FROM current_database()
              AND a."backend_xid"::text = (x::text::bigint % 4294967296)::text)`,
    );
    if ((row?.running ?? 0) === 0) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** `data` with only the kept fields (values copied as they are), null when none is set. */
function projectedDataSql(keys: readonly string[]): Prisma.Sql {
  if (keys.length === 0) return Prisma.raw("NULL::jsonb");
  return Prisma.sql`CASE WHEN jsonb_typeof(e."data") = 'object' THEN
      (SELECT jsonb_object_agg(f."key", f."value") FROM jsonb_each(e."data") f WHERE f."key" IN (${Prisma.join([...keys])}))
    END`;
}

/** Sums one day (again): the summary rows, the message counts, its dirty mark and the state in one snapshot. */
async function rollUpDay(prisma: PrismaClient, day: string, keys: readonly string[], first: boolean): Promise<void> {
  const start = Prisma.sql`${day}::date::timestamp`;
  const end = Prisma.sql`(${day}::date + 1)::timestamp`;
  await prisma.$transaction(
    async (tx) => {
      // Locks the state: a second roll-up (another instance) waits, then fails to serialise and stops.
      const [state] = z
        .array(stateSchema)
        .parse(
          await tx.$queryRaw`SELECT to_char("through", 'YYYY-MM-DD') AS "through", "dataKeys" FROM "MealSummaryState" WHERE "id" = 1 FOR UPDATE`,
        );
      const sameKeys = state?.dataKeys?.join() === keys.join();
      if (!state?.through || !sameKeys || (first ? state.through !== day : day >= state.through)) {
        throw new ConcurrentRollUp();
      }
      await tx.$executeRaw`INSERT INTO "MealSubject" ("pseudonym")
        SELECT DISTINCT "subject" FROM "MealEvent" WHERE "at" >= ${start} AND "at" < ${end} AND "subject" IS NOT NULL
        ON CONFLICT ("pseudonym") DO NOTHING`;
      await tx.$executeRaw`DELETE FROM "MealDailySummary" WHERE "day" = ${day}::date`;
      await tx.$executeRaw`INSERT INTO "MealDailySummary" ("day", "type", "channel", "location", "sex", "ageGroup",
          "category", "service", "urgency", "flowId", "data", "events", "subjects")
        SELECT ${day}::date, "type", "channel", "location", "sex", "ageGroup", "category", "service", "urgency", "flowId",
          "data", count(*)::int, COALESCE(array_agg(DISTINCT "sid" ORDER BY "sid") FILTER (WHERE "sid" IS NOT NULL), '{}')
        FROM (SELECT e."type", e."channel", e."location", e."sex", e."ageGroup", e."category", e."service", e."urgency",
            e."flowId", ${projectedDataSql(keys)} AS "data", s."id" AS "sid"
          FROM "MealEvent" e LEFT JOIN "MealSubject" s ON s."pseudonym" = e."subject"
          WHERE e."at" >= ${start} AND e."at" < ${end}) e
        GROUP BY "type", "channel", "location", "sex", "ageGroup", "category", "service", "urgency", "flowId", "data"`;
      await tx.$executeRaw`DELETE FROM "MealDailyMessages" WHERE "day" = ${day}::date`;
      await tx.$executeRaw`INSERT INTO "MealDailyMessages" ("day", "direction", "channel", "messages")
        SELECT ${day}::date, "direction", "channel", count(*)::int FROM "Message"
        WHERE "createdAt" >= ${start} AND "createdAt" < ${end} GROUP BY "direction", "channel"`;
      await tx.$executeRaw`DELETE FROM "MealSummaryDirty" WHERE "day" = ${day}::date`;
      await tx.$executeRaw`UPDATE "MealSummaryState" SET "rolledAt" = now() AT TIME ZONE 'UTC',
          "through" = CASE WHEN "through" = ${day}::date THEN ${day}::date + 1 ELSE "through" END
        WHERE "id" = 1`;
    },
    { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead, maxWait: 30_000, timeout: 120_000 },
  );
}

/** SQLSTATE 40001 (another transaction changed the state row first), as Prisma reports it. */
function isSerializationFailure(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  if ("code" in error && error.code === "P2034") return true;
  return /could not serialize|40001/.test(String(error instanceof Error ? error.message : error));
}
