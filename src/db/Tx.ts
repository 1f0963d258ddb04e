import type { Prisma, PrismaClient } from "../generated/prisma/client.js";

/** A Prisma client inside an interactive transaction. */
export type Tx = Prisma.TransactionClient;

/** Either the client or a transaction: functions that only read or write take this. */
export type DbClient = PrismaClient | Tx;

/**
 * True when `error` is a unique-constraint violation: Prisma's P2002 from a model query, a raw
 * query (P2010) that the driver adapter reports as `UniqueConstraintViolation`, or SQLSTATE 23505
 * straight from `pg`.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null || !("code" in error)) return false;
  if (error.code === "P2002" || error.code === "23505") return true;
  if (error.code !== "P2010" || !("meta" in error)) return false;
  const cause = adapterCause(error.meta);
  return cause?.kind === "UniqueConstraintViolation" || cause?.originalCode === "23505";
}

function adapterCause(meta: unknown): { kind?: unknown; originalCode?: unknown } | undefined {
  if (typeof meta !== "object" || meta === null || !("driverAdapterError" in meta)) return undefined;
  const adapterError = meta.driverAdapterError;
  if (typeof adapterError !== "object" || adapterError === null || !("cause" in adapterError)) return undefined;
  const cause = adapterError.cause;
  return typeof cause === "object" && cause !== null ? cause : undefined;
}
