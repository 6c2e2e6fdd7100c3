import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  manifestOrders,
  orderArgument,
  prepareShop,
  runCaptured,
  runServerReactions,
  startCliEnvironment,
  type CliEnvironment,
} from '../../src/cli/testing/cli-harness.js';

describe('lengow-sync resend, and resync/reimport/retry-stock of an imported order', () => {
  let environment: CliEnvironment;
  let order: string;

  beforeAll(async () => {
    environment = await startCliEnvironment({ seed: 11, orderCount: 12 });
    const orders = await manifestOrders(environment.sandbox);
    order = orderArgument(orders.find((candidate) => candidate.case === 'standard')!);
    await prepareShop(
      environment,
      orders.map((candidate) => candidate.marketplace),
    );
    expect((await runCaptured(['import', '--order', order], environment.env)).code).toBe(0);
    // The server's sagas create the shop order and send the merchant order ids.
    await runServerReactions(environment);
  });
  afterAll(async () => {
    await environment.close();
  });

  it('the order is imported by the reactions that ran', async () => {
    const state = await runCaptured(['state', order], environment.env);
    expect(state.stdout).toMatch(/^ {2}import\s+imported \(generation 1\)$/m);
    expect(state.stdout).toMatch(/^ {2}stock\s+done$/m);
  });

  it('resend without a failed action is refused with NO_FAILED_ACTION (exit 3)', async () => {
    const run = await runCaptured(['resend', order], environment.env);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe('refused: NO_FAILED_ACTION: there is no failed action to send again\n');
    const typed = await runCaptured(
      ['resend', order, '--type', 'refund', '--choice', 'refund_reason=RETURN', '--json'],
      environment.env,
    );
    expect(typed.code).toBe(3);
    expect(JSON.parse(typed.stdout)).toEqual({
      error: { code: 'NO_FAILED_ACTION', message: 'there is no failed action to send again' },
    });
  });

  it('resend refuses an order never imported, and bad options are usage errors', async () => {
    const unknown = await runCaptured(['resend', 'amazon_fr:404-0000000-9999997'], environment.env);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/^refused: ORDER_NOT_(FOUND|IMPORTED): /);
    expect((await runCaptured(['resend', order, '--type', 'return'], environment.env)).code).toBe(2);
    expect((await runCaptured(['resend', order, '--choice', 'carrier'], environment.env)).code).toBe(2);
  });

  it('resync asks for the merchant order ids to be sent again, once', async () => {
    const first = await runCaptured(['resync', order], environment.env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/re-synchronisation requested \(OrderResynchronisationRequested\)/);
    const again = await runCaptured(['resync', order, '--json'], environment.env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ requested: false, events: [] });
  });

  it('retry-stock on an order whose stock was taken is refused with STOCK_ALREADY_DECREMENTED (exit 3)', async () => {
    const run = await runCaptured(['retry-stock', order], environment.env);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /^refused: STOCK_ALREADY_DECREMENTED: the stock of this order was already decremented at /,
    );
    const json = await runCaptured(['retry-stock', order, '--json'], environment.env);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'STOCK_ALREADY_DECREMENTED' } });
  });

  it("retry-stock in sandbox mode (no Lengow credentials) reaches the order, through the server's emulator", async () => {
    const env = {
      SQLITE_PATH: environment.env.SQLITE_PATH,
      SANDBOX: 'auto',
      SANDBOX_PORT: String(environment.sandbox.port),
      LOG_LEVEL: 'silent',
    };
    const run = await runCaptured(['retry-stock', order], env);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /^refused: STOCK_ALREADY_DECREMENTED: the stock of this order was already decremented at /,
    );
  });

  it('reimport of an imported order plans new shop orders', async () => {
    const run = await runCaptured(['reimport', order], environment.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/: planned 1 shop order .*\[.*OrderImportPlanned.*\]\n$/);
  });

  it('resend --help (exit 0)', async () => {
    const run = await runCaptured(['resend', '--help'], environment.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: lengow-sync resend \[options\] <order>/);
    expect(run.stdout).toMatch(/--type <type>\s+only an action of this type \(choices: "ship", "cancel", "refund"\)/);
  });
});
