import { loadConfig } from "./config/loadConfig.js";
import { DataDirLockedError } from "./db/pgliteLock.js";
import { FlowValidationError } from "./engine/errors.js";
import { createLogger } from "./log/createLogger.js";
import { startService } from "./service/startService.js";

const result = loadConfig(process.env);
if (!result.ok) {
  process.stderr.write(
    `Relais cannot start: the configuration is invalid.\n${result.errors.map((e) => `  - ${e}\n`).join("")}`,
  );
  process.exit(1);
}
const config = result.config;
const log = createLogger({ level: config.server.logLevel });

try {
  const started = Date.now();
  const service = await startService(config, log);
  log.info({ database: service.db.kind, ms: Date.now() - started }, "ready");
  process.stdout.write(
    `Relais is listening on ${service.url} (public URL ${config.server.publicUrl}, database ${service.db.location})\n`,
  );

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, "shutting down");
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
} catch (error) {
  if (error instanceof DataDirLockedError || error instanceof FlowValidationError) {
    process.stderr.write(`Relais cannot start: ${error.message}\n`);
  } else {
    log.fatal({ err: error }, "start failed");
  }
  process.exit(1);
}
