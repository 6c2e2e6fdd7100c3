import type { DestinationStream } from 'pino';
import { openInfrastructure, type Infrastructure } from '../boot/infrastructure.js';
import type { AppConfig } from '../config/app-config.js';
import { loadConfig } from '../config/load-config.js';
import { createLogger, type Logger } from '../logging/logger.js';
import type { CliIo } from './cli-io.js';

/** What read-only commands need: the server's configuration and its databases, without Nest. */
export interface CliStores {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly infrastructure: Infrastructure;
  close(): Promise<void>;
}

/** Logs stay off the operator's screen unless --debug, where they go to stderr (stdout may be piped into jq). */
export function cliLogger(io: CliIo, debug: boolean): Logger {
  return createLogger({
    level: debug ? 'debug' : 'silent',
    destination: io.stderr as unknown as DestinationStream,
  });
}

/**
 * The event store and read-model database as the server opens them. Reads (history, audit, drift check) use the same
 * classes the app's read side provides, on these; they need no Nest container, which keeps them quick.
 */
export async function openCliStores(io: CliIo, options: { debug?: boolean } = {}): Promise<CliStores> {
  const config = loadConfig(io.env);
  const logger = cliLogger(io, options.debug ?? false);
  const infrastructure = await openInfrastructure(config, logger);
  return { config, logger, infrastructure, close: () => infrastructure.close() };
}
