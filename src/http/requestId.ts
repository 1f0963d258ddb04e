import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";

const acceptable = /^[\w.-]{8,64}$/;

/** Gives every request an id (the caller's `X-Request-Id` if sane), echoed back and used in logs. */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get("x-request-id");
    const id = incoming && acceptable.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    res.setHeader("X-Request-Id", id);
    next();
  };
}
