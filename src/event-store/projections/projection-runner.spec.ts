import { SqliteDatabase } from '../../database/sqlite-database.js';
import type { RecordedEvent } from '../event-store.port.js';
import type { Projection } from './projection.js';
import { ProjectionFailedError } from './projection-failed.error.js';
import { ProjectionRunner, type ProjectionRunnerOptions } from './projection-runner.js';
import type { RebuildProgress } from './rebuild-progress.js';
import { countingProjection, foldCounts, readCounts } from './testing/counting-projection.js';
import { InMemoryEventStore } from './testing/in-memory-event-store.js';
import { appendSampleEvents } from './testing/sample-events.js';

const fastRetry = { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5, jitter: false };

let db: SqliteDatabase;
let store: InMemoryEventStore;
const runners: ProjectionRunner[] = [];

beforeEach(() => {
  db = new SqliteDatabase({ path: ':memory:' });
  store = new InMemoryEventStore();
});

afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.stop()));
  await db.close();
});

function runner(
  options: Partial<ProjectionRunnerOptions> & Pick<ProjectionRunnerOptions, 'projections'>,
): ProjectionRunner {
  const created = new ProjectionRunner({ store, db, batchSize: 10, pollIntervalMs: 5, retry: fastRetry, ...options });
  runners.push(created);
  return created;
}

async function checkpointRow(name: string) {
  const [row] = await db.query<Record<string, unknown>>(`SELECT * FROM projection_checkpoints WHERE name = $1`, [name]);
  return row;
}

describe('ProjectionRunner (SQLite read model, in-memory store double)', () => {
  it('applies events and stores the last scanned position, including events its filter skips', async () => {
    await appendSampleEvents(store, 25);
    const filter = { eventTypes: ['OrderImported'] };
    const r = runner({ projections: [countingProjection({ name: 'counts', prefix: 'c', filter })] });
    await r.start();
    await r.waitUntilCaughtUp(store.events.at(-1)!.position);

    expect(await readCounts(db, 'c')).toEqual(foldCounts(store.events, { filter }));
    expect((await checkpointRow('counts')).position).toBe(store.events.at(-1)!.position);
    const [status] = r.status();
    expect(status).toMatchObject({ state: 'running', position: store.events.at(-1)!.position, liveVersion: 1 });

    const more = await appendSampleEvents(store, 7, { offset: 25 });
    await r.waitUntilCaughtUp();
    expect(r.status()[0].position).toBe(more!.position);
    expect(await readCounts(db, 'c')).toEqual(foldCounts(store.events, { filter }));
  });

  it('rolls a batch back when a handler throws after writing, and applies it once on retry', async () => {
    await appendSampleEvents(store, 30);
    const flaky = store.events[17];
    let thrown = 0;
    const projection = countingProjection({
      name: 'counts',
      prefix: 'c',
      afterWrite: (event) => {
        if (event.id === flaky.id && thrown++ < 2) throw new Error('transient');
      },
    });
    const r = runner({ projections: [projection] });
    await r.start();
    await r.waitUntilCaughtUp();
    expect(thrown).toBe(3);
    expect(await readCounts(db, 'c')).toEqual(foldCounts(store.events));
    expect(r.status()[0].state).toBe('running');
  });

  it("retries a deadlock in a handler as the database's failure: it never counts against the event", async () => {
    await appendSampleEvents(store, 30);
    const victim = store.events[17];
    let deadlocks = 0;
    const projection = countingProjection({
      name: 'counts',
      prefix: 'c',
      afterWrite: (event) => {
        // More times than fastRetry's attempts: as a handler error, the event would be recorded as poison.
        if (event.id === victim.id && deadlocks++ < 5) {
          throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
        }
      },
    });
    const r = runner({ projections: [projection] });
    await r.start();
    await r.waitUntilCaughtUp();
    expect(deadlocks).toBe(6);
    expect(await readCounts(db, 'c')).toEqual(foldCounts(store.events));
    expect(r.status()[0]).toMatchObject({ state: 'running', failedPosition: null });
  });

  it('marks a projection failed on a poison event, keeps the events before it, and lets the others run', async () => {
    await appendSampleEvents(store, 30);
    const poison = store.events[13];
    let fixed = false;
    const bad = countingProjection({
      name: 'bad',
      prefix: 'b',
      afterWrite: (event) => {
        if (event.id === poison.id && !fixed) throw new Error('cannot digest this');
      },
    });
    const good = countingProjection({ name: 'good', prefix: 'g' });
    const r = runner({ projections: [bad, good] });
    await r.start();

    await expect(r.waitUntilCaughtUp(undefined, { projections: ['bad'] })).rejects.toThrow(ProjectionFailedError);
    await appendSampleEvents(store, 5, { offset: 30 });
    await r.waitUntilCaughtUp(undefined, { projections: ['good'] });
    expect(await readCounts(db, 'g')).toEqual(foldCounts(store.events));

    const row = await checkpointRow('bad');
    expect(row).toMatchObject({
      status: 'failed',
      failed_position: poison.position,
      position: store.events[12].position,
    });
    expect(String(row.last_error)).toContain('cannot digest this');
    expect(String(row.last_error)).toContain(poison.id);
    expect(await readCounts(db, 'b')).toEqual(foldCounts(store.events.slice(0, 13)));
    expect(r.status().find((s) => s.name === 'bad')).toMatchObject({
      state: 'failed',
      failedPosition: poison.position,
    });

    fixed = true;
    await r.resume('bad');
    await r.waitUntilCaughtUp(undefined, { projections: ['bad'] });
    expect(await readCounts(db, 'b')).toEqual(foldCounts(store.events));
    expect(await checkpointRow('bad')).toMatchObject({ status: 'running', last_error: null, failed_position: null });
  });

  describe('with applyBatch', () => {
    /** The counting projection with an applyBatch that records each call's size and applies the events in turn. */
    function batched(options: Parameters<typeof countingProjection>[0], calls: number[], failBatch?: () => boolean) {
      const base = countingProjection(options);
      const projection: Projection = {
        ...base,
        async applyBatch(events, tx, tables) {
          calls.push(events.length);
          for (const event of events) await base.apply(event, tx, tables);
          if (failBatch?.()) throw new Error('batch went wrong');
        },
      };
      return projection;
    }

    it('hands each batch to applyBatch once, with only the events its filter keeps', async () => {
      await appendSampleEvents(store, 25);
      const filter = { eventTypes: ['OrderImported'] };
      const calls: number[] = [];
      const r = runner({ projections: [batched({ name: 'counts', prefix: 'c', filter }, calls)] });
      await r.start();
      await r.waitUntilCaughtUp(store.events.at(-1)!.position);
      expect(await readCounts(db, 'c')).toEqual(foldCounts(store.events, { filter }));
      const handled = store.events.filter((event) => filter.eventTypes.includes(event.type)).length;
      expect(calls.reduce((sum, n) => sum + n, 0)).toBe(handled);
      expect(calls.length).toBeLessThanOrEqual(3);
    });

    it('after a failed batch retries its events one by one, then goes on in batches', async () => {
      await appendSampleEvents(store, 30);
      const calls: number[] = [];
      let failures = 0;
      const r = runner({ projections: [batched({ name: 'counts', prefix: 'c' }, calls, () => failures++ === 1)] });
      await r.start();
      await r.waitUntilCaughtUp(store.events.at(-1)!.position);
      expect(await readCounts(db, 'c')).toEqual(foldCounts(store.events));
      // Batches 1 and 2 (which failed), batch 2 again event by event (not through applyBatch), batch 3.
      expect(calls).toEqual([10, 10, 10]);
      expect(r.status()[0]).toMatchObject({ state: 'running', lastError: null });
    });

    it('records the poison event itself, not the batch, and keeps the events before it', async () => {
      await appendSampleEvents(store, 30);
      const poison = store.events[13];
      const calls: number[] = [];
      const projection = batched(
        {
          name: 'bad',
          prefix: 'b',
          afterWrite: (event) => {
            if (event.id === poison.id) throw new Error('cannot digest this');
          },
        },
        calls,
      );
      const r = runner({ projections: [projection] });
      await r.start();
      await expect(r.waitUntilCaughtUp()).rejects.toThrow(ProjectionFailedError);

      const row = await checkpointRow('bad');
      expect(row).toMatchObject({
        status: 'failed',
        failed_position: poison.position,
        position: store.events[12].position,
      });
      expect(String(row.last_error)).toContain(poison.id);
      expect(await readCounts(db, 'b')).toEqual(foldCounts(store.events.slice(0, 13)));
      // The second batch reached applyBatch once; its retries (fastRetry: 3 attempts) went event by event.
      expect(calls).toEqual([10, 10]);
    });
  });

  it('after a crash between the writes and the checkpoint, a fresh runner ends where a clean run ends', async () => {
    await appendSampleEvents(store, 40);
    let crashed = false;
    const first = runner({
      projections: [countingProjection({ name: 'counts', prefix: 'c' })],
      // A long infrastructure backoff keeps the crashed loop from retrying before the test "kills" it.
      retry: { ...fastRetry, initialDelayMs: 60_000, maxDelayMs: 60_000 },
      hooks: {
        beforeCheckpoint: ({ events }) => {
          if (!crashed && events.some((e) => e.position === store.events[25].position)) {
            crashed = true;
            throw new Error('killed before commit');
          }
        },
      },
    });
    await first.start();
    while (!crashed) await new Promise((resolve) => setTimeout(resolve, 2));
    await first.stop();
    const stoppedAt = (await checkpointRow('counts')).position as string;
    expect(stoppedAt < store.events[25].position).toBe(true);

    const second = runner({ projections: [countingProjection({ name: 'counts', prefix: 'c' })] });
    await second.start();
    await second.waitUntilCaughtUp();
    const clean = runner({ projections: [countingProjection({ name: 'clean', prefix: 'k' })] });
    await clean.start();
    await clean.waitUntilCaughtUp();
    expect(await readCounts(db, 'c')).toEqual(await readCounts(db, 'k'));
    expect(await readCounts(db, 'c')).toEqual(foldCounts(store.events));
  });

  it('changes nothing when the same events are applied again', async () => {
    await appendSampleEvents(store, 30);
    const r = runner({ projections: [countingProjection({ name: 'counts', prefix: 'c' })] });
    await r.start();
    await r.waitUntilCaughtUp();
    await r.stop();
    const before = await readCounts(db, 'c');
    await db.execute(`UPDATE projection_checkpoints SET position = NULL WHERE name = 'counts'`);

    const again = runner({ projections: [countingProjection({ name: 'counts', prefix: 'c' })] });
    await again.start();
    await again.waitUntilCaughtUp(store.events.at(-1)!.position);
    expect(await readCounts(db, 'c')).toEqual(before);
  });

  it('retries store outages without failing the projection', async () => {
    await appendSampleEvents(store, 12);
    store.failReads = 3;
    const r = runner({ projections: [countingProjection({ name: 'counts', prefix: 'c' })] });
    await r.start();
    await r.waitUntilCaughtUp(store.events.at(-1)!.position);
    expect(store.failReads).toBe(0);
    expect(r.status()[0]).toMatchObject({ state: 'running', lastError: null });
    expect(await readCounts(db, 'c')).toEqual(foldCounts(store.events));
  });

  it('rebuilds while appends continue, reports progress, and ends equal to a projection that stayed live', async () => {
    await appendSampleEvents(store, 60);
    const r = runner({
      projections: [
        countingProjection({ name: 'rebuilt', prefix: 'r' }),
        countingProjection({ name: 'live', prefix: 'l' }),
      ],
    });
    await r.start();
    await r.waitUntilCaughtUp();

    const progress: RebuildProgress[] = [];
    let appending = true;
    const appender = (async () => {
      for (let i = 0; appending && i < 200; i++) {
        await appendSampleEvents(store, 1, { offset: 60 + i });
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();
    const result = await r.rebuild('rebuilt', { onProgress: (p) => progress.push(p) });
    appending = false;
    await appender;
    await r.waitUntilCaughtUp();

    expect(await readCounts(db, 'r')).toEqual(await readCounts(db, 'l'));
    expect(await readCounts(db, 'r')).toEqual(foldCounts(store.events));
    expect(result).toMatchObject({ projection: 'rebuilt', version: 1, generation: 2 });
    expect(result.processed).toBeGreaterThanOrEqual(60);
    expect(progress.at(-1)).toMatchObject({ phase: 'done', processed: result.processed, target: result.processed });
    expect(progress.some((p) => p.phase === 'building' && p.processed > 0)).toBe(true);
    const processed = progress.map((p) => p.processed);
    expect([...processed].sort((a, b) => a - b)).toEqual(processed);
    for (const p of progress) if (p.target !== null) expect(p.target).toBeGreaterThanOrEqual(p.processed);

    const tables = await db.query<{ name: string; type: string }>(
      `SELECT name, type FROM sqlite_master WHERE name LIKE 'r\\_%' ESCAPE '\\' AND type IN ('table', 'view') ORDER BY name`,
    );
    expect(tables).toEqual([
      { name: 'r_streams', type: 'view' },
      { name: 'r_streams__g2', type: 'table' },
      { name: 'r_types', type: 'view' },
      { name: 'r_types__g2', type: 'table' },
    ]);
    // A second rebuild of the same version must not trip over index names left by the first.
    await r.rebuild('rebuilt');
    expect(await readCounts(db, 'r')).toEqual(foldCounts(store.events));
  });

  it('after a version bump serves the old tables until the new version is built, then switches', async () => {
    await appendSampleEvents(store, 40);
    const v1 = runner({ projections: [countingProjection({ name: 'counts', prefix: 'c' })] });
    await v1.start();
    await v1.waitUntilCaughtUp();
    await v1.stop();
    const oldRows = await readCounts(db, 'c');

    const label = (type: string) => type.toUpperCase();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reads = 0;
    store.beforeReadAll = async () => {
      if (++reads === 2) await held;
    };
    const progress: RebuildProgress[] = [];
    const v2 = runner({
      projections: [countingProjection({ name: 'counts', prefix: 'c', version: 2, label })],
      onRebuildProgress: (p) => progress.push(p),
    });
    await v2.start();
    while (reads < 2) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(v2.status()[0]).toMatchObject({ state: 'rebuilding', liveVersion: 1, version: 2 });
    expect(await readCounts(db, 'c')).toEqual(oldRows);
    release();

    await v2.waitUntilCaughtUp();
    expect(v2.status()[0]).toMatchObject({ state: 'running', liveVersion: 2 });
    expect(await readCounts(db, 'c')).toEqual(foldCounts(store.events, { label }));
    expect(await checkpointRow('counts')).toMatchObject({ version: 2, position: store.events.at(-1)!.position });
    expect(progress.at(-1)?.phase).toBe('done');
  });

  it('resumes an interrupted upgrade rebuild where it stopped', async () => {
    await appendSampleEvents(store, 50);
    const v1 = runner({ projections: [countingProjection({ name: 'counts', prefix: 'c' })] });
    await v1.start();
    await v1.waitUntilCaughtUp();
    await v1.stop();

    const label = (type: string) => `v2:${type}`;
    const v2a = runner({ projections: [countingProjection({ name: 'counts', prefix: 'c', version: 2, label })] });
    let built = 0;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    store.beforeReadAll = async () => {
      if (++built === 3) await held;
    };
    await v2a.start();
    while (built < 3) await new Promise((resolve) => setTimeout(resolve, 1));
    // Stop while the third read is in flight: the rebuild finishes nothing more and keeps its progress row.
    const stopped = v2a.stop();
    release();
    await stopped;
    store.beforeReadAll = undefined;
    const [build] = await db.query<{ processed: number }>(`SELECT processed FROM projection_builds`);
    expect(build.processed).toBe(20);
    expect(v2a.status()[0]).toMatchObject({ state: 'stopped', liveVersion: 1 });

    const reads: (string | null | undefined)[] = [];
    const original = store.readAll.bind(store);
    store.readAll = (options = {}) => {
      reads.push(options.fromPosition);
      return original(options);
    };
    const v2b = runner({ projections: [countingProjection({ name: 'counts', prefix: 'c', version: 2, label })] });
    await v2b.start();
    await v2b.waitUntilCaughtUp();
    expect(reads[0]).toBe(store.events[build.processed - 1].position);
    expect(await readCounts(db, 'c')).toEqual(foldCounts(store.events, { label }));
  });

  it('lets a second instance of the same projection stand down instead of applying events twice', async () => {
    await appendSampleEvents(store, 80);
    const a = runner({ projections: [countingProjection({ name: 'counts', prefix: 'c' })], batchSize: 3 });
    const b = runner({ projections: [countingProjection({ name: 'counts', prefix: 'c' })], batchSize: 3 });
    await a.start();
    await b.start();
    const settled = (r: ProjectionRunner) =>
      r.waitUntilCaughtUp(store.events.at(-1)!.position).then(
        () => 'caught up',
        (error: unknown) => (error instanceof ProjectionFailedError ? 'stood down' : String(error)),
      );
    const outcomes = await Promise.all([settled(a), settled(b)]);
    expect(outcomes).toContain('stood down');
    expect(await readCounts(db, 'c')).toEqual(foldCounts(store.events));
  });

  it('rejects a wait that times out, and a wait on an unknown projection', async () => {
    const r = runner({ projections: [countingProjection({ name: 'counts', prefix: 'c' })] });
    await r.start();
    await expect(r.waitUntilCaughtUp('99999999999999999999', { timeoutMs: 20 })).rejects.toThrow(/within 20 ms/);
    await expect(r.waitUntilCaughtUp(undefined, { projections: ['nope'] })).rejects.toThrow(/unknown projection/);
  });

  it('refuses projections whose tables clash or are not plain identifiers', () => {
    const p = (name: string, prefix: string) => countingProjection({ name, prefix });
    expect(() => new ProjectionRunner({ store, db, projections: [p('a', 'x'), p('b', 'x')] })).toThrow(/claimed by/);
    expect(() => new ProjectionRunner({ store, db, projections: [p('a', 'x'), p('a', 'y')] })).toThrow(
      /two projections/,
    );
    expect(() => new ProjectionRunner({ store, db, projections: [p('a', 'X; DROP TABLE t')] })).toThrow(/identifier/);
  });

  it('recovers a failed projection by rebuilding it with fixed code', async () => {
    await appendSampleEvents(store, 30);
    const poison = store.events[8];
    let fixed = false;
    const projection = countingProjection({
      name: 'counts',
      prefix: 'c',
      afterWrite: (event) => {
        if (event.id === poison.id && !fixed) throw new Error('bug');
      },
    });
    const r = runner({ projections: [projection] });
    await r.start();
    await expect(r.waitUntilCaughtUp()).rejects.toThrow(/bug/);
    fixed = true;
    const result = await r.rebuild('counts');
    expect(result.position).toBe(store.events.at(-1)!.position);
    await appendSampleEvents(store, 4, { offset: 30 });
    await r.waitUntilCaughtUp(store.events.at(-1)!.position);
    expect(r.status()[0]).toMatchObject({ state: 'running', lastError: null, failedPosition: null });
    expect(await readCounts(db, 'c')).toEqual(foldCounts(store.events));
    expect(await checkpointRow('counts')).toMatchObject({ status: 'running', generation: 2 });
  });

  it('keeps a projection whose setup throws failed, and starts the others', async () => {
    await appendSampleEvents(store, 5);
    const broken = countingProjection({ name: 'broken', prefix: 'x' });
    broken.setup = async () => {
      throw new Error('syntax error near TABEL');
    };
    const r = runner({ projections: [broken, countingProjection({ name: 'fine', prefix: 'f' })] });
    await r.start();
    await r.waitUntilCaughtUp(store.events.at(-1)!.position, { projections: ['fine'] });
    expect(r.status().find((s) => s.name === 'broken')).toMatchObject({
      state: 'failed',
      lastError: 'setup failed: syntax error near TABEL',
    });
    await expect(r.waitUntilCaughtUp(undefined, { projections: ['broken'] })).rejects.toThrow(/TABEL/);
    await expect(r.resume('broken')).rejects.toThrow(/TABEL/);
    expect(r.status().find((s) => s.name === 'broken')?.state).toBe('failed');
  });

  it('counts a non-Error throw as a handler failure with a readable reason', async () => {
    await appendSampleEvents(store, 3);
    const projection = countingProjection({
      name: 'counts',
      prefix: 'c',
      afterWrite: (event: RecordedEvent) => {
        if (event.revision === 0 && event.stream === 'order-b') throw { code: 'weird' };
      },
    });
    const r = runner({ projections: [projection] });
    await r.start();
    await expect(r.waitUntilCaughtUp()).rejects.toThrow(/"code":"weird"/);
  });
});
