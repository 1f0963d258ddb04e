-- DropIndex
DROP INDEX "MealEvent_type_at_idx";

-- CreateIndex
CREATE INDEX "MealEvent_type_at_location_sex_ageGroup_channel_subject_idx" ON "MealEvent"("type", "at", "location", "sex", "ageGroup", "channel", "subject");
