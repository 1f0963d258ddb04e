import type { ErrorRequestHandler } from "express";
import { z } from "zod";
import type { Logger } from "../log/createLogger.js";
import { AppError } from "./AppError.js";

/**
 * The one place where faults become HTTP answers: typed errors keep their status and message,
 * zod errors become 400 with the issues, body-parser errors keep their 4xx, anything else is a 500
 * with no detail (logged with the request id).
 */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const requestId = res.locals.requestId as string | undefined;
    const { status, body } = toResponse(error);
    if (status >= 500) log.error({ err: error, requestId, path: req.path }, "request failed");
    if (res.headersSent) return;
    res.status(status).json({ ...body, requestId });
  };
}

function toResponse(error: unknown): { status: number; body: { error: string; message: string; details?: unknown } } {
  if (error instanceof AppError) {
    return { status: error.status, body: { error: error.code, message: error.message, details: error.details } };
  }
  if (error instanceof z.ZodError) {
    return {
      status: 400,
      body: {
        error: "bad_request",
        message: "invalid request",
        details: error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
      },
    };
  }
  const status = httpStatusOf(error);
  if (status === 413) return { status, body: { error: "payload_too_large", message: "request body too large" } };
  if (status !== undefined && status >= 400 && status < 500) {
    return { status, body: { error: "bad_request", message: "malformed request body" } };
  }
  return { status: 500, body: { error: "internal", message: "internal error" } };
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const status = "status" in error ? error.status : "statusCode" in error ? error.statusCode : undefined;
  return typeof status === "number" ? status : undefined;
}
