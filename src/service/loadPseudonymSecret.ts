import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * The HMAC key for MEAL pseudonyms: `PSEUDONYM_SECRET` when set; otherwise (development only) a
 * random key kept in the data folder, so pseudonyms stay stable across restarts.
 */
export function loadPseudonymSecret(
  configured: string | undefined,
  dataDir: string,
): { secret: string; generated: boolean } {
  if (configured) return { secret: configured, generated: false };
  const file = path.join(dataDir, "pseudonym.secret");
  try {
    return { secret: readFileSync(file, "utf8").trim(), generated: true };
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(32).toString("hex");
    writeFileSync(file, secret, { mode: 0o600 });
    return { secret, generated: true };
  }
}
