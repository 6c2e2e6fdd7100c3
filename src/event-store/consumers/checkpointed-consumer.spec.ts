import { jest } from '@jest/globals';
import { SqliteDatabase } from '../../database/sqlite-database.js';
import type { RecordedEvent } from '../event-store.port.js';
import { InMemoryEventStore } from '../projections/testing/in-memory-event-store.js';
import { appendSampleEvents } from '../projections/testing/sample-events.js';
import { CheckpointedConsumer, type CheckpointedConsumerOptions } from './checkpointed-consumer.js';
import type { ConsumerHandler } from './consumer-handler.js';

const fastRetry = { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5, jitter: false };

let db: SqliteDatabase;
let store: InMemoryEventStore;
const consumers: CheckpointedConsumer[] = [];

beforeEach(() => {
  db = new SqliteDatabase({ path: ':memory:' });
  store = new InMemoryEventStore();
});

afterEach(async () => {
  await Promise.all(consumers.splice(0).map((consumer) => consumer.stop()));
  await db.close();
});

function consumer(handler: ConsumerHandler, options: Partial<CheckpointedConsumerOptions> = {}): CheckpointedConsumer {
  const created = new CheckpointedConsumer({
    store,
    db,
    handler,
    batchSize: 10,
    pollIntervalMs: 5,
    retry: fastRetry,
    ...options,
  });
  consumers.push(created);
  return created;
}

async function storedPosition(name: string): Promise<string | null> {
  const [row] = await db.query<{ position: string | null }>(
    `SELECT position FROM consumer_checkpoints WHERE name = $1`,
    [name],
  );
  return row?.position ?? null;
}

/** A handler recording deliveries, with a hook to make chosen deliveries fail or wait. */
function recorder(
  name: string,
  behave: (event: RecordedEvent, delivery: number) => Promise<void> | void = () => undefined,
) {
  const delivered: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const handler: ConsumerHandler = {
    name,
    async handle(event) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        delivered.push(event.id);
        await new Promise((resolve) => setImmediate(resolve));
        await behave(event, delivered.filter((id) => id === event.id).length);
      } finally {
        inFlight--;
      }
    },
  };
  return { handler, delivered, maxInFlight: () => maxInFlight };
}

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1));
};

/** Like `until`, but fails with `what` instead of waiting for the test timeout. */
const eventually = async (what: string, condition: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
};

/**
 * Two instances of one consumer on one database, as two engine processes would run it: `active` moved the checkpoint
 * past `standby`, which stood down. Five events are in the log; the standby delivered the first three.
 */
async function activeAndStandby(
  name: string,
  options: Partial<CheckpointedConsumerOptions>,
  activeBehaviour?: (event: RecordedEvent) => Promise<void> | void,
) {
  await appendSampleEvents(store, 5);
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const standbyRecorder = recorder(name, (event, delivery) =>
    event.id === store.events[2].id && delivery === 1 ? held : undefined,
  );
  const standby = consumer(standbyRecorder.handler, options);
  await standby.start();
  await until(() => standbyRecorder.delivered.length === 3);
  const activeRecorder = recorder(name, activeBehaviour);
  const active = consumer(activeRecorder.handler, options);
  await active.start();
  await active.waitUntilCaughtUp(store.events.at(-1)!.position);
  release();
  await eventually('the second instance stands down', () => standby.status().state === 'superseded');
  return { active, standby, activeRecorder, standbyRecorder };
}

/** Counts the reads of the log from now on (a standby reads one event per check while the checkpoint is unmoved). */
function countReads(): () => number {
  let reads = 0;
  const readAll = store.readAll.bind(store);
  store.readAll = (options) => {
    reads++;
    return readAll(options);
  };
  return () => reads;
}

describe('CheckpointedConsumer (SQLite, in-memory store double)', () => {
  it('delivers every event once, in order, one at a time, and checkpoints the last', async () => {
    await appendSampleEvents(store, 35);
    const r = recorder('mailer');
    const c = consumer(r.handler);
    await c.start();
    await c.waitUntilCaughtUp(store.events.at(-1)!.position);
    expect(r.delivered).toEqual(store.events.map((e) => e.id));
    expect(r.maxInFlight()).toBe(1);
    expect(await storedPosition('mailer')).toBe(store.events.at(-1)!.position);
    expect(c.status()).toMatchObject({ state: 'running', delivered: 35, parked: 0 });
  });

  it('moves the checkpoint only after the handler completed', async () => {
    await appendSampleEvents(store, 5);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const r = recorder('mailer', (event) => (event.id === store.events[3].id ? held : undefined));
    const c = consumer(r.handler);
    await c.start();
    await until(() => r.delivered.length === 4);
    expect(await storedPosition('mailer')).toBe(store.events[2].position);
    release();
    await c.waitUntilCaughtUp(store.events[4].position);
    expect(await storedPosition('mailer')).toBe(store.events[4].position);
  });

  it('after a crash mid-batch redelivers only the event whose handler had not finished', async () => {
    await appendSampleEvents(store, 25);
    const victim = store.events[13];
    const first = recorder('mailer', (event, delivery) => {
      if (event.id === victim.id && delivery === 1) throw new Error('process dies here');
    });
    // A long backoff holds the failed event until the "kill".
    const a = consumer(first.handler, { retry: { ...fastRetry, initialDelayMs: 60_000, maxDelayMs: 60_000 } });
    await a.start();
    await until(() => first.delivered.includes(victim.id));
    await a.stop();
    expect(await storedPosition('mailer')).toBe(store.events[12].position);

    const second = recorder('mailer');
    const b = consumer(second.handler);
    await b.start();
    await b.waitUntilCaughtUp(store.events.at(-1)!.position);
    expect(first.delivered).toEqual(store.events.slice(0, 14).map((e) => e.id));
    expect(second.delivered).toEqual(store.events.slice(13).map((e) => e.id));
  });

  it('with checkpointPerBatch writes one checkpoint per batch, never ahead of a handler, and flushes on stop', async () => {
    await appendSampleEvents(store, 35);
    const writes: string[] = [];
    const execute = db.execute.bind(db);
    db.execute = async (sql, params) => {
      if (/consumer_checkpoints/.test(sql) && /^\s*(INSERT|UPDATE)/i.test(sql)) writes.push(sql);
      return execute(sql, params);
    };
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const r = recorder('batched', (event) => (event.id === store.events[23].id ? held : undefined));
    const c = consumer(r.handler, { checkpointPerBatch: true });
    await c.start();
    await until(() => r.delivered.length === 24);
    // Batches of 10: two written so far; the third batch's handled events wait for the end of the batch.
    expect(await storedPosition('batched')).toBe(store.events[19].position);
    release();
    await c.waitUntilCaughtUp(store.events.at(-1)!.position);
    expect(await storedPosition('batched')).toBe(store.events.at(-1)!.position);
    expect(r.delivered).toEqual(store.events.map((e) => e.id));
    expect(writes.length).toBeLessThanOrEqual(5);
  });

  it("with concurrency handles a batch's streams at once, each stream in log order, then checkpoints the batch", async () => {
    await appendSampleEvents(store, 40);
    const order: string[] = [];
    const r = recorder('lanes', (event) => {
      order.push(event.id);
    });
    const c = consumer(r.handler, { checkpointPerBatch: true, concurrency: 4 });
    await c.start();
    await c.waitUntilCaughtUp(store.events.at(-1)!.position);
    expect(r.maxInFlight()).toBe(4);
    expect(new Set(r.delivered)).toEqual(new Set(store.events.map((e) => e.id)));
    expect(r.delivered).toHaveLength(40);
    for (const stream of new Set(store.events.map((e) => e.stream))) {
      const inLog = store.events.filter((e) => e.stream === stream).map((e) => e.id);
      expect(order.filter((id) => inLog.includes(id))).toEqual(inLog);
    }
    await c.stop();
    expect(await storedPosition('lanes')).toBe(store.events.at(-1)!.position);
  });

  it('with concurrency, a stop in the middle of a batch checkpoints none of it; a restart delivers it again', async () => {
    await appendSampleEvents(store, 8);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // Event 1 is held; event 5 comes after it in the same stream, so the stop catches that lane unfinished.
    const first = recorder('restartable', (event) => (event.id === store.events[1].id ? held : undefined));
    const c = consumer(first.handler, { checkpointPerBatch: true, concurrency: 4 });
    await c.start();
    await until(() => first.delivered.includes(store.events[1].id));
    const stopped = c.stop();
    release();
    await stopped;
    expect(first.delivered).not.toContain(store.events[5].id);
    expect(await storedPosition('restartable')).toBeNull();
    const second = recorder('restartable');
    const again = consumer(second.handler, { checkpointPerBatch: true, concurrency: 4 });
    await again.start();
    await again.waitUntilCaughtUp(store.events.at(-1)!.position);
    // Everything the first instance had not finished, and possibly what it had: never less.
    const unfinished = store.events.map((e) => e.id).filter((id) => !first.delivered.includes(id));
    for (const id of [...unfinished, store.events[1].id]) expect(second.delivered).toContain(id);
  });

  it('with checkpointIntervalMs writes few checkpoints under a stream of events, and one soon after it goes quiet', async () => {
    const writes: string[] = [];
    const execute = db.execute.bind(db);
    db.execute = async (sql, params) => {
      if (/^\s*UPDATE consumer_checkpoints/i.test(sql)) writes.push(String(params?.[0]));
      return execute(sql, params);
    };
    const r = recorder('paced');
    const c = consumer(r.handler, { checkpointPerBatch: true, checkpointIntervalMs: 60_000 });
    await c.start();
    for (let i = 0; i < 10; i++) {
      await appendSampleEvents(store, 10, { offset: i * 10 });
      c.wake();
      await until(() => r.delivered.length === (i + 1) * 10);
    }
    // Ten busy batches, all handled (the position moves just after the batch's last handler returns), and the
    // interval never elapsed: nothing written yet.
    await until(() => c.status().position === store.events.at(-1)!.position);
    expect(writes).toEqual([]);
    await c.stop();
    expect(writes).toEqual([store.events.at(-1)!.position]);
    expect(await storedPosition('paced')).toBe(store.events.at(-1)!.position);

    const quick = consumer(recorder('quick').handler, { checkpointPerBatch: true, checkpointIntervalMs: 20 });
    await appendSampleEvents(store, 3, { offset: 100 });
    await quick.start();
    await quick.waitUntilCaughtUp(store.events.at(-1)!.position);
    // Quiet now: the write follows within about the interval, without a stop.
    const deadline = Date.now() + 5_000;
    while ((await storedPosition('quick')) !== store.events.at(-1)!.position && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await storedPosition('quick')).toBe(store.events.at(-1)!.position);
  });

  it('parks a poison event after its retries, continues, and replays it on demand', async () => {
    await appendSampleEvents(store, 12);
    const poison = store.events[5];
    let broken = true;
    const r = recorder('mailer', (event) => {
      if (event.id === poison.id && broken) throw new Error('smtp said 550');
    });
    const c = consumer(r.handler);
    await c.start();
    await appendSampleEvents(store, 3, { offset: 12 });
    await c.waitUntilCaughtUp(store.events.at(-1)!.position);

    expect(r.delivered.filter((id) => id === poison.id)).toHaveLength(3);
    expect(new Set(r.delivered)).toEqual(new Set(store.events.map((e) => e.id)));
    expect(c.status()).toMatchObject({ parked: 1, delivered: 14 });
    const [parked] = await c.listParked();
    expect(parked).toMatchObject({
      consumer: 'mailer',
      eventId: poison.id,
      stream: poison.stream,
      revision: poison.revision,
      position: poison.position,
      type: poison.type,
      reason: 'smtp said 550',
      attempts: 3,
    });
    expect(Date.parse(parked.parkedAt)).not.toBeNaN();

    expect(await c.replayParked()).toEqual([{ eventId: poison.id, outcome: 'failed', reason: 'smtp said 550' }]);
    expect((await c.listParked())[0].attempts).toBe(4);
    broken = false;
    expect(await c.replayParked(poison.id)).toEqual([{ eventId: poison.id, outcome: 'handled' }]);
    expect(await c.listParked()).toEqual([]);
    expect(await c.replayParked(poison.id)).toEqual([
      { eventId: poison.id, outcome: 'missing', reason: expect.stringContaining('no event') },
    ]);
  });

  it('skips what its filter excludes but still checkpoints past it', async () => {
    await appendSampleEvents(store, 20);
    const r = recorder('shipper');
    const c = consumer({ ...r.handler, filter: { eventTypes: ['OrderShipped'] } });
    await c.start();
    await c.waitUntilCaughtUp(store.events.at(-1)!.position);
    expect(r.delivered).toEqual(store.events.filter((e) => e.type === 'OrderShipped').map((e) => e.id));
    expect(await storedPosition('shipper')).toBe(store.events.at(-1)!.position);
  });

  it('steps back when another instance moved its checkpoint, instead of rewinding it', async () => {
    await appendSampleEvents(store, 10);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const stale = recorder('mailer', (event, delivery) =>
      event.id === store.events[4].id && delivery === 1 ? held : undefined,
    );
    const a = consumer(stale.handler);
    await a.start();
    await until(() => stale.delivered.length === 5);

    const fresh = recorder('mailer');
    const b = consumer(fresh.handler);
    await b.start();
    await b.waitUntilCaughtUp(store.events.at(-1)!.position);
    release();
    await until(() => a.status().state !== 'running');
    expect(a.status().state).toBe('superseded');
    expect(await storedPosition('mailer')).toBe(store.events.at(-1)!.position);
    expect(fresh.delivered).toEqual(store.events.slice(4).map((e) => e.id));
  });

  it('retries store outages without parking anything', async () => {
    await appendSampleEvents(store, 4);
    store.failReads = 2;
    const handle = jest.fn(async () => undefined);
    const c = consumer({ name: 'mailer', handle });
    await c.start();
    await c.waitUntilCaughtUp(store.events.at(-1)!.position);
    expect(handle).toHaveBeenCalledTimes(4);
    expect(await c.listParked()).toEqual([]);
  });

  describe('standby after standing down', () => {
    it('takes over once the active instance stops while events keep arriving, from the stored checkpoint', async () => {
      const { active, standby, standbyRecorder } = await activeAndStandby('mailer', {
        standbyCheckMs: 10,
        takeoverAfterMs: 50,
      });
      expect(standby.status()).toMatchObject({ state: 'superseded', standbySince: expect.any(String) });
      await active.stop();
      await appendSampleEvents(store, 5, { offset: 5 });

      await eventually('the standby takes over', () => standby.status().state === 'running');
      await standby.waitUntilCaughtUp(store.events.at(-1)!.position, { timeoutMs: 10_000 });
      // Before standing down it had delivered three; after the takeover exactly what the active instance left.
      expect(standbyRecorder.delivered.slice(3)).toEqual(store.events.slice(5).map((e) => e.id));
      expect(standby.status()).toMatchObject({ state: 'running', standbySince: null, lastError: null });
      // The catch-up wait may settle before the last write commits; stop() waits for it.
      await standby.stop();
      expect(await storedPosition('mailer')).toBe(store.events.at(-1)!.position);
    });

    it('never takes over while the active instance keeps moving the checkpoint through a backlog', async () => {
      // Slow handling keeps events waiting behind the checkpoint at every check; only its movement tells the
      // standby that the active instance is alive.
      const slow = () => new Promise<void>((resolve) => setTimeout(resolve, 3));
      const { active, standby, activeRecorder, standbyRecorder } = await activeAndStandby(
        'mailer',
        { standbyCheckMs: 10, takeoverAfterMs: 250 },
        slow,
      );
      const reads = countReads();
      for (let burst = 0; burst < 60; burst++) {
        await appendSampleEvents(store, 5, { offset: 5 + burst * 5 });
        active.wake();
        await new Promise((resolve) => setTimeout(resolve, 10));
        expect(standby.status().state).toBe('superseded');
      }
      await active.waitUntilCaughtUp(store.events.at(-1)!.position, { timeoutMs: 20_000 });
      expect(reads()).toBeGreaterThan(0);
      expect(standby.status().state).toBe('superseded');
      expect(standbyRecorder.delivered).toHaveLength(3);
      expect(activeRecorder.delivered).toEqual(store.events.slice(2).map((e) => e.id));
    });

    it('never takes over while nothing waits behind the checkpoint, even with no active instance left', async () => {
      const { active, standby, standbyRecorder } = await activeAndStandby('mailer', {
        standbyCheckMs: 5,
        takeoverAfterMs: 10,
      });
      await active.stop();
      const reads = countReads();
      // Many checks, each far past takeoverAfterMs since the checkpoint last moved.
      await eventually('the standby checks the log repeatedly', () => reads() >= 20);
      expect(standby.status()).toMatchObject({ state: 'superseded', standbySince: expect.any(String) });
      expect(standbyRecorder.delivered).toHaveLength(3);
    });

    it('stop() ends a standby without waiting for its next check', async () => {
      const { standby } = await activeAndStandby('mailer', { standbyCheckMs: 600_000, takeoverAfterMs: 0 });
      const reads = countReads();
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        standby.stop().then(() => 'stopped'),
        new Promise((resolve) => (timer = setTimeout(resolve, 10_000, 'still waiting'))),
      ]);
      clearTimeout(timer);
      expect(outcome).toBe('stopped');
      expect(reads()).toBe(0);
      expect(standby.status()).toMatchObject({ state: 'superseded', standbySince: null });
      await expect(standby.waitUntilCaughtUp()).rejects.toThrow('superseded');
    });

    it('start() on a standby ends its watch and runs from the stored checkpoint', async () => {
      const { active, standby, standbyRecorder } = await activeAndStandby('mailer', {
        standbyCheckMs: 600_000,
        takeoverAfterMs: 600_000,
      });
      await active.stop();
      await appendSampleEvents(store, 2, { offset: 5 });
      await standby.start();
      await standby.waitUntilCaughtUp(store.events.at(-1)!.position, { timeoutMs: 10_000 });
      expect(standbyRecorder.delivered.slice(3)).toEqual(store.events.slice(5).map((e) => e.id));
      expect(standby.status()).toMatchObject({ state: 'running', standbySince: null });
    });
  });
});
