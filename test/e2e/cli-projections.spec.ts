import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { openInfrastructure } from '../../src/boot/infrastructure.js';
import { runCaptured, startCliEnvironment, type CliEnvironment } from '../../src/cli/testing/cli-harness.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/logging/logger.js';
import { OrderCommandExecutor } from '../../src/orders/commands/order-command-executor.js';
import { OverviewWorkerRunner } from '../../src/orders/projections/worker/overview-worker-runner.js';
import { ORDER_OVERVIEW_VERSION } from '../../src/orders/projections/overview-projection.js';
import { snapshot } from '../../src/orders/domain/testing/order-fixtures.js';
import { importOrder, shipped, shopChange, shopOrdersCreated } from '../../src/orders/domain/testing/order-scenario.js';
import { orderTables } from '../support/order-tables.js';

/** The overview as readers see it (the views), every column, in stream order. */
function overviewRows(path: string): unknown[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(`SELECT * FROM order_overview ORDER BY stream`).all();
  } finally {
    db.close();
  }
}

function liveGeneration(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (
      db.prepare(`SELECT generation FROM projection_checkpoints WHERE name = 'order-overview'`).get() as {
        generation: number;
      }
    ).generation;
  } finally {
    db.close();
  }
}

describe('lengow-sync projections', () => {
  let environment: CliEnvironment;
  /** Where the server keeps the order read models by default (READ_MODELS_THREAD=worker): beside the engine file. */
  let readModelsPath: string;
  let eventCount = 0;

  /** The server's read models worker on this configuration, as the engine starts it. */
  function serverWorker(): OverviewWorkerRunner {
    return new OverviewWorkerRunner(
      { eventStorePath: environment.sqlitePath, readModelsPath, pollIntervalMs: 20, logLevel: 'silent' },
      silentLogger(),
    );
  }

  beforeAll(async () => {
    environment = await startCliEnvironment();
    readModelsPath = join(environment.folder, 'engine.read-models.sqlite');
    const infrastructure = await openInfrastructure(loadConfig(environment.env), silentLogger());
    try {
      const executor = new OrderCommandExecutor(infrastructure.eventStore);
      let n = 0;
      const run = (command: Parameters<OrderCommandExecutor['execute']>[0]) =>
        executor.execute(command, { commandId: `seed-${n++}`, actor: 'system' });
      await run(importOrder());
      await run(shopOrdersCreated());
      await run(shopChange('chg-ship', shipped()));
      for (let i = 1; i <= 4; i++) {
        await run(importOrder({ snapshot: snapshot({ marketplaceOrderId: `DM-OTHER-${i}` }) }));
      }
      eventCount = (await infrastructure.eventStore.readAll({ maxCount: 1000 })).length;
    } finally {
      await infrastructure.close();
    }
  });
  afterAll(async () => {
    await environment.close();
  });

  it('status and verify before the projection ever ran', async () => {
    const status = await runCaptured(['projections', 'status', '--json'], environment.env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      projections: [{ name: 'order-overview', state: 'never run', behind: { count: eventCount, capped: false } }],
    });
    const verify = await runCaptured(['projections', 'verify'], environment.env);
    expect(verify.code).toBe(3);
    expect(verify.stderr).toMatch(/^refused: PROJECTION_NOT_BUILT: order-overview has never run/);
  });

  it("status and verify read the projection where the server's read models worker keeps it", async () => {
    const worker = serverWorker();
    await worker.start();
    try {
      await worker.waitUntilCaughtUp(undefined, { timeoutMs: 20_000 });
    } finally {
      await worker.stop();
    }
    const status = await runCaptured(['projections', 'status', '--json'], environment.env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      projections: [{ name: 'order-overview', state: 'running', behind: { count: 0, capped: false } }],
    });
    const verify = await runCaptured(['projections', 'verify'], environment.env);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/^order-overview: 5 rows checked, no drift \(checkpoint \d+\)\n$/);
    // The CLI built nothing in the engine's own file.
    expect(orderTables(environment.sqlitePath)).toEqual([]);
  });

  it('rebuild prints progress lines when stdout is not a terminal, and the rows match a second rebuild', async () => {
    const first = await runCaptured(['projections', 'rebuild', 'order-overview'], environment.env);
    expect(first.code).toBe(0);
    const lines = first.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^rebuild order-overview: building \d+\/\d+ events/);
    expect(lines).toContain(`rebuild order-overview: done ${eventCount}/${eventCount} events (100%)`);
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^rebuilt order-overview \\(version ${ORDER_OVERVIEW_VERSION}, generation \\d+\\): ${eventCount} events scanned, checkpoint \\d+$`,
      ),
    );
    const rows = overviewRows(readModelsPath);
    expect(rows).toHaveLength(5);
    const generation = liveGeneration(readModelsPath);

    const second = await runCaptured(['projections', 'rebuild', 'order-overview', '--json'], environment.env);
    expect(second.code).toBe(0);
    // With --json the progress goes to stderr and stdout is the result alone.
    expect(second.stderr).toMatch(/rebuild order-overview: done/);
    expect(JSON.parse(second.stdout)).toMatchObject({
      projection: 'order-overview',
      processed: eventCount,
      generation: generation + 1,
    });
    expect(overviewRows(readModelsPath)).toEqual(rows);

    const status = await runCaptured(['projections', 'status'], environment.env);
    const version = ORDER_OVERVIEW_VERSION;
    expect(status.stdout).toMatch(
      new RegExp(`^order-overview\\s+${version}\\s+${version}\\s+running\\s+\\d+\\s+0\\s+-`, 'm'),
    );
  });

  it('rebuild draws a bar on a terminal', async () => {
    const run = await runCaptured(['projections', 'rebuild', 'order-overview'], environment.env, { tty: true });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/rebuild order-overview \[[█░]{40}\] 100% \| \d+\/\d+ events \| done/);
    expect(run.stdout).toMatch(/rebuilt order-overview/);
  });

  it('verify exits 0 on a clean read model and 1 once a row was tampered with', async () => {
    const clean = await runCaptured(['projections', 'verify'], environment.env);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/^order-overview: 5 rows checked, no drift \(checkpoint \d+\)\n$/);

    const db = new Database(readModelsPath);
    try {
      const { physical_name: table } = db
        .prepare(
          `SELECT t.physical_name FROM projection_tables t JOIN projection_checkpoints c
             ON c.name = t.projection AND c.generation = t.generation
           WHERE t.projection = 'order-overview' AND t.base_name = 'order_overview'`,
        )
        .get() as { physical_name: string };
      db.prepare(`UPDATE ${table} SET customer_name = 'Mallory' WHERE marketplace_order_id = 'DM-OTHER-2'`).run();
    } finally {
      db.close();
    }

    const drift = await runCaptured(['projections', 'verify'], environment.env);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toMatch(/^order-overview: DRIFT in 1 of 5 rows/);
    expect(drift.stdout).toMatch(
      /order-demo_market_fr-DM-OTHER-2\s+customerName\s+customer_name\s+"Mallory"\s+"Anne Martin"/,
    );
    const json = await runCaptured(['projections', 'verify', '--json'], environment.env);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      clean: false,
      drifted: 1,
      differences: [{ stream: 'order-demo_market_fr-DM-OTHER-2', field: 'customerName', live: 'Mallory' }],
    });

    // A rebuild is the repair: the tampered row is rebuilt from the events.
    expect((await runCaptured(['projections', 'rebuild', 'order-overview'], environment.env)).code).toBe(0);
    expect((await runCaptured(['projections', 'verify'], environment.env)).code).toBe(0);
  });

  it('after a projection version change, status says so and rebuild completes the rebuild the runner starts itself', async () => {
    const db = new Database(readModelsPath);
    try {
      // Live tables as if built by another version of the projection code.
      db.prepare(`UPDATE projection_checkpoints SET version = version + 100 WHERE name = 'order-overview'`).run();
    } finally {
      db.close();
    }
    const before = await runCaptured(['projections', 'status', '--json'], environment.env);
    expect(JSON.parse(before.stdout)).toMatchObject({
      projections: [
        { state: 'needs rebuild', version: ORDER_OVERVIEW_VERSION, liveVersion: ORDER_OVERVIEW_VERSION + 100 },
      ],
    });
    const rows = overviewRows(readModelsPath);
    const run = await runCaptured(['projections', 'rebuild', 'order-overview'], environment.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`rebuild order-overview: done ${eventCount}/${eventCount} events (100%)`);
    expect(run.stdout).toMatch(
      new RegExp(
        `rebuilt order-overview \\(version ${ORDER_OVERVIEW_VERSION}, generation \\d+\\): ${eventCount} events scanned`,
      ),
    );
    const after = await runCaptured(['projections', 'status', '--json'], environment.env);
    expect(JSON.parse(after.stdout)).toMatchObject({
      projections: [{ state: 'running', liveVersion: ORDER_OVERVIEW_VERSION }],
    });
    expect(overviewRows(readModelsPath)).toEqual(rows);
  });

  it('refuses to rebuild under a running server unless --force', async () => {
    const server: Server = createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ status: 'ok', info: {}, error: {}, details: {} }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const env = { ...environment.env, HOST: '127.0.0.1', PORT: String((server.address() as AddressInfo).port) };
      const refused = await runCaptured(['projections', 'rebuild', 'order-overview'], env);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(
        /^refused: SERVER_RUNNING: the engine at http:\/\/127\.0\.0\.1:\d+ runs this projection/,
      );
      const forced = await runCaptured(['projections', 'rebuild', 'order-overview', '--force'], env);
      expect(forced.code).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("a forced rebuild beside the server's running worker switches safely: the worker's file stays consistent", async () => {
    const rows = overviewRows(readModelsPath);
    const worker = serverWorker();
    await worker.start();
    try {
      await worker.waitUntilCaughtUp(undefined, { timeoutMs: 20_000 });
      const forced = await runCaptured(['projections', 'rebuild', 'order-overview', '--force'], environment.env);
      expect(forced.code).toBe(0);
      expect((await runCaptured(['projections', 'verify'], environment.env)).code).toBe(0);
    } finally {
      await worker.stop();
    }
    expect(overviewRows(readModelsPath)).toEqual(rows);
    expect(orderTables(environment.sqlitePath)).toEqual([]);
  });

  it('with READ_MODELS_THREAD=main, rebuild and status work on the engine file, where that server keeps them', async () => {
    const env = { ...environment.env, READ_MODELS_THREAD: 'main' };
    const before = await runCaptured(['projections', 'status', '--json'], env);
    expect(JSON.parse(before.stdout)).toMatchObject({ projections: [{ state: 'never run' }] });
    expect((await runCaptured(['projections', 'rebuild', 'order-overview'], env)).code).toBe(0);
    expect(overviewRows(environment.sqlitePath)).toEqual(overviewRows(readModelsPath));
    expect((await runCaptured(['projections', 'verify'], env)).code).toBe(0);
  });

  it('an unknown projection is a usage error', async () => {
    const run = await runCaptured(['projections', 'rebuild', 'orders'], environment.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Allowed choices are order-overview/);
  });

  it.each(['status', 'verify', 'rebuild'])('projections %s --help (exit 0)', async (command) => {
    const run = await runCaptured(['projections', command, '--help'], environment.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: lengow-sync projections ${command} \\[options\\]`));
  });
});
