import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Worker } from 'node:worker_threads';
import { SqliteDatabase } from '../../../database/sqlite-database.js';
import { ProjectionRunner } from '../../../event-store/projections/projection-runner.js';
import type { RebuildProgress } from '../../../event-store/projections/rebuild-progress.js';
import type { SqliteEventStore } from '../../../event-store/sqlite/sqlite-event-store.js';
import { TempSqliteFolder } from '../../../event-store/sqlite/testing/temp-sqlite-folder.js';
import { createLogger, silentLogger, type Logger } from '../../../logging/logger.js';
import { ORDER_OVERVIEW_PROJECTION, orderOverviewProjection } from '../overview-projection.js';
import { OverviewQueries } from '../overview-queries.js';
import { ORDER_STORIES, OrderStoryWriter } from '../testing/order-stories.js';
import { OverviewWorkerRunner, READ_MODELS_NICENESS } from './overview-worker-runner.js';

const TIMEOUT = { timeoutMs: 20_000 };

describe('OverviewWorkerRunner (the order read models on a worker thread)', () => {
  let folder: TempSqliteFolder;
  let events: SqliteDatabase;
  let store: SqliteEventStore;
  let readModels: SqliteDatabase;
  let writer: OrderStoryWriter;
  const runners: { stop(): Promise<void> }[] = [];
  const others: SqliteDatabase[] = [];

  beforeEach(async () => {
    folder = new TempSqliteFolder('overview-worker');
    ({ db: events, store } = await folder.eventStore('engine.sqlite'));
    readModels = folder.database('engine.read-models.sqlite');
    writer = new OrderStoryWriter(store);
  });

  afterEach(async () => {
    for (const runner of runners.splice(0)) await runner.stop();
    for (const db of others.splice(0)) await db.close();
    await folder.dispose();
  });

  function workerRunner(
    logger: Logger = silentLogger(),
    readModelsPath = folder.file('engine.read-models.sqlite'),
    niceness?: number,
  ) {
    const runner = new OverviewWorkerRunner(
      {
        eventStorePath: folder.file('engine.sqlite'),
        readModelsPath,
        pollIntervalMs: 20,
        logLevel: logger.level,
        ...(niceness === undefined ? {} : { niceness }),
      },
      logger,
    );
    runners.push(runner);
    return runner;
  }

  async function writeStories(prefix: string): Promise<void> {
    for (const [i, story] of ORDER_STORIES.entries()) {
      await writer.write({ marketplace: 'demo_market_fr', marketplaceOrderId: `${prefix}-${i}` }, story);
    }
  }

  it('writes the same overview into its own file as the runner on the engine thread, and none into the engine file', async () => {
    await writeStories('W');
    const runner = workerRunner();
    await runner.start();
    await runner.waitUntilCaughtUp(await writer.lastPosition(), TIMEOUT);

    const reference = new SqliteDatabase({ path: ':memory:' });
    others.push(reference);
    const inThread = new ProjectionRunner({ store, db: reference, projections: [orderOverviewProjection()] });
    runners.push(inThread);
    await inThread.start();
    await inThread.waitUntilCaughtUp(await writer.lastPosition(), TIMEOUT);

    const fromWorker = await new OverviewQueries(readModels).list({ limit: 100 });
    const fromThread = await new OverviewQueries(reference).list({ limit: 100 });
    expect(fromWorker.items).toHaveLength(ORDER_STORIES.length);
    expect(fromWorker.items).toEqual(fromThread.items);
    expect(await new OverviewQueries(readModels).counters()).toEqual(await new OverviewQueries(reference).counters());
    // The engine's file keeps its write lock to itself: no read-model table or checkpoint was created there.
    const engineTables = events.db
      .prepare(`SELECT name FROM sqlite_master WHERE name LIKE 'order_%' OR name LIKE 'projection_%'`)
      .all();
    expect(engineTables).toEqual([]);
  });

  /** `it` on Linux; elsewhere a skip that prints why (stderr: Jest does not show console output for skipped tests). */
  const onLinux = (title: string, fn: () => Promise<void>) => {
    if (process.platform === 'linux') return it(title, fn);
    const reason = `thread priorities are per process on ${process.platform}`;
    process.stderr.write(`SKIPPED "${title}": ${reason}\n`);
    return it.skip(`${title} [skipped: ${reason}]`, fn);
  };

  onLinux('runs its thread below the engine thread, which keeps its own priority (Linux)', async () => {
    const own = getPriority();
    const before = threadNiceness();
    const runner = workerRunner();
    await runner.start();
    const started = [...threadNiceness()].filter(([tid]) => !before.has(tid));
    expect(started.map(([, nice]) => nice)).toContain(Math.min(19, own + READ_MODELS_NICENESS));
    expect(getPriority()).toBe(own);
    // Threads that were running before keep their priority.
    for (const [tid, nice] of threadNiceness()) if (before.has(tid)) expect(nice).toBe(before.get(tid));
  });

  onLinux('keeps the engine priority when asked for no niceness step', async () => {
    const own = getPriority();
    const before = threadNiceness();
    const runner = workerRunner(silentLogger(), folder.file('engine.read-models.sqlite'), 0);
    await runner.start();
    const started = [...threadNiceness()].filter(([tid]) => !before.has(tid));
    expect(started.length).toBeGreaterThan(0);
    for (const [, nice] of started) expect(nice).toBe(own);
  });

  it('keeps status current on this thread and follows new events', async () => {
    const runner = workerRunner();
    expect(runner.status()).toEqual([]);
    await runner.start();
    await writeStories('S');
    const last = await writer.lastPosition();
    await runner.waitUntilCaughtUp(last, TIMEOUT);
    const [status] = runner.status();
    expect(status).toMatchObject({ name: ORDER_OVERVIEW_PROJECTION, state: 'running', position: last });
    expect(await new OverviewQueries(readModels).count()).toBe(ORDER_STORIES.length);
  });

  /** A logger at info whose lines (as the engine would write them) land in `lines`. */
  function capturingLogger(): { logger: Logger; lines: string[] } {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    });
    return { logger, lines };
  }

  it('writes the read models without an fsync per commit, and says so from its connection', async () => {
    // The event log of this test is at FULL (the default): the read models are derived data and do not follow it.
    expect(events.db.pragma('synchronous', { simple: true })).toBe(2);
    const { logger, lines } = capturingLogger();
    await writeStories('N');
    const runner = workerRunner(logger);
    await runner.start();
    await runner.waitUntilCaughtUp(await writer.lastPosition(), TIMEOUT);
    const opened = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(opened).toContainEqual(
      expect.objectContaining({
        msg: 'read models thread open',
        readModelsFile: folder.file('engine.read-models.sqlite'),
        readModelsSynchronous: 'NORMAL',
      }),
    );
    expect(await new OverviewQueries(readModels).count()).toBe(ORDER_STORIES.length);
  });

  it('rebuilds on request, reporting progress, and relays its log lines to the engine logger', async () => {
    const { logger, lines } = capturingLogger();
    await writeStories('R');
    const runner = workerRunner(logger.child({ component: 'orders-read' }));
    await runner.start();
    await runner.waitUntilCaughtUp(await writer.lastPosition(), TIMEOUT);
    const progress: RebuildProgress[] = [];
    const result = await runner.rebuild(ORDER_OVERVIEW_PROJECTION, { onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ projection: ORDER_OVERVIEW_PROJECTION, generation: 2 });
    expect(progress.at(-1)?.phase).toBe('done');
    expect(await new OverviewQueries(readModels).count()).toBe(ORDER_STORIES.length);
    const relayed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(relayed).toContainEqual(
      expect.objectContaining({ component: 'orders-read', msg: 'order read model rebuild', phase: 'done' }),
    );
  });

  it("answers with the worker's errors, by name and message", async () => {
    const runner = workerRunner();
    await runner.start();
    await expect(runner.rebuild('no-such-projection')).rejects.toThrow('unknown projection no-such-projection');
    await expect(runner.waitUntilCaughtUp('0000000000099999999', { timeoutMs: 50 })).rejects.toThrow(
      /not caught up to .* within 50 ms/,
    );
  });

  it('fails to start with the reason when its file cannot be opened', async () => {
    const runner = workerRunner(silentLogger(), join(folder.file('engine.sqlite'), 'inside-a-file.sqlite'));
    await expect(runner.start()).rejects.toThrow(/worker thread failed: EEXIST: .*engine\.sqlite/);
    expect(runner.status()).toEqual([]);
  });

  it('ends its thread when the runner in it cannot start, and can be started again', async () => {
    // Another connection holding the read models' write lock past busy_timeout (5 s) fails the runner's schema setup.
    readModels.db.exec('BEGIN IMMEDIATE');
    const runner = workerRunner();
    try {
      await expect(runner.start()).rejects.toThrow(/database is locked/);
    } finally {
      readModels.db.exec('ROLLBACK');
    }
    expect((runner as unknown as { worker?: Worker }).worker).toBeUndefined();
    expect(runner.status()).toEqual([]);

    await runner.start();
    expect(runner.status()[0]).toMatchObject({ name: ORDER_OVERVIEW_PROJECTION, state: 'running' });
  }, 20_000);

  it('when the thread dies: waiters are rejected, status says failed, and resume carries on from the checkpoint', async () => {
    const runner = workerRunner();
    await runner.start();
    await writeStories('D1');
    await runner.waitUntilCaughtUp(await writer.lastPosition(), TIMEOUT);

    const waiting = runner.waitUntilCaughtUp('0000000000099999999', { timeoutMs: 60_000 });
    await (runner as unknown as { worker: Worker }).worker.terminate();
    await expect(waiting).rejects.toThrow(/worker thread exited/);
    expect(runner.status()[0]).toMatchObject({ state: 'failed', lastError: expect.stringMatching(/exited/) });
    await expect(runner.waitUntilCaughtUp()).rejects.toThrow(/worker thread exited/);

    await writeStories('D2');
    await runner.resume(ORDER_OVERVIEW_PROJECTION);
    await runner.waitUntilCaughtUp(await writer.lastPosition(), TIMEOUT);
    expect(runner.status()[0].state).toBe('running');
    expect(await new OverviewQueries(readModels).count()).toBe(2 * ORDER_STORIES.length);
  });
});

/** Every thread of this process and its niceness, from /proc (field 19 of a task's stat, after the command name). */
function threadNiceness(): Map<number, number> {
  const threads = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    threads.set(Number(tid), Number(fields[16]));
  }
  return threads;
}
