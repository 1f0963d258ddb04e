import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import path from "node:path";

/** Thrown when another live process holds the embedded database folder. */
export class DataDirLockedError extends Error {
  override readonly name = "DataDirLockedError";
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database folder ${dataDir} is already in use by process ${pid}. Only one Relais process may use a PGlite folder: stop the other one, or set DATA_DIR to another folder, or use PostgreSQL (DATABASE_URL) to run several instances.`,
    );
  }
}

/**
 * Takes an exclusive lock on a PGlite data folder with a pid file. PGlite itself lets two processes
 * open one folder and corrupt it; a stale lock (its process gone) is taken over.
 *
 * @returns a function that releases the lock
 */
export function lockDataDir(dataDir: string): () => void {
  const lockPath = path.join(dataDir, "relais.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if (!isErrno(error, "EEXIST")) throw error;
      const pid = Number.parseInt(readFileSync(lockPath, "utf8").trim(), 10);
      if (Number.isInteger(pid) && (pid === process.pid || isAlive(pid))) throw new DataDirLockedError(dataDir, pid);
      rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isErrno(error, "EPERM");
  }
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && "code" in error && error.code === code;
}
