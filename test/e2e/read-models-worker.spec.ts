import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startEngine, type RunningEngine } from '../../src/boot/start-engine.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { ProjectionStatus } from '../../src/event-store/projections/projection-status.js';
import type { ReadModelRunner } from '../../src/event-store/projections/read-model-runner.js';
import { silentLogger } from '../../src/logging/logger.js';
import { ORDERS_PROJECTION_RUNNER } from '../../src/orders/projections/orders-read.module.js';
import { ORDER_OVERVIEW_PROJECTION } from '../../src/orders/projections/overview-projection.js';
import { orderTables } from '../support/order-tables.js';

describe('the order read models on SQLite: a worker thread and their own file (READ_MODELS_THREAD)', () => {
  let folder: string;
  let engine: RunningEngine | undefined;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'lengow-read-models-'));
  });
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    rmSync(folder, { recursive: true, force: true });
  });

  async function boot(env: Record<string, string> = {}): Promise<RunningEngine> {
    engine = await startEngine(
      loadConfig({
        SQLITE_PATH: join(folder, 'engine.sqlite'),
        PORT: '0',
        HOST: '127.0.0.1',
        SANDBOX: 'on',
        SANDBOX_PORT: '0',
        SANDBOX_ORDERS: '30',
        API_KEYS: 'a1:admin',
        ...env,
      }),
      { logger: silentLogger(), app: { import: { schedule: false } } },
    );
    return engine;
  }

  const api = (path: string, method = 'GET') =>
    fetch(`${engine!.url}${path}`, { method, headers: { 'x-api-key': 'a1' } });

  async function importAll(running: RunningEngine): Promise<void> {
    expect((await api('/api/orders/import', 'POST')).status).toBeLessThan(300);
    const runner = running.app.get<ReadModelRunner>(ORDERS_PROJECTION_RUNNER);
    for (let i = 0; i < 100; i++) {
      const { total } = (await (await api('/api/orders/counters')).json()) as { total: number };
      if (total === 30) return;
      await runner.waitUntilCaughtUp(undefined, { timeoutMs: 10_000 });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the overview never showed the 30 emulator orders');
  }

  it('by default writes them beside the engine file, and the API serves them from there', async () => {
    const running = await boot();
    await importAll(running);
    const readModels = join(folder, 'engine.read-models.sqlite');
    expect(existsSync(readModels)).toBe(true);
    expect(orderTables(readModels)).toEqual(expect.arrayContaining(['order_overview', 'order_counters']));
    expect(orderTables(join(folder, 'engine.sqlite'))).toEqual([]);
    const [status] = (await (await api('/api/projections')).json()) as ProjectionStatus[];
    expect(status).toMatchObject({ name: ORDER_OVERVIEW_PROJECTION, state: 'running' });
  });

  it('SQLITE_READ_MODELS_PATH places the file', async () => {
    await importAll(await boot({ SQLITE_READ_MODELS_PATH: join(folder, 'elsewhere', 'overview.sqlite') }));
    expect(orderTables(join(folder, 'elsewhere', 'overview.sqlite'))).toContain('order_overview');
    expect(existsSync(join(folder, 'engine.read-models.sqlite'))).toBe(false);
  });

  it('READ_MODELS_THREAD=main keeps them in the engine file; moving to the worker builds them anew and drops that copy', async () => {
    await importAll(await boot({ READ_MODELS_THREAD: 'main' }));
    expect(existsSync(join(folder, 'engine.read-models.sqlite'))).toBe(false);
    expect(orderTables(join(folder, 'engine.sqlite'))).toContain('order_overview');
    await engine!.close();

    const running = await boot();
    await running.app
      .get<ReadModelRunner>(ORDERS_PROJECTION_RUNNER)
      .waitUntilCaughtUp(undefined, { timeoutMs: 10_000 });
    expect(((await (await api('/api/orders/counters')).json()) as { total: number }).total).toBe(30);
    for (let i = 0; i < 50 && orderTables(join(folder, 'engine.sqlite')).length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(orderTables(join(folder, 'engine.sqlite'))).toEqual([]);
    expect(orderTables(join(folder, 'engine.read-models.sqlite'))).toContain('order_overview');
  });

  it('a dead worker shows as a failed projection with its reason, and the resume command brings it back', async () => {
    const running = await boot();
    await importAll(running);
    const runner = running.app.get<ReadModelRunner>(ORDERS_PROJECTION_RUNNER);
    await (runner as unknown as { worker: Worker }).worker.terminate();

    const [failed] = (await (await api('/api/projections')).json()) as ProjectionStatus[];
    expect(failed).toMatchObject({ state: 'failed', lastError: expect.stringMatching(/worker thread exited/) });
    // The list is still served from the file while the worker is down.
    expect(((await (await api('/api/orders/counters')).json()) as { total: number }).total).toBe(30);

    const resumed = await api(`/api/projections/${ORDER_OVERVIEW_PROJECTION}/resume`, 'POST');
    expect(resumed.status).toBe(200);
    expect(await resumed.json()).toMatchObject({ projection: ORDER_OVERVIEW_PROJECTION, state: 'running' });
    await runner.waitUntilCaughtUp(undefined, { timeoutMs: 10_000 });
  });
});
