import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// No Docker engine runs here: check what can be checked without building the image.
describe("Dockerfile", () => {
  const dockerfile = readFileSync("Dockerfile", "utf8");
  const ignored = readFileSync(".dockerignore", "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

  it("copies only paths that exist in the repository and are not docker-ignored", () => {
    const sources = dockerfile
      .split("\n")
      .filter((line) => /^COPY\s/.test(line) && !line.includes("--from="))
      .flatMap((line) =>
        line
          .replace(/^COPY\s+/, "")
          .split(/\s+/)
          .filter((w) => !w.startsWith("--"))
          .slice(0, -1),
      );
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      expect(existsSync(source), `${source} exists`).toBe(true);
      expect(ignored, `${source} is not in .dockerignore`).not.toContain(source);
    }
  });

  it("runs as a non-root user on Node 24 with a health check and a data volume", () => {
    expect(dockerfile).toMatch(/^FROM node:24-slim/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
    expect(dockerfile).toMatch(/^VOLUME \["\/app\/data"\]/m);
    expect(dockerfile).toContain("npm ci --omit=dev");
  });

  it("starts the compiled entry point that the build produces", () => {
    const tsconfig = JSON.parse(readFileSync("tsconfig.json", "utf8")) as {
      compilerOptions: { outDir: string; rootDir: string };
    };
    expect(tsconfig.compilerOptions.outDir).toBe("dist");
    expect(tsconfig.compilerOptions.rootDir).toBe(".");
    expect(dockerfile).toContain('CMD ["node", "dist/src/main.js"]');
    expect(existsSync("src/main.ts")).toBe(true);
  });
});
