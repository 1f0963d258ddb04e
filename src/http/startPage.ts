import { Router } from "express";

/** A plain start page: what runs here and where to go. Replaced by the simulator at `/` when it is mounted first. */
export function startPage(info: { database: string }): Router {
  const router = Router();
  router.get("/", (_req, res) => {
    res.type("html").send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Relais</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><h1>Relais</h1><p>Conversations over Telegram, WhatsApp and SMS for humanitarian outreach.</p>
<p>Database: ${escapeHtml(info.database)}</p>
<ul><li><a href="/healthz">/healthz</a></li><li><a href="/readyz">/readyz</a></li></ul></body></html>`);
  });
  return router;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
