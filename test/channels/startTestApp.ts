import type { Router } from "express";
import type { HandleInbound, InboundMessage } from "../../src/conversations/InboundMessage.js";
import { createApp } from "../../src/http/createApp.js";
import { createLogger } from "../../src/log/createLogger.js";

export interface TestApp {
  baseUrl: string;
  close(): Promise<void>;
}

/** Serves `createApp` with the given routers on a free local port. */
export async function startTestApp(routers: Router[]): Promise<TestApp> {
  const app = createApp({
    log: createLogger({ level: "silent" }),
    readiness: async () => ({ ready: true }),
    routers,
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("not listening");
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A fake `handleInbound` that records what it was given and answers like the real one would. */
export function recordingHandleInbound(): {
  handleInbound: HandleInbound;
  received: InboundMessage[];
  failNext(error: Error): void;
} {
  const received: InboundMessage[] = [];
  const seen = new Set<string>();
  let failure: Error | undefined;
  return {
    received,
    failNext: (error) => {
      failure = error;
    },
    handleInbound: async (message) => {
      if (failure) {
        const error = failure;
        failure = undefined;
        throw error;
      }
      const key = `${message.channel}|${message.providerMessageId}`;
      if (seen.has(key)) return { status: "duplicate" };
      seen.add(key);
      received.push(message);
      return { status: "processed", messageId: `m${received.length}` };
    },
  };
}
