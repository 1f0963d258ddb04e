import type { Prisma, PrismaClient } from "../generated/prisma/client.js";

/** A Prisma client inside an interactive transaction. */
export type Tx = Prisma.TransactionClient;

/** Either the client or a transaction: functions that only read or write take this. */
export type DbClient = PrismaClient | Tx;

/** True when `error` is Prisma's unique-constraint violation (P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === "P2002";
}
