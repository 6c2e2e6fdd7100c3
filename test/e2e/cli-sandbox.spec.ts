import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { runCaptured, startCliEnvironment, type CliEnvironment } from '../../src/cli/testing/cli-harness.js';

describe('lengow-sync sandbox seed', () => {
  let environment: CliEnvironment;

  beforeAll(async () => {
    environment = await startCliEnvironment({ orderCount: 5 });
  });
  afterAll(async () => {
    await environment.close();
  });

  it('adds orders from the emulator sequence and the catalogue to the built-in shop', async () => {
    const run = await runCaptured(['sandbox', 'seed', '--orders', '7'], environment.env);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/7 orders added, 0 replaced \(emulator, seed 11\); 12 orders in all/);
    const added = /built-in shop: (\d+) products/.exec(run.stdout);
    expect(Number(added?.[1])).toBeGreaterThan(0);
    expect(environment.sandbox.state.orders.stats.total).toBe(12);
    // The products went into the configured SQLite file, where the server's shop reads them.
    const db = new Database(environment.sqlitePath, { readonly: true });
    try {
      const { n } = db.prepare(`SELECT COUNT(*) AS n FROM shop_products`).get() as { n: number };
      expect(n).toBeGreaterThanOrEqual(Number(added?.[1]));
    } finally {
      db.close();
    }
  });

  it('with --seed builds the same orders each run (upserted, not duplicated) and reports JSON', async () => {
    const first = await runCaptured(['sandbox', 'seed', '--orders', '4', '--seed', '99', '--json'], environment.env);
    expect(first.code).toBe(0);
    const body = JSON.parse(first.stdout) as {
      orders: { added: number; replaced: number; total: number; source: string };
      shop: { productsAdded: number };
    };
    expect(body.orders).toMatchObject({ added: 4, replaced: 0, source: 'cli' });
    // The catalogue went in with the first test: seeding again adds nothing.
    expect(body.shop.productsAdded).toBe(0);
    const again = await runCaptured(['sandbox', 'seed', '--orders', '4', '--seed', '99', '--json'], environment.env);
    expect(JSON.parse(again.stdout)).toMatchObject({ orders: { added: 0, replaced: 4, total: body.orders.total } });
  });

  it('refuses to seed a real Lengow API (exit 3) and names the reason', async () => {
    const run = await runCaptured(['sandbox', 'seed'], { ...environment.env, LENGOW_API_URL: 'http://127.0.0.1:9/' });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^refused: NOT_AN_EMULATOR: LENGOW_API_URL is not a Lengow emulator/);
  });

  it('treats a bad --orders value as a usage error (exit 2)', async () => {
    const run = await runCaptured(['sandbox', 'seed', '--orders', 'many'], environment.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/option '--orders <n>' argument 'many' is invalid/);
  });

  it('prints help for seed', async () => {
    const run = await runCaptured(['sandbox', 'seed', '--help'], environment.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Usage: lengow-sync sandbox seed \[options\]/);
    expect(run.stdout).toMatch(/--orders <n>/);
    expect(run.stdout).toMatch(/--json/);
  });

  it("in sandbox mode, seeds the server's emulator on SANDBOX_PORT", async () => {
    const before = environment.sandbox.state.orders.stats.total;
    const env = { SQLITE_PATH: environment.sqlitePath, SANDBOX: 'on', SANDBOX_PORT: String(environment.sandbox.port) };
    const run = await runCaptured(['sandbox', 'seed', '--orders', '3'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`^emulator http://127\\.0\\.0\\.1:${environment.sandbox.port}: 3 orders added`),
    );
    expect(environment.sandbox.state.orders.stats.total).toBe(before + 3);
  });

  it('in sandbox mode with no emulator answering, fails (exit 4) saying what to start', async () => {
    const env = { SQLITE_PATH: environment.sqlitePath, SANDBOX: 'on', SANDBOX_PORT: '9' };
    const run = await runCaptured(['sandbox', 'seed'], env);
    expect(run.code).toBe(4);
    expect(run.stderr).toBe(
      'failed: no Lengow emulator answers at http://127.0.0.1:9: start the server (npm start) or one with npm run sandbox\n',
    );
  });
});
