-- CreateIndex
CREATE INDEX "OutboxItem_channel_recipient_createdAt_idx" ON "OutboxItem"("channel", "recipient", "createdAt");
