import type { SqlDatabase } from '../../src/database/sql-database.port.js';
import {
  CheckpointedConsumer,
  type CheckpointedConsumerOptions,
} from '../../src/event-store/consumers/checkpointed-consumer.js';
import type { ConsumerHandler } from '../../src/event-store/consumers/consumer-handler.js';
import type { EventStore, RecordedEvent } from '../../src/event-store/event-store.port.js';
import { ProjectionFailedError } from '../../src/event-store/projections/projection-failed.error.js';
import { ProjectionRunner, type ProjectionRunnerOptions } from '../../src/event-store/projections/projection-runner.js';
import type { RebuildProgress } from '../../src/event-store/projections/rebuild-progress.js';
import {
  countingProjection,
  foldCounts,
  readCounts,
} from '../../src/event-store/projections/testing/counting-projection.js';
import { appendSampleEvents } from '../../src/event-store/projections/testing/sample-events.js';

export interface ReadModelUnderTest {
  store: EventStore;
  /** The read-model database (projection tables, checkpoints, parked events). */
  db: SqlDatabase;
  cleanup(): Promise<void>;
}

const fastRetry = { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5, jitter: false };
/** Keeps a "crashed" loop from retrying before the test kills it. */
const frozenRetry = { ...fastRetry, initialDelayMs: 60_000, maxDelayMs: 60_000 };

/**
 * The projection runner and the checkpointed consumer against a real event store and read-model database. Each test
 * gets a fresh store and database (the runner reads the whole log, so tests must not share one). Waits name the last
 * appended position: on PostgreSQL a committed event can stay invisible to readAll while an older transaction runs.
 */
export function projectionRunnerContract(name: string, factory: () => Promise<ReadModelUnderTest>): void {
  describe(`${name}: projection runner and checkpointed consumer`, () => {
    let store: EventStore;
    let db: SqlDatabase;
    let cleanup: () => Promise<void> = async () => undefined;
    const started: { stop(): Promise<void> }[] = [];

    beforeEach(async () => {
      ({ store, db, cleanup } = await factory());
    });

    afterEach(async () => {
      await Promise.all(started.splice(0).map((s) => s.stop()));
      await cleanup();
    });

    const runner = (options: Partial<ProjectionRunnerOptions> & Pick<ProjectionRunnerOptions, 'projections'>) => {
      const created = new ProjectionRunner({
        store,
        db,
        batchSize: 10,
        pollIntervalMs: 5,
        retry: fastRetry,
        ...options,
      });
      started.push(created);
      return created;
    };
    const consumer = (
      handler: ConsumerHandler,
      retry = fastRetry,
      options: Partial<CheckpointedConsumerOptions> = {},
    ) => {
      const created = new CheckpointedConsumer({
        store,
        db,
        handler,
        batchSize: 10,
        pollIntervalMs: 5,
        retry,
        ...options,
      });
      started.push(created);
      return created;
    };
    /** The whole log up to `position`, polling until readAll shows it. */
    const eventsThrough = async (position: string) => {
      for (;;) {
        const events = await store.readAll();
        if (events.length > 0 && events[events.length - 1].position >= position) return events;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    };
    const checkpoint = async (projection: string) =>
      (
        await db.query<Record<string, unknown>>(`SELECT * FROM projection_checkpoints WHERE name = $1`, [projection])
      )[0];
    const until = async (condition: () => boolean, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    };

    it('applies events and stores the checkpoint of the last one', async () => {
      const last = await appendSampleEvents(store, 45);
      const filter = { streamPrefixes: ['order-'], eventTypes: ['OrderImported', 'OrderShipped'] };
      const r = runner({
        projections: [
          countingProjection({ name: 'all', prefix: 'a' }),
          countingProjection({ name: 'orders', prefix: 'o', filter }),
        ],
      });
      await r.start();
      await r.waitUntilCaughtUp(last!.position);
      const events = await eventsThrough(last!.position);
      expect(events).toHaveLength(45);
      expect(await readCounts(db, 'a')).toEqual(foldCounts(events));
      expect(await readCounts(db, 'o')).toEqual(foldCounts(events, { filter }));
      expect(await checkpoint('all')).toMatchObject({ position: last!.position, status: 'running', version: 1 });
      expect(await checkpoint('orders')).toMatchObject({ position: last!.position });
      for (const status of r.status()) expect(status).toMatchObject({ state: 'running', position: last!.position });
    });

    it('after a kill between the writes and the checkpoint commit, a fresh runner equals a clean rebuild', async () => {
      const last = await appendSampleEvents(store, 40);
      const events = await eventsThrough(last!.position);
      let killed = false;
      const first = runner({
        projections: [countingProjection({ name: 'counts', prefix: 'c' })],
        retry: frozenRetry,
        hooks: {
          beforeCheckpoint: ({ events: batch }) => {
            if (!killed && batch.some((e) => e.id === events[24].id)) {
              killed = true;
              throw new Error('killed after the handlers wrote, before the checkpoint');
            }
          },
        },
      });
      await first.start();
      await until(() => killed);
      await first.stop();
      expect(((await checkpoint('counts')).position as string) < events[24].position).toBe(true);

      const second = runner({ projections: [countingProjection({ name: 'counts', prefix: 'c' })] });
      await second.start();
      const clean = runner({ projections: [countingProjection({ name: 'clean', prefix: 'k' })] });
      await clean.start();
      await second.waitUntilCaughtUp(last!.position);
      await clean.waitUntilCaughtUp(last!.position);
      expect(await readCounts(db, 'c')).toEqual(await readCounts(db, 'k'));
      expect(await readCounts(db, 'c')).toEqual(foldCounts(events));
    });

    it('rolls back a handler that threw after writing rows, and applies its batch once on retry', async () => {
      const last = await appendSampleEvents(store, 30);
      const events = await eventsThrough(last!.position);
      let throws = 0;
      const r = runner({
        projections: [
          countingProjection({
            name: 'counts',
            prefix: 'c',
            afterWrite: (event) => {
              if (event.id === events[17].id && throws++ === 0) throw new Error('died mid-batch');
            },
          }),
        ],
      });
      await r.start();
      await r.waitUntilCaughtUp(last!.position);
      expect(throws).toBe(2);
      expect(await readCounts(db, 'c')).toEqual(foldCounts(events));
    });

    it('changes nothing when the same events are replayed', async () => {
      const last = await appendSampleEvents(store, 30);
      const first = runner({ projections: [countingProjection({ name: 'counts', prefix: 'c' })] });
      await first.start();
      await first.waitUntilCaughtUp(last!.position);
      await first.stop();
      const before = await readCounts(db, 'c');
      expect(before).toEqual(foldCounts(await eventsThrough(last!.position)));

      await db.execute(`UPDATE projection_checkpoints SET position = NULL WHERE name = $1`, ['counts']);
      const again = runner({ projections: [countingProjection({ name: 'counts', prefix: 'c' })] });
      await again.start();
      await again.waitUntilCaughtUp(last!.position);
      expect(await readCounts(db, 'c')).toEqual(before);
    });

    it('marks a projection failed on a poison event with the reason and position, while the others continue', async () => {
      const first = await appendSampleEvents(store, 20);
      const events = await eventsThrough(first!.position);
      const poison = events[11];
      const r = runner({
        projections: [
          countingProjection({
            name: 'fragile',
            prefix: 'f',
            afterWrite: (event) => {
              if (event.id === poison.id) throw new Error('unparseable order payload');
            },
          }),
          countingProjection({ name: 'sturdy', prefix: 's' }),
        ],
      });
      await r.start();
      await expect(r.waitUntilCaughtUp(undefined, { projections: ['fragile'] })).rejects.toBeInstanceOf(
        ProjectionFailedError,
      );
      const last = await appendSampleEvents(store, 10, { offset: 20 });
      await r.waitUntilCaughtUp(last!.position, { projections: ['sturdy'] });

      expect(await readCounts(db, 's')).toEqual(foldCounts(await eventsThrough(last!.position)));
      expect(await readCounts(db, 'f')).toEqual(foldCounts(events.slice(0, 11)));
      const row = await checkpoint('fragile');
      expect(row).toMatchObject({ status: 'failed', failed_position: poison.position, position: events[10].position });
      expect(String(row.last_error)).toContain('unparseable order payload');
      expect(r.status().find((s) => s.name === 'fragile')).toMatchObject({ state: 'failed' });
    });

    it('rebuilds while appends continue, reports progress, and then equals the live tables', async () => {
      const initial = await appendSampleEvents(store, 50);
      const r = runner({
        projections: [
          countingProjection({ name: 'rebuilt', prefix: 'r' }),
          countingProjection({ name: 'live', prefix: 'l' }),
        ],
      });
      await r.start();
      await r.waitUntilCaughtUp(initial!.position);

      let appending = true;
      let appended = 0;
      let lastAppended = initial!.position;
      const appender = (async () => {
        while (appending || appended < 10) {
          lastAppended = (await appendSampleEvents(store, 1, { offset: 50 + appended++ }))!.position;
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      })();
      const progress: RebuildProgress[] = [];
      const result = await r.rebuild('rebuilt', { onProgress: (p) => progress.push(p) });
      appending = false;
      await appender;
      const events = await eventsThrough(lastAppended);
      expect(events).toHaveLength(50 + appended);
      await r.waitUntilCaughtUp(events.at(-1)!.position);

      expect(await readCounts(db, 'r')).toEqual(await readCounts(db, 'l'));
      expect(await readCounts(db, 'r')).toEqual(foldCounts(events));
      expect(result.processed).toBeGreaterThanOrEqual(50);
      expect(progress.at(-1)).toMatchObject({ phase: 'done', processed: result.processed });
      expect(progress.filter((p) => p.phase === 'building').length).toBeGreaterThan(2);
      const processed = progress.map((p) => p.processed);
      expect([...processed].sort((a, b) => a - b)).toEqual(processed);
      expect(await checkpoint('rebuilt')).toMatchObject({ generation: result.generation, status: 'running' });
      const tables = await db.query<{ physical_name: string }>(
        `SELECT physical_name FROM projection_tables WHERE projection = $1`,
        ['rebuilt'],
      );
      expect(tables.map((t) => t.physical_name).sort()).toEqual([
        `r_streams__g${result.generation}`,
        `r_types__g${result.generation}`,
      ]);
    });

    it('rebuilds into a bumped version at start and switches to it', async () => {
      const last = await appendSampleEvents(store, 30);
      const v1 = runner({ projections: [countingProjection({ name: 'counts', prefix: 'c' })] });
      await v1.start();
      await v1.waitUntilCaughtUp(last!.position);
      await v1.stop();

      const label = (type: string) => type.toLowerCase();
      const v2 = runner({ projections: [countingProjection({ name: 'counts', prefix: 'c', version: 2, label })] });
      await v2.start();
      const more = await appendSampleEvents(store, 5, { offset: 30 });
      await v2.waitUntilCaughtUp(more!.position);
      expect(await readCounts(db, 'c')).toEqual(foldCounts(await eventsThrough(more!.position), { label }));
      expect(await checkpoint('counts')).toMatchObject({ version: 2, status: 'running' });
    });

    it('a superseded runner stands by and takes the projection over once the active one stops', async () => {
      await appendSampleEvents(store, 20);
      // Events keep arriving while the two race, so the standby must not take over from a live runner that is merely
      // slow to move past them (a loaded machine took longer than 50 ms): only once it has stopped.
      const standbyOptions = { standbyCheckMs: 10, takeoverAfterMs: 2000 };
      const a = runner({ projections: [countingProjection({ name: 'shared', prefix: 's' })], ...standbyOptions });
      const b = runner({ projections: [countingProjection({ name: 'shared', prefix: 's' })], ...standbyOptions });
      await a.start();
      await b.start();
      // Both read from the same checkpoint; whichever writes second finds it moved and stands down.
      let more = await appendSampleEvents(store, 10, { offset: 20 });
      const stateOf = (r: ProjectionRunner) => r.status()[0].state;
      for (let round = 30; stateOf(a) !== 'superseded' && stateOf(b) !== 'superseded'; round += 5) {
        more = await appendSampleEvents(store, 5, { offset: round });
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const [active, standby] = stateOf(a) === 'superseded' ? [b, a] : [a, b];
      await active.waitUntilCaughtUp(more!.position, { timeoutMs: 10_000 });
      await active.stop();
      const last = await appendSampleEvents(store, 8, { offset: 1000 });
      await until(() => stateOf(standby) === 'running');
      await standby.waitUntilCaughtUp(last!.position, { timeoutMs: 10_000 });
      const events = await eventsThrough(last!.position);
      expect(await readCounts(db, 's')).toEqual(foldCounts(events));
      expect(await checkpoint('shared')).toMatchObject({ position: last!.position });
    });

    describe('checkpointed consumer', () => {
      const recorder = (
        name: string,
        behave: (event: RecordedEvent, delivery: number) => Promise<void> | void = () => undefined,
      ) => {
        const delivered: string[] = [];
        const handler: ConsumerHandler = {
          name,
          async handle(event) {
            delivered.push(event.id);
            await behave(event, delivered.filter((id) => id === event.id).length);
          },
        };
        return { handler, delivered };
      };
      const consumerPosition = async (name: string) =>
        (await db.query<{ position: string }>(`SELECT position FROM consumer_checkpoints WHERE name = $1`, [name]))[0]
          ?.position;

      it('delivers at least once with the checkpoint after the handler; a crash redelivers only the unfinished event', async () => {
        const last = await appendSampleEvents(store, 25);
        const events = await eventsThrough(last!.position);
        const victim = events[16];
        const first = recorder('notifier', (event, delivery) => {
          if (event.id === victim.id && delivery === 1) throw new Error('crash inside the handler');
        });
        const a = consumer(first.handler, frozenRetry);
        await a.start();
        await until(() => first.delivered.includes(victim.id));
        await a.stop();
        expect(await consumerPosition('notifier')).toBe(events[15].position);

        const second = recorder('notifier');
        const b = consumer(second.handler);
        await b.start();
        await b.waitUntilCaughtUp(last!.position);
        expect(first.delivered).toEqual(events.slice(0, 17).map((e) => e.id));
        expect(second.delivered).toEqual(events.slice(16).map((e) => e.id));
        expect(await consumerPosition('notifier')).toBe(last!.position);
      });

      it('parks a poison event, moves on, lists it and replays it', async () => {
        const first = await appendSampleEvents(store, 15);
        const events = await eventsThrough(first!.position);
        const poison = events[6];
        let broken = true;
        const r = recorder('publisher', (event) => {
          if (event.id === poison.id && broken) throw new Error('NATS rejected the subject');
        });
        const c = consumer(r.handler);
        await c.start();
        const last = await appendSampleEvents(store, 5, { offset: 15 });
        await c.waitUntilCaughtUp(last!.position);

        expect(r.delivered.filter((id) => id === poison.id)).toHaveLength(3);
        expect(new Set(r.delivered).size).toBe(20);
        expect(await c.listParked()).toEqual([
          expect.objectContaining({
            consumer: 'publisher',
            eventId: poison.id,
            position: poison.position,
            reason: 'NATS rejected the subject',
            attempts: 3,
          }),
        ]);
        broken = false;
        expect(await c.replayParked()).toEqual([{ eventId: poison.id, outcome: 'handled' }]);
        expect(await c.listParked()).toEqual([]);
        expect(r.delivered.filter((id) => id === poison.id)).toHaveLength(4);
      });

      it('a superseded instance stands by and takes over from the stored checkpoint once the active one stops', async () => {
        const first = await appendSampleEvents(store, 6);
        const events = await eventsThrough(first!.position);
        const standbyOptions = { standbyCheckMs: 10, takeoverAfterMs: 50 };
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        const late = recorder('notifier', (event, delivery) =>
          event.id === events[2].id && delivery === 1 ? held : undefined,
        );
        const standby = consumer(late.handler, fastRetry, standbyOptions);
        await standby.start();
        await until(() => late.delivered.length === 3);
        const active = consumer(recorder('notifier').handler, fastRetry, standbyOptions);
        await active.start();
        await active.waitUntilCaughtUp(first!.position);
        // The held instance finishes its event, finds the checkpoint moved by the other one, and stands down.
        release();
        await until(() => standby.status().state === 'superseded');
        expect(standby.status().standbySince).not.toBeNull();

        await active.stop();
        const last = await appendSampleEvents(store, 4, { offset: 6 });
        await until(() => standby.status().state === 'running');
        await standby.waitUntilCaughtUp(last!.position, { timeoutMs: 10_000 });
        const all = await eventsThrough(last!.position);
        expect(late.delivered.slice(3)).toEqual(all.slice(6).map((e) => e.id));
        // The catch-up wait may settle before the last write commits; stop() waits for it.
        await standby.stop();
        expect(await consumerPosition('notifier')).toBe(last!.position);
      });
    });
  });
}
