import { createLogger } from '../logging/logger.js';
import { startSandbox } from './sandbox-server.js';

/** `npm run sandbox`: the Lengow API emulator as a standalone process, configured from the environment. */

function intFromEnv(name: string, fallback: number | undefined): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) {
    console.error(`${name} must be a non-negative integer, got "${raw}"`);
    process.exit(2);
  }
  return Number(raw);
}

const logger = createLogger({ name: 'lengow-sandbox' });
const sandbox = await startSandbox({
  host: process.env.SANDBOX_HOST || '127.0.0.1',
  port: intFromEnv('SANDBOX_PORT', 3100),
  seed: intFromEnv('SANDBOX_SEED', 1),
  orderCount: intFromEnv('SANDBOX_ORDERS', 500),
  accessToken: process.env.SANDBOX_ACCESS_TOKEN || undefined,
  secret: process.env.SANDBOX_SECRET || undefined,
  actionProcessingDelayMs: intFromEnv('SANDBOX_ACTION_DELAY_MS', undefined),
  tokenLifetimeSeconds: intFromEnv('SANDBOX_TOKEN_LIFETIME_S', undefined),
  logger,
});

console.log(
  `Lengow sandbox listening on ${sandbox.url} (account ${sandbox.accountId}, ${sandbox.state.orders.generatedCount} orders)`,
);

let closing = false;
const shutdown = (signal: string) => {
  if (closing) return;
  closing = true;
  logger.info({ signal }, 'Lengow sandbox shutting down');
  sandbox.close().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'Lengow sandbox did not close cleanly');
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
