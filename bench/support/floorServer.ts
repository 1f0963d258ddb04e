/**
 * The floor for the inbound benchmark: a bare Express handler that checks the Twilio signature and
 * inserts one row, on the same database stack as Relais. Started by bench/inboundLoad.ts.
 */
import express from "express";
import twilio from "twilio";
import { openDatabase } from "../../src/db/openDatabase.js";

const port = Number(process.env.PORT);
const authToken = process.env.TWILIO_AUTH_TOKEN ?? "";
const publicUrl = process.env.PUBLIC_URL ?? "";
const db = await openDatabase({ url: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR ?? "./data-floor" });
const app = express();
app.post("/webhooks/twilio/messages", express.urlencoded({ extended: false, limit: "64kb" }), async (req, res) => {
  const params: Record<string, string> = req.body;
  if (
    !twilio.validateRequest(authToken, req.get("x-twilio-signature") ?? "", `${publicUrl}${req.originalUrl}`, params)
  ) {
    res.status(403).end();
    return;
  }
  await db.prisma.message.create({
    data: {
      direction: "inbound",
      channel: "sms",
      providerMessageId: params.MessageSid,
      text: params.Body,
      status: "received",
    },
  });
  res.type("text/xml").send('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
});
app.get("/readyz", (_req, res) => {
  res.json({ status: "ready" });
});
app.listen(port);
