import { InvalidArgumentError, type Command } from 'commander';
import type { AppConfig } from '../../config/app-config.js';
import { loadConfig } from '../../config/load-config.js';
import { generateOrder } from '../../sandbox/order-generator.js';
import { seedFromSandboxCatalogue } from '../../shop/seed-from-sandbox-catalogue.js';
import { SHOP, type Shop } from '../../shop/shop.port.js';
import type { CliContext } from '../cli-context.js';
import { CliRefusal } from '../cli-refusal.js';
import { isEmulator } from '../lengow-endpoint.js';
import { integerIn } from '../parse-integer.js';
import { SandboxAdminClient } from '../sandbox-admin-client.js';

/** Orders built here (with --seed) travel in one request body; beyond this the emulator's own generator is the tool. */
const MAX_LOCAL_ORDERS = 10_000;

interface SeedOptions {
  orders: number;
  seed?: number;
  url?: string;
}

export function registerSandboxCommands(program: Command, context: CliContext): void {
  const sandbox = program.command('sandbox').description('Work with the Lengow emulator (sandbox mode).');
  sandbox
    .command('seed')
    .description(
      "Add generated orders to the Lengow emulator through its admin API, and add the emulator's catalogue to the " +
        'built-in shop (only what is missing).',
    )
    .option('--orders <n>', 'generated orders to add (0: only the shop catalogue)', integerIn(0, 1_000_000), 20)
    .option(
      '--seed <s>',
      `generate the orders here with this seed (idempotent: the same seed and count give the same orders; at most ${MAX_LOCAL_ORDERS}) instead of continuing the emulator's own sequence`,
      integerIn(0, 2 ** 31 - 1),
    )
    .option(
      '--url <url>',
      "the emulator's base URL (default: the server's emulator, or LENGOW_API_URL when it is one)",
      parseHttpUrl,
    )
    .addHelpText(
      'after',
      '\nExamples:\n  lengow-sync sandbox seed --orders 100\n  lengow-sync sandbox seed --orders 50 --seed 7 --json',
    )
    .action(async (options: SeedOptions) => {
      if (options.seed !== undefined && options.orders > MAX_LOCAL_ORDERS) {
        throw new CliRefusal('TOO_MANY_ORDERS', `--seed generates at most ${MAX_LOCAL_ORDERS} orders per run`);
      }
      const url = await emulatorUrl(loadConfig(context.io.env), options.url);
      const client = new SandboxAdminClient(url);
      const before = await client.state();
      const shop = await context.withSession({ emulatorUrl: url }, (session) =>
        session.app.get<Shop>(SHOP).seed(seedFromSandboxCatalogue()),
      );
      const orders = await addOrders(client, before, options);
      const after = await client.state();
      if (context.json) {
        context.printJson({ emulator: url, orders: { ...orders, total: after.orders.total }, shop });
        return;
      }
      context.print(
        `emulator ${url}: ${orders.added} orders added, ${orders.replaced} replaced ` +
          `(${orders.source}, seed ${orders.seed}); ${after.orders.total} orders in all`,
      );
      context.print(
        `built-in shop: ${shop.productsAdded} products, ${shop.currenciesAdded} currencies, ` +
          `${shop.countriesAdded} countries, ${shop.carriersAdded} carriers added`,
      );
    });
}

async function addOrders(
  client: SandboxAdminClient,
  state: Awaited<ReturnType<SandboxAdminClient['state']>>,
  options: SeedOptions,
): Promise<{ added: number; replaced: number; source: 'emulator' | 'cli'; seed: number; firstIndex: number }> {
  if (options.orders === 0) return { added: 0, replaced: 0, source: 'emulator', seed: state.seed, firstIndex: 0 };
  if (options.seed === undefined) {
    const { generated } = await client.generate(options.orders);
    return {
      added: generated.count,
      replaced: 0,
      source: 'emulator',
      seed: state.seed,
      firstIndex: generated.firstIndex,
    };
  }
  // One second apart and ending at the emulator's clock, so the next import (which reads by updated_at) sees them all.
  const nowMs = Date.parse(state.now);
  const orders = Array.from({ length: options.orders }, (_, index) =>
    generateOrder(options.seed!, index, nowMs - (options.orders - 1 - index) * 1000, { accountId: state.accountId }),
  );
  const result = await client.addOrders(orders);
  return { ...result, source: 'cli', seed: options.seed, firstIndex: 0 };
}

/**
 * The emulator to seed: `--url`, else the server's emulator in sandbox mode, else LENGOW_API_URL if it is an
 * emulator. Never a real Lengow API: generated orders there would be someone's real orders.
 */
async function emulatorUrl(config: AppConfig, explicit: string | undefined): Promise<string> {
  if (explicit !== undefined) {
    if (!(await isEmulator(explicit))) {
      throw new CliRefusal('NOT_AN_EMULATOR', `${explicit} does not answer as a Lengow emulator (/_sandbox/catalogue)`);
    }
    return explicit;
  }
  if (config.sandboxEnabled) {
    if (config.SANDBOX_PORT === 0) {
      throw new CliRefusal('NOT_AN_EMULATOR', 'SANDBOX_PORT=0 puts the emulator on a random port; pass its --url');
    }
    const url = `http://127.0.0.1:${config.SANDBOX_PORT}`;
    if (!(await isEmulator(url))) {
      throw new Error(`no Lengow emulator answers at ${url}: start the server (npm start) or one with npm run sandbox`);
    }
    return url;
  }
  if (await isEmulator(config.LENGOW_API_URL)) return config.LENGOW_API_URL;
  throw new CliRefusal(
    'NOT_AN_EMULATOR',
    'LENGOW_API_URL is not a Lengow emulator: sandbox seed never adds orders to a real Lengow account',
  );
}

function parseHttpUrl(value: string): string {
  if (!/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(value)) throw new InvalidArgumentError('expected an http(s) URL');
  return value;
}
