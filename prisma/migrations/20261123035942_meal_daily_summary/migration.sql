-- CreateTable
CREATE TABLE "MealDailySummary" (
    "id" BIGSERIAL NOT NULL,
    "day" DATE NOT NULL,
    "type" TEXT NOT NULL,
    "channel" "Channel",
    "location" TEXT,
    "sex" TEXT,
    "ageGroup" TEXT,
    "category" TEXT,
    "service" TEXT,
    "urgency" TEXT,
    "flowId" TEXT,
    "data" JSONB,
    "events" INTEGER NOT NULL,
    "subjects" INTEGER[],

    CONSTRAINT "MealDailySummary_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MealDailyMessages" (
    "day" DATE NOT NULL,
    "direction" "Direction" NOT NULL,
    "channel" "Channel" NOT NULL,
    "messages" INTEGER NOT NULL,

    CONSTRAINT "MealDailyMessages_pkey" PRIMARY KEY ("day","direction","channel")
);

-- CreateTable
CREATE TABLE "MealSubject" (
    "id" SERIAL NOT NULL,
    "pseudonym" TEXT NOT NULL,

    CONSTRAINT "MealSubject_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MealSummaryState" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "through" DATE,
    "dataKeys" TEXT[],
    "rolledAt" TIMESTAMP(3),

    CONSTRAINT "MealSummaryState_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MealSummaryDirty" (
    "day" DATE NOT NULL,
    "markedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MealSummaryDirty_pkey" PRIMARY KEY ("day")
);

-- CreateIndex
CREATE INDEX "MealDailySummary_type_day_idx" ON "MealDailySummary"("type", "day");

-- CreateIndex
CREATE INDEX "MealDailySummary_day_idx" ON "MealDailySummary"("day");

-- CreateIndex
CREATE UNIQUE INDEX "MealSubject_pseudonym_key" ON "MealSubject"("pseudonym");

-- Days change after they closed only through late writes, updates or deletions (the inbound path
-- writes today's events). These row triggers mark such a day dirty, in the same transaction as the
-- change, so the dashboard reads it from the raw tables until the roll-up job sums it again. A
-- write of today's rows only evaluates the WHEN condition: no function call, no shared row.
-- The function bodies spell the semicolon as \x3B: @prisma/adapter-pg, which applies migrations
-- on PostgreSQL, splits a script at every semicolon, even inside a quoted function body.
CREATE FUNCTION "MealEvent_mark_summary_dirty"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "MealSummaryDirty" ("day")
    SELECT DISTINCT t::date FROM unnest(ARRAY[OLD."at", NEW."at"]) AS t
    WHERE t < date_trunc(\'day\', clock_timestamp() AT TIME ZONE \'UTC\')
    ON CONFLICT DO NOTHING\x3B
  RETURN NULL\x3B
END';

CREATE FUNCTION "Message_mark_summary_dirty"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "MealSummaryDirty" ("day")
    SELECT DISTINCT t::date FROM unnest(ARRAY[OLD."createdAt", NEW."createdAt"]) AS t
    WHERE t < date_trunc(\'day\', clock_timestamp() AT TIME ZONE \'UTC\')
    ON CONFLICT DO NOTHING\x3B
  RETURN NULL\x3B
END';

-- TRUNCATE fires no row trigger: the summary starts over.
CREATE FUNCTION "meal_summary_reset"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  DELETE FROM "MealDailySummary"\x3B
  DELETE FROM "MealDailyMessages"\x3B
  DELETE FROM "MealSummaryDirty"\x3B
  UPDATE "MealSummaryState" SET "through" = NULL\x3B
  RETURN NULL\x3B
END';

CREATE TRIGGER "MealEvent_summary_insert" AFTER INSERT ON "MealEvent" FOR EACH ROW
  WHEN (NEW."at" < date_trunc('day', clock_timestamp() AT TIME ZONE 'UTC'))
  EXECUTE FUNCTION "MealEvent_mark_summary_dirty"();
CREATE TRIGGER "MealEvent_summary_update" AFTER UPDATE ON "MealEvent" FOR EACH ROW
  WHEN ((OLD."at" < date_trunc('day', clock_timestamp() AT TIME ZONE 'UTC')
      OR NEW."at" < date_trunc('day', clock_timestamp() AT TIME ZONE 'UTC'))
    AND (OLD."at", OLD."type", OLD."subject", OLD."channel", OLD."location", OLD."sex", OLD."ageGroup",
         OLD."category", OLD."service", OLD."urgency", OLD."flowId", OLD."data")
      IS DISTINCT FROM
        (NEW."at", NEW."type", NEW."subject", NEW."channel", NEW."location", NEW."sex", NEW."ageGroup",
         NEW."category", NEW."service", NEW."urgency", NEW."flowId", NEW."data"))
  EXECUTE FUNCTION "MealEvent_mark_summary_dirty"();
CREATE TRIGGER "MealEvent_summary_delete" AFTER DELETE ON "MealEvent" FOR EACH ROW
  WHEN (OLD."at" < date_trunc('day', clock_timestamp() AT TIME ZONE 'UTC'))
  EXECUTE FUNCTION "MealEvent_mark_summary_dirty"();
CREATE TRIGGER "MealEvent_summary_truncate" AFTER TRUNCATE ON "MealEvent" FOR EACH STATEMENT
  EXECUTE FUNCTION "meal_summary_reset"();

-- Messages: only the day, direction and channel are summarised (status updates do not fire).
CREATE TRIGGER "Message_summary_insert" AFTER INSERT ON "Message" FOR EACH ROW
  WHEN (NEW."createdAt" < date_trunc('day', clock_timestamp() AT TIME ZONE 'UTC'))
  EXECUTE FUNCTION "Message_mark_summary_dirty"();
CREATE TRIGGER "Message_summary_update" AFTER UPDATE OF "createdAt", "direction", "channel" ON "Message" FOR EACH ROW
  WHEN ((OLD."createdAt" < date_trunc('day', clock_timestamp() AT TIME ZONE 'UTC')
      OR NEW."createdAt" < date_trunc('day', clock_timestamp() AT TIME ZONE 'UTC'))
    AND (OLD."createdAt", OLD."direction", OLD."channel") IS DISTINCT FROM (NEW."createdAt", NEW."direction", NEW."channel"))
  EXECUTE FUNCTION "Message_mark_summary_dirty"();
CREATE TRIGGER "Message_summary_delete" AFTER DELETE ON "Message" FOR EACH ROW
  WHEN (OLD."createdAt" < date_trunc('day', clock_timestamp() AT TIME ZONE 'UTC'))
  EXECUTE FUNCTION "Message_mark_summary_dirty"();
CREATE TRIGGER "Message_summary_truncate" AFTER TRUNCATE ON "Message" FOR EACH STATEMENT
  EXECUTE FUNCTION "meal_summary_reset"();
