import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Where the page's files live, relative to the project root. */
export const simulatorAssetsPath = path.join("src", "web", "simulator");

/**
 * The folder of the simulator's page and assets: `src/web/simulator` under the project root, found
 * by walking up from this module to the folder holding `package.json` and the page. `tsc` copies no
 * HTML or CSS into `dist/`, so both `src/` (tsx) and `dist/src/` (build) resolve to the sources.
 *
 * @example
 * findSimulatorAssets(); // "/app/src/web/simulator"
 */
export function findSimulatorAssets(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; ) {
    const candidate = path.join(dir, simulatorAssetsPath);
    if (existsSync(path.join(dir, "package.json")) && existsSync(path.join(candidate, "index.html"))) return candidate;
    const up = path.dirname(dir);
    if (up === dir)
      throw new Error(`web simulator: no ${simulatorAssetsPath}/index.html in a project root above ${from}`);
    dir = up;
  }
}
