import { Router } from "express";
import type { PrismaClient } from "../generated/prisma/client.js";
import { AppError } from "../http/AppError.js";
import { scrub } from "../log/createLogger.js";
import { listOutbox, type OutboxItemSummary, retryOutboxItem } from "../outbox/outboxQueries.js";
import { currentUser } from "./AuthUser.js";
import { idParamSchema, outboxQuerySchema } from "./adminSchemas.js";
import { writeAudit } from "./audit.js";
import type { Auth } from "./createAuth.js";

/**
 * `/api/outbox` (administrators): failed and dead deliveries (never the recipient or the text), and
 * `POST /api/outbox/:id/retry` to put one back in the queue (audited), which wakes the workers.
 * Without `status`, lists failed and dead items together.
 */
export function createOutboxRouter(deps: { prisma: PrismaClient; auth: Auth; wakeOutbox: () => void }): Router {
  const router = Router();
  const adminOnly = deps.auth.requireRole("admin");

  router.get("/api/outbox", adminOnly, async (req, res) => {
    const query = outboxQuerySchema.parse(req.query);
    res.setHeader("Cache-Control", "no-store");
    if (query.status) {
      const page = await listOutbox(deps.prisma, query);
      res.json({ ...page, items: page.items.map(withoutAddresses) });
      return;
    }
    const [failed, dead] = await Promise.all([
      listOutbox(deps.prisma, { status: "failed", limit: query.limit }),
      listOutbox(deps.prisma, { status: "dead", limit: query.limit }),
    ]);
    const items = [...failed.items, ...dead.items]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(0, query.limit);
    res.json({ items: items.map(withoutAddresses), nextCursor: null });
  });

  router.post("/api/outbox/:id/retry", adminOnly, async (req, res) => {
    const user = currentUser(res);
    const { id } = idParamSchema.parse(req.params);
    const result = await retryOutboxItem(deps.prisma, id);
    if (result.status === "not_found") throw new AppError("not_found", "no such outbox item");
    if (result.status === "not_retryable") {
      throw new AppError("conflict", `only failed or dead deliveries can be retried (this one is ${result.current})`);
    }
    await writeAudit(deps.prisma, { userId: user.id, action: "outbox.retry", target: `outbox:${id}` });
    deps.wakeOutbox();
    res.json({ status: "retried" });
  });

  return router;
}

/** Provider errors sometimes quote the number they refused: mask anything phone-like. */
function withoutAddresses(item: OutboxItemSummary): OutboxItemSummary {
  const lastError = item.lastError === null ? null : scrub(item.lastError);
  return { ...item, lastError: typeof lastError === "string" ? lastError : null };
}
