import { PostgresDatabase } from '../../database/postgres-database.js';
import type { SqlDatabase, SqlExecutor, SqlParam } from '../../database/sql-database.port.js';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import { PostgresEventStore } from '../../event-store/postgres/postgres-event-store.js';
import { ProjectionRunner } from '../../event-store/projections/projection-runner.js';
import {
  checkPostgres,
  describeWithService,
  dropSchema,
  freshSchemaName,
  POSTGRES_URL,
} from '../../../test/support/services.js';
import { ORDER_OVERVIEW_PROJECTION, ORDER_OVERVIEW_VERSION, orderOverviewProjection } from './overview-projection.js';
import { OrderStoryWriter } from './testing/order-stories.js';
import { expectedSnapshot, readModelSnapshot } from './testing/read-model-snapshot.js';

const postgres = await checkPostgres();

const DEADLOCK_DETECTED = '40P01';
const FOLD_WRITE = /^\s*(UPDATE|INSERT INTO) order_overview_states__g\d+ /;

interface Stop {
  match(sql: string, params: readonly SqlParam[]): boolean;
  until(): Promise<boolean>;
}

/**
 * One engine's pool on the shared schema, with stops the test places in it: a stop holds a statement of a batch back
 * until its condition holds (or 10 s went by), so two engines' batches interleave in the one order that deadlocked.
 */
class SteppedDatabase implements SqlDatabase {
  readonly dialect = 'postgres' as const;
  readonly deadlocks: string[] = [];
  readonly stopsTimedOut: string[] = [];
  /** `stream@revision` of every fold write that returned (its row is then locked until the transaction ends). */
  readonly foldsWritten = new Set<string>();
  /** Backend of the last transaction a stop held. */
  backend: number | null = null;
  /** Whether a stop has held a statement back (its transaction keeps the locks it took so far). */
  held = false;
  /** Whether a transaction a stop held has ended (committed or rolled back). */
  stoppedEnded = false;
  private readonly stops: Stop[] = [];

  constructor(readonly inner: PostgresDatabase) {}

  stopBefore(stop: Stop): void {
    this.stops.push(stop);
  }

  /** Whether the backend of the held transaction waits for a lock another transaction holds. */
  async waitsForLock(): Promise<boolean> {
    if (this.backend === null) return false;
    const [row] = await this.inner.query<{ wait: string | null }>(
      `SELECT wait_event_type AS wait FROM pg_stat_activity WHERE pid = $1`,
      [this.backend],
    );
    return row?.wait === 'Lock';
  }

  query<Row>(sql: string, params?: SqlParam[]): Promise<Row[]> {
    return this.inner.query<Row>(sql, params);
  }

  execute(sql: string, params?: SqlParam[]): Promise<number> {
    return this.inner.execute(sql, params);
  }

  snapshot<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.inner.snapshot(work);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    let held = false;
    try {
      return await this.inner.transaction((tx) => {
        const step = async <R>(sql: string, params: SqlParam[] = [], run: () => Promise<R>): Promise<R> => {
          const index = this.stops.findIndex((stop) => stop.match(sql, params));
          if (index >= 0) {
            const [stop] = this.stops.splice(index, 1);
            held = true;
            this.held = true;
            this.backend = (await tx.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`))[0]!.pid;
            if (!(await holdUntil(stop.until))) this.stopsTimedOut.push(sql);
          }
          try {
            const result = await run();
            if (FOLD_WRITE.test(sql)) this.foldsWritten.add(`${String(params[0])}@${String(params[1])}`);
            return result;
          } catch (error) {
            if ((error as { code?: string }).code === DEADLOCK_DETECTED) this.deadlocks.push(sql);
            throw error;
          }
        };
        return work({
          dialect: 'postgres',
          query: <Row>(sql: string, params?: SqlParam[]) => step(sql, params, () => tx.query<Row>(sql, params)),
          execute: (sql: string, params?: SqlParam[]) => step(sql, params, () => tx.execute(sql, params)),
        });
      });
    } finally {
      if (held) this.stoppedEnded = true;
    }
  }
}

async function holdUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const isFoldWrite = (stream: string, revision: number) => (sql: string, params: readonly SqlParam[]) =>
  FOLD_WRITE.test(sql) && params[0] === stream && Number(params[1]) === revision;

describeWithService(postgres, 'order overview: two engines on one PostgreSQL schema', () => {
  let schema: string;
  const pools: PostgresDatabase[] = [];
  const stores: PostgresEventStore[] = [];
  const runners: ProjectionRunner[] = [];

  async function engine(): Promise<{ db: SteppedDatabase; store: PostgresEventStore }> {
    const pool = new PostgresDatabase({ connectionString: POSTGRES_URL, schema, max: 4 });
    await pool.init();
    pools.push(pool);
    const store = new PostgresEventStore(pool);
    await store.init();
    stores.push(store);
    return { db: new SteppedDatabase(pool), store };
  }

  beforeEach(() => {
    schema = freshSchemaName('overview_takeover');
  });
  afterEach(async () => {
    for (const runner of runners.splice(0)) await runner.stop();
    for (const store of stores.splice(0)) await store.close();
    for (const pool of pools.splice(0)) await pool.close();
    await dropSchema(schema);
  });

  it('a stale batch of the engine that lost the projection cannot deadlock with the batch of the one that has it', async () => {
    const a = await engine();
    const b = await engine();
    const writer = new OrderStoryWriter(a.store);
    const x = (await writer.write({ marketplace: 'amazon_fr', marketplaceOrderId: 'X' }, 'imported')).stream;
    const y = (await writer.write({ marketplace: 'amazon_fr', marketplaceOrderId: 'Y' }, 'imported')).stream;
    const stories = (await a.store.readAll()).length;
    // The next events of both orders, Y's first: a batch that starts here touches Y, then X; one that starts before
    // the stories touches X first (where each stream first appears in it).
    await a.store.append(y, [{ type: 'OrderArchived', data: {} }]);
    await a.store.append(x, [{ type: 'OrderArchived', data: {} }]);
    const events: RecordedEvent[] = await a.store.readAll();
    expect(events).toHaveLength(stories + 2);
    const last = events.at(-1)!;
    const lastOf = (stream: string) => events.filter((event) => event.stream === stream).at(-1)!.revision;

    const options = { projections: [orderOverviewProjection()], pollIntervalMs: 5, standbyCheckMs: 60_000 };
    // Engine A: its one batch covers everything from the first event, so it is stale by the time it writes.
    const runnerA = new ProjectionRunner({ ...options, store: a.store, db: a.db, batchSize: 1000 });
    // Engine B: the stories in its first batch, the two newer events in its second.
    const runnerB = new ProjectionRunner({ ...options, store: b.store, db: b.db, batchSize: stories });
    runners.push(runnerA, runnerB);
    const storedPosition = async () =>
      (
        await b.db.query<{ position: string | null }>(`SELECT position FROM projection_checkpoints WHERE name = $1`, [
          ORDER_OVERVIEW_PROJECTION,
        ])
      )[0]?.position;

    // A's batch waits, before its first statement on the projection's rows or checkpoint, for B to commit the stories.
    a.db.stopBefore({
      match: (sql) =>
        /^\s*(SELECT fold FROM|UPDATE|INSERT INTO) order_overview_states|^\s*UPDATE projection_checkpoints/.test(sql),
      until: async () => (await storedPosition()) === events[stories - 1]!.position,
    });
    // B's second batch writes Y only once A holds X's row (or A's batch waits for a lock, or is over)…
    b.db.stopBefore({
      match: isFoldWrite(y, lastOf(y)),
      until: async () => a.db.foldsWritten.has(`${x}@${lastOf(x)}`) || a.db.stoppedEnded || (await a.db.waitsForLock()),
    });
    // …and A writes Y only once B holds it: without one lock order, each then waits for the other's row.
    a.db.stopBefore({
      match: isFoldWrite(y, lastOf(y)),
      until: async () => b.db.foldsWritten.has(`${y}@${lastOf(y)}`) || b.db.stoppedEnded || (await b.db.waitsForLock()),
    });

    await runnerA.start();
    await runnerB.start();
    await runnerB.waitUntilCaughtUp(last.position, { timeoutMs: 20_000 });
    await until(() => runnerA.status()[0]!.state !== 'running');

    expect({ a: a.db.deadlocks, b: b.db.deadlocks }).toEqual({ a: [], b: [] });
    expect({ a: a.db.stopsTimedOut, b: b.db.stopsTimedOut }).toEqual({ a: [], b: [] });
    expect({ a: a.db.held, b: b.db.held }).toEqual({ a: true, b: true });
    expect(runnerA.status()[0]).toMatchObject({ state: 'superseded' });
    expect(runnerB.status()[0]).toMatchObject({ state: 'running', position: last.position });
    expect(await readModelSnapshot(b.db)).toEqual(await expectedSnapshot(b.store));
  });
  it("switching a rebuild over cannot deadlock with the other engine's batch on the tables it drops", async () => {
    const a = await engine();
    const b = await engine();
    const writer = new OrderStoryWriter(b.store);
    const x = (await writer.write({ marketplace: 'amazon_fr', marketplaceOrderId: 'X' }, 'imported')).stream;
    const options = { pollIntervalMs: 5, standbyCheckMs: 60_000 };
    // Engine B runs the version in the tables; engine A, a newer one, rebuilds them beside it (a rolling upgrade).
    const runnerB = new ProjectionRunner({
      ...options,
      store: b.store,
      db: b.db,
      projections: [orderOverviewProjection()],
    });
    runners.push(runnerB);
    await runnerB.start();
    await runnerB.waitUntilCaughtUp(await writer.lastPosition(), { timeoutMs: 20_000 });
    const newer = { ...orderOverviewProjection(), version: ORDER_OVERVIEW_VERSION + 1 };
    const runnerA = new ProjectionRunner({ ...options, store: a.store, db: a.db, projections: [newer] });
    runners.push(runnerA);

    // B's next batch stops once it holds a row of the live states table, until A's switch waits for a lock (or ended)…
    b.db.stopBefore({
      match: (sql) => /^\s*(UPDATE|INSERT INTO) order_overview__g1 /.test(sql),
      until: async () => a.db.stoppedEnded || (await a.db.waitsForLock()),
    });
    // …and A's switch starts only then: dropping B's tables before taking the checkpoint, it waited for B's states
    // table while B waited for the overview table it had already dropped.
    a.db.stopBefore({
      match: (sql) => /^\s*(DROP VIEW|UPDATE projection_checkpoints\s+SET position = \$1, version)/.test(sql),
      until: async () => b.db.held,
    });
    await b.store.append(x, [{ type: 'OrderArchived', data: {} }]);
    const last = (await b.store.readStream(x, { direction: 'backwards', maxCount: 1 }))[0]!;
    await runnerA.start();

    await runnerB.waitUntilCaughtUp(last.position, { timeoutMs: 20_000 });
    await until(() => runnerA.status()[0]!.state !== 'rebuilding');
    expect({ a: a.db.deadlocks, b: b.db.deadlocks }).toEqual({ a: [], b: [] });
    expect({ a: a.db.stopsTimedOut, b: b.db.stopsTimedOut }).toEqual({ a: [], b: [] });
    expect({ a: a.db.held, b: b.db.held }).toEqual({ a: true, b: true });
    expect(runnerB.status()[0]).toMatchObject({ state: 'running', position: last.position });
    expect(await readModelSnapshot(b.db)).toEqual(await expectedSnapshot(b.store));
  });
});
