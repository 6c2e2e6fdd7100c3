import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { createServer, type Server } from 'node:net';
import {
  manifestOrders,
  orderArgument,
  prepareShop,
  runCaptured,
  startCliEnvironment,
  type CliEnvironment,
  type ManifestOrder,
} from '../../src/cli/testing/cli-harness.js';

/** The consumers that ever ran on this engine file: each writes its checkpoint row when it starts. */
function consumerCheckpoints(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'consumer_checkpoints'`).get();
    if (!table) return [];
    return (db.prepare(`SELECT name FROM consumer_checkpoints ORDER BY name`).all() as { name: string }[]).map(
      (row) => row.name,
    );
  } finally {
    db.close();
  }
}

describe('lengow-sync import, reimport and resync', () => {
  let environment: CliEnvironment;
  let orders: ManifestOrder[];
  let created: string;
  let ignored: string;

  beforeAll(async () => {
    environment = await startCliEnvironment({ seed: 11, orderCount: 12 });
    orders = await manifestOrders(environment.sandbox);
    created = orderArgument(orders.find((order) => order.case === 'standard')!);
    ignored = orderArgument(orders.find((order) => order.outcome === 'ignored')!);
    await prepareShop(
      environment,
      orders.map((order) => order.marketplace),
    );
  });
  afterAll(async () => {
    await environment.close();
  });

  it('import --order imports one order; history, state and replay show its events', async () => {
    const run = await runCaptured(['--as', 'night-shift', 'import', '--order', created], environment.env);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(
      `${created}: planned 1 shop order (the server's import saga creates them) [OrderImportPlanned]\n`,
    );

    const history = await runCaptured(['history', created, '--json'], environment.env);
    const events = (JSON.parse(history.stdout) as { events: { type: string; actor: string; correlationId: string }[] })
      .events;
    expect(events.map((event) => event.type)).toEqual(['OrderImportPlanned']);
    expect(events[0].actor).toBe('operator:night-shift');
    expect(events[0].correlationId).toMatch(/^[0-9a-f-]{36}$/);

    const state = await runCaptured(['state', created], environment.env);
    expect(state.code).toBe(0);
    expect(state.stdout).toMatch(/^ {2}import\s+importing since /m);
    const replay = await runCaptured(['replay', created], environment.env);
    expect(replay.stdout).toMatch(/#0 .* OrderImportPlanned +by operator:night-shift\n/);
  });

  it('import --order on an order the rules skip records why', async () => {
    const run = await runCaptured(['import', '--order', ignored], environment.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(
        `^${ignored.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ignored [A-Z_]+: .+ \\[OrderImportIgnored\\]\\n$`,
      ),
    );
  });

  it('import runs the window and reports the counts (text and JSON)', async () => {
    const text = await runCaptured(['import'], environment.env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^import window run \S+ succeeded in \d+\.\d s \(\S+ \.\. \S+\)\n {2}received 12: planned \d+/,
    );
    const json = await runCaptured(['import', '--since', '3d', '--json'], environment.env);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as {
      outcome: string;
      counts: { received: number };
      window: { from: string };
    };
    expect(report.outcome).toBe('succeeded');
    expect(report.counts.received).toBe(12);
    expect(Date.now() - Date.parse(report.window.from)).toBeGreaterThanOrEqual(3 * 86_400_000 - 60_000);
  });

  it("runs no consumer: the server's (sagas, follow-up index) keep their checkpoints to themselves", async () => {
    // A CLI consumer beside a running server would move the server's checkpoint and make it stand by.
    expect((await runCaptured(['import', '--since', '1d'], environment.env)).code).toBe(0);
    expect(consumerCheckpoints(environment.sqlitePath)).toEqual([]);
  });

  it('import refuses an order Lengow does not return (exit 3) and bad options (exit 2)', async () => {
    const missing = await runCaptured(['import', '--order', 'amazon_fr:404-0000000-9999999'], environment.env);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^refused: LENGOW_ORDER_NOT_FOUND: /);
    expect((await runCaptured(['import', '--since', 'yesterday'], environment.env)).code).toBe(2);
    const future = await runCaptured(['import', '--since', '2099-01-01'], environment.env);
    expect(future.code).toBe(2);
    expect(future.stderr).toMatch(/'2099-01-01' is invalid\. the instant is in the future/);
    const both = await runCaptured(['import', '--since', '1d', '--order', created], environment.env);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/cannot be used with option '--order <order>'/);
  });

  it('reimport is refused for an order never seen and while its import is in progress', async () => {
    const unknown = await runCaptured(['reimport', 'amazon_fr:404-0000000-9999998'], environment.env);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(
      /^refused: ORDER_NOT_FOUND: order order-amazon_fr-404-0000000-9999998 has never been seen/,
    );
    // No server runs here, so the shop orders the plan asks for are never created: the import stays in progress.
    const pending = await runCaptured(['reimport', created, '--json'], environment.env);
    expect(pending.code).toBe(3);
    const body = JSON.parse(pending.stdout) as { error: { code: string; message: string } };
    expect(body.error).toEqual({
      code: 'IMPORT_IN_PROGRESS',
      message: 'an import of this order is already in progress',
    });
    expect(pending.stderr).toBe(`refused: ${body.error.code}: ${body.error.message}\n`);
  });

  it('resync is refused for an order without shop orders', async () => {
    const run = await runCaptured(['resync', created], environment.env);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^refused: ORDER_NOT_IMPORTED: /);
  });

  it("in sandbox mode, uses the server's emulator when it answers on SANDBOX_PORT", async () => {
    const env = {
      SQLITE_PATH: environment.env.SQLITE_PATH,
      SANDBOX: 'on',
      SANDBOX_PORT: String(environment.sandbox.port),
    };
    const ordersRead = () => environment.sandbox.state.requestCountsJson()['GET /v3.0/orders']?.total ?? 0;
    const before = ordersRead();
    const run = await runCaptured(['import', '--order', created], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/unchanged/);
    expect(ordersRead()).toBe(before + 1);
  });

  it('in sandbox mode with no emulator answering, starts a private one and says so', async () => {
    // A port that was free a moment ago: nothing answers there.
    const port = await new Promise<number>((resolve) => {
      const probe: Server = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const env = {
      SQLITE_PATH: environment.env.SQLITE_PATH,
      SANDBOX: 'on',
      SANDBOX_PORT: String(port),
      SANDBOX_SEED: '11',
      SANDBOX_ORDERS: '12',
    };
    const run = await runCaptured(['import', '--order', created], env);
    expect(run.stderr).toMatch(
      new RegExp(
        `^note: no Lengow emulator answers at 127\\.0\\.0\\.1:${port}; started a private one at http://127\\.0\\.0\\.1:\\d+ \\(seed 11, 12 orders\\) for this command only\\n$`,
      ),
    );
    // Same seed, same orders: the private emulator knows the order; the engine already planned it.
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/unchanged|planned/);
  });

  it.each(['import', 'reimport', 'resync'])('%s --help (exit 0)', async (command) => {
    const run = await runCaptured([command, '--help'], environment.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: lengow-sync ${command} \\[options\\]`));
  });
});
