import { SqliteDatabase } from '../../../database/sqlite-database.js';
import type { ReadModelRunner } from '../../../event-store/projections/read-model-runner.js';
import { SqliteEventStore } from '../../../event-store/sqlite/sqlite-event-store.js';
import { TempSqliteFolder } from '../../../event-store/sqlite/testing/temp-sqlite-folder.js';
import { silentLogger } from '../../../logging/logger.js';
import { orderReadModelsRunner } from '../order-read-models-runner.js';
import { OverviewQueries } from '../overview-queries.js';
import { ORDER_STORIES, OrderStoryWriter } from '../testing/order-stories.js';
import { engineFileHasOverview, handOverWhenCaughtUp, OrderReadModelsSource } from './read-models-handover.js';

/** A worker runner whose catching up the test decides: each call to waitUntilCaughtUp takes the next outcome. */
function scriptedRunner(outcomes: Array<Promise<void>>): ReadModelRunner & { waits: number } {
  const runner = {
    waits: 0,
    waitUntilCaughtUp: () => outcomes[runner.waits++] ?? new Promise<void>(() => undefined),
  };
  return runner as unknown as ReadModelRunner & { waits: number };
}

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('the order read models handover from the engine file to their own file', () => {
  let folder: TempSqliteFolder;
  let engineFile: SqliteDatabase;
  let store: SqliteEventStore;
  let ownFile: SqliteDatabase;

  beforeEach(async () => {
    folder = new TempSqliteFolder('read-models-handover');
    ({ db: engineFile, store } = await folder.eventStore('engine.sqlite'));
    ownFile = folder.database('engine.read-models.sqlite');
    // What an earlier version (or READ_MODELS_THREAD=main) left: the overview of three orders in the engine file.
    const writer = new OrderStoryWriter(store);
    for (const [i, story] of ORDER_STORIES.slice(0, 3).entries()) {
      await writer.write({ marketplace: 'demo_market_fr', marketplaceOrderId: `OLD-${i}` }, story);
    }
    const inThread = orderReadModelsRunner({ store, db: engineFile, pollIntervalMs: 20, logger: silentLogger() });
    await inThread.start();
    await inThread.waitUntilCaughtUp(await writer.lastPosition(), { timeoutMs: 10_000 });
    await inThread.stop();
  });

  afterEach(() => folder.dispose());

  const listed = async (source: OrderReadModelsSource) =>
    (await new OverviewQueries(source).list({ limit: 50 })).items.map((row) => row.marketplaceOrderId).sort();

  /** Queries on the engine file's copy, and the handover started, as a boot with the worker does. */
  function handOver(runner: ReadModelRunner, options: { stopped?: AbortSignal; retryMs?: number } = {}) {
    const source = new OrderReadModelsSource(ownFile);
    source.serveFrom(engineFile);
    const done = handOverWhenCaughtUp({
      runner,
      source,
      engineFile,
      readModelsPath: folder.file('engine.read-models.sqlite'),
      logger: silentLogger(),
      stopped: options.stopped ?? new AbortController().signal,
      retryMs: options.retryMs,
    });
    return { source, done };
  }

  it('answers from the engine file copy until the worker has caught up, then from its own file, and drops the copy', async () => {
    expect(await engineFileHasOverview(engineFile)).toBe(true);
    // The worker's file as its first build starts: its tables, no order yet.
    const emptyLog = new SqliteDatabase({ path: ':memory:' });
    const emptyStore = new SqliteEventStore(emptyLog);
    await emptyStore.init();
    const builder = orderReadModelsRunner({
      store: emptyStore,
      db: ownFile,
      pollIntervalMs: 20,
      logger: silentLogger(),
    });
    await builder.start();
    await builder.stop();
    await emptyStore.close();
    await emptyLog.close();

    const caughtUp = deferred();
    const { source, done } = handOver(scriptedRunner([caughtUp.promise]));

    expect(await listed(source)).toEqual(['OLD-0', 'OLD-1', 'OLD-2']);
    expect(source.servingPreviousCopy).toBe(true);

    caughtUp.resolve();
    await done;
    expect(source.servingPreviousCopy).toBe(false);
    expect(await listed(source)).toEqual([]);
    expect(await engineFileHasOverview(engineFile)).toBe(false);
  });

  it('waits again when the worker fails before catching up, instead of leaving the queries on the copy', async () => {
    const second = deferred();
    const runner = scriptedRunner([Promise.reject(new Error('worker thread exited with code 1')), second.promise]);
    const { source, done } = handOver(runner, { retryMs: 10 });
    for (let i = 0; i < 100 && runner.waits < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(runner.waits).toBe(2);
    expect(source.servingPreviousCopy).toBe(true);
    second.resolve();
    await done;
    expect(source.servingPreviousCopy).toBe(false);
    expect(await engineFileHasOverview(engineFile)).toBe(false);
  });

  it('leaves the copy, and the queries on it, when the engine stops first', async () => {
    const stopped = new AbortController();
    const runner = scriptedRunner([Promise.reject(new Error('runner stopped'))]);
    const { source, done } = handOver(runner, { stopped: stopped.signal, retryMs: 60_000 });
    stopped.abort();
    await done;
    expect(source.servingPreviousCopy).toBe(true);
    expect(await engineFileHasOverview(engineFile)).toBe(true);
  });
});
