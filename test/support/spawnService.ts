import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

export interface SpawnedService {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

const tsx = path.resolve("node_modules/.bin/tsx");

/**
 * Starts `src/main.ts` in a child process, as `npm start` would (through tsx, so no build is
 * needed), and waits for its "listening" line.
 */
export function spawnService(env: Record<string, string>, timeoutMs = 60_000): Promise<SpawnedService> {
  const child = spawn(tsx, ["src/main.ts"], {
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "info", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start:\n${out}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/localhost:\d+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: match[1], output: () => out, exited });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`service exited with ${code}:\n${out}`), { code, output: out }));
    });
  });
}

/** Runs `src/main.ts` expecting it to exit, and returns its code and output. */
export function runServiceToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return spawnService(env).then(
    async (service) => {
      service.child.kill("SIGTERM");
      return { code: await service.exited, output: service.output() };
    },
    (error: { code?: number | null; output?: string }) => ({
      code: error.code ?? null,
      output: error.output ?? String(error),
    }),
  );
}
