import { eventually } from '../../../test/support/eventually.js';
import { SqliteDatabase } from '../../database/sqlite-database.js';
import { SqliteEventStore } from '../../event-store/sqlite/sqlite-event-store.js';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox-server.js';
import { ImportOrdersNow } from './commands/import-commands.js';
import { ImportAlreadyRunning } from './import-already-running.error.js';
import type { ImportRunRecord } from './import-run-log.js';
import { ImportScheduler } from './import-scheduler.js';
import { orderEventCount, startImportTestApp } from './testing/import-test-app.js';

describe('OrdersImportModule', () => {
  let sandbox: Sandbox;
  let db: SqliteDatabase;
  let store: SqliteEventStore;

  beforeEach(async () => {
    sandbox = await startSandbox({ port: 0, seed: 3, orderCount: 120, actionProcessingDelayMs: 0 });
    db = new SqliteDatabase({ path: ':memory:' });
    store = new SqliteEventStore(db);
    await store.init();
  });
  afterEach(async () => {
    await sandbox.close();
    await store.close();
    await db.close();
  });

  it('polls on its own once the app is up, one run at a time, and stops with the app', async () => {
    // Held back so that the first scheduled run is still going when the operator asks for another.
    sandbox.faults.add({ kind: 'slow', route: '/v3.0/orders', count: 1, delayMs: 1500 });
    const app = await startImportTestApp({
      store,
      db,
      lengowUrl: sandbox.url,
      importOptions: { schedule: true, initialDelayMs: 50 },
    });
    expect(app.app.get(ImportScheduler).started).toBe(true);
    const running = await eventually(
      async () => (await app.runs.recent(1)).find((run) => run.outcome === 'running'),
      'the scheduled run to start',
    );
    expect(running.kind).toBe('scheduled');
    await expect(
      app.commandBus.execute(new ImportOrdersNow({}, { commandId: 'now-1', actor: 'operator:ann' })),
    ).rejects.toBeInstanceOf(ImportAlreadyRunning);

    const finished: ImportRunRecord = await eventually(async () => {
      const run = await app.runs.get(running.id);
      return run && run.outcome !== 'running' ? run : undefined;
    }, 'the scheduled run to finish');
    expect(finished).toMatchObject({ outcome: 'succeeded', actor: 'system' });
    expect(finished.counts?.received).toBe(120);
    expect(await orderEventCount(store)).toBe(120);

    await app.close();
    expect(app.app.get(ImportScheduler).started).toBe(false);
  });

  it('stops a run in progress when the app closes: recorded as aborted, its window not advanced', async () => {
    sandbox.faults.add({ kind: 'slow', route: '/v3.0/orders', count: 3, delayMs: 300 });
    const app = await startImportTestApp({ store, db, lengowUrl: sandbox.url, importOptions: { pageSize: 20 } });
    const run = app.importer.runScheduled();
    await eventually(async () => (await app.runs.recent(1)).find((r) => r.outcome === 'running'), 'the run to start');
    await app.close();
    const report = await run;
    expect(report.outcome).toBe('aborted');
    expect(report.counts.received).toBeLessThan(120);
    const [record] = await app.runs.recent(1);
    expect(record).toMatchObject({ id: report.runId, outcome: 'aborted' });
    expect(await app.runs.checkpoint()).toBeNull();
  });
});
