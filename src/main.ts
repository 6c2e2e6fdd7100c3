import 'reflect-metadata';
import { BootError } from './boot/boot-error.js';
import { startEngine } from './boot/start-engine.js';
import { stopOnSignals } from './boot/stop-on-signals.js';
import { ConfigError, loadConfig } from './config/load-config.js';

/**
 * `npm start`: boot on the configuration from the environment. A boot failure prints one line saying why and exits
 * with status 1 — operators should not have to read a stack trace to learn that a folder is not writable.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const engine = await startEngine(config);
  stopOnSignals(engine);
}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof BootError;
  process.stderr.write(
    `lengow-sync: cannot start: ${known ? error.message : String((error as Error)?.message ?? error)}\n`,
  );
  if (!known && process.env.LOG_LEVEL === 'debug') process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
  process.exit(1);
});
