import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { AccessDeniedError, END, START } from '@eventstore/db-client';
import { InvalidEventStoreInput } from '../event-ids.js';
import type { EventToAppend, RecordedEvent, SubscribeOptions } from '../event-store.port.js';
import { WrongExpectedRevision } from '../wrong-expected-revision.error.js';
import { decodeEsdbPosition } from './esdb-global-position.js';
import { EventStoreDbEventStore } from './eventstoredb-event-store.js';
import { InMemoryEsdbClient } from './in-memory-esdb-client.js';
import { InvalidEventStoreDbUrl } from './invalid-eventstoredb-url.error.js';

/*
 * The adapter against InMemoryEsdbClient, a model of the server behind the client API (no EventStoreDB runs on these
 * machines), plus the real client against a closed port. The shared contract against a real server lives in
 * test/contract/eventstoredb-event-store.spec.ts and runs where EVENTSTOREDB_URL is set.
 */

const URL = 'esdb://eventstoredb:2113?tls=false';
const fastBackoff = { initialMs: 5, maxMs: 40, factor: 2 };

function setup(options: { idempotent?: boolean } = {}) {
  const client = new InMemoryEsdbClient(options);
  const warnings: unknown[] = [];
  const store = new EventStoreDbEventStore(URL, {
    client,
    backoff: fastBackoff,
    logger: { warn: (...args: unknown[]) => void warnings.push(args) } as never,
  });
  return { client, store, warnings };
}

const event = (type: string, extra: Partial<EventToAppend> = {}): EventToAppend => ({
  id: randomUUID(),
  type,
  data: { type },
  ...extra,
});

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Consumes a subscription in the background, collecting events, until `stop` or the iterator ends. */
function consume(store: EventStoreDbEventStore, options: Omit<SubscribeOptions, 'signal'>) {
  const controller = new AbortController();
  const received: RecordedEvent[] = [];
  const done = (async () => {
    for await (const e of store.subscribe({ ...options, signal: controller.signal })) received.push(e);
  })();
  return { received, done, abort: () => controller.abort() };
}

describe('EventStoreDbEventStore construction', () => {
  it('refuses a connection string with another scheme, with a typed error', () => {
    expect(() => new EventStoreDbEventStore('postgres://postgres@localhost:5432/db')).toThrow(InvalidEventStoreDbUrl);
    expect(() => new EventStoreDbEventStore('')).toThrow(InvalidEventStoreDbUrl);
  });

  it('creates the real client lazily: no server is contacted until the first call', async () => {
    const store = new EventStoreDbEventStore('esdb://node1:2113,node2:2113,node3:2113?tls=false');
    expect(store.adapter).toBe('eventstoredb');
    await store.close();
    await store.close(); // idempotent
  });
});

describe('EventStoreDbEventStore appends', () => {
  it('stores JSON events with the ids given, lower-cased, and $correlationId/$causationId metadata', async () => {
    const { client, store } = setup();
    const id = randomUUID().toUpperCase();
    await store.append('order-a-1', [
      event('OrderImported', { id, metadata: { correlationId: 'c-1', causationId: 'x', actor: 'system' } }),
    ]);
    const stored = client.log.find((e) => e.streamId === 'order-a-1')!;
    expect(stored.id).toBe(id.toLowerCase());
    expect(stored.metadata).toEqual({ $correlationId: 'c-1', $causationId: 'x', actor: 'system' });
    const [read] = await store.readStream('order-a-1');
    expect(read!.metadata).toEqual({ correlationId: 'c-1', causationId: 'x', actor: 'system' });
  });

  it('returns the position of the last event of a multi-event append, not the position of the write', async () => {
    const { store } = setup();
    const result = await store.append('order-a-1', [event('A'), event('B'), event('C')]);
    const events = await store.readStream('order-a-1');
    expect(result).toEqual({ nextExpectedRevision: 2, position: events[2]!.position });
    // the events of one write share a commit position and still sort in order
    expect(new Set(events.map((e) => decodeEsdbPosition(e.position).commit)).size).toBe(1);
    expect(events[0]!.position < events[1]!.position && events[1]!.position < events[2]!.position).toBe(true);
  });

  it.each([false, true])(
    'returns the original result on retry whether or not the server recognises it (server dedup %s)',
    async (idempotent) => {
      const { client, store } = setup({ idempotent });
      await store.append('order-a-1', [event('A')], { expectedRevision: 'no_stream' });
      const retried = [event('B'), event('C')];
      const original = await store.append('order-a-1', retried, { expectedRevision: 0 });
      await store.append('order-a-1', [event('D')], { expectedRevision: 2 });
      expect(await store.append('order-a-1', retried, { expectedRevision: 0 })).toEqual(original);
      expect(client.log.filter((e) => e.streamId === 'order-a-1')).toHaveLength(4);
    },
  );

  it('recognises a retried `any` append at the tail although the server would store it again', async () => {
    const { client, store } = setup(); // the model never deduplicates `any`, the server's worst case
    const retried = [event('A'), event('B')];
    const original = await store.append('order-a-1', retried);
    expect(await store.append('order-a-1', retried, { expectedRevision: 'any' })).toEqual(original);
    expect(client.log.filter((e) => e.streamId === 'order-a-1')).toHaveLength(2);
  });

  it('refuses an append that repeats only some ids at the tail with EventIdConflict', async () => {
    const { client, store } = setup();
    const [a, b] = [event('A'), event('B')];
    await store.append('order-a-1', [a, b]);
    await expect(store.append('order-a-1', [b, event('C')])).rejects.toMatchObject({ code: 'EVENT_ID_CONFLICT' });
    expect(client.log.filter((e) => e.streamId === 'order-a-1')).toHaveLength(2);
  });

  it('still reports a genuine conflict with the actual revision when the ids are not at the expected place', async () => {
    const { store } = setup();
    await store.append('order-a-1', [event('A'), event('B')]);
    const error = await store.append('order-a-1', [event('X')], { expectedRevision: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedRevision);
    expect(error).toMatchObject({ expected: 0, actual: 1 });
  });

  it('appendMany checks every expectation before writing, so a stale one leaves earlier streams untouched', async () => {
    const { client, store } = setup();
    await store.append('order-b', [event('A'), event('B')]);
    const before = client.log.length;
    const error = await store
      .appendMany([
        { stream: 'order-a', events: [event('X')], expectedRevision: 'no_stream' },
        { stream: 'order-b', events: [event('Y')], expectedRevision: 0 },
      ])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'WrongExpectedRevision', stream: 'order-b', expected: 0, actual: 1 });
    expect(client.log.length).toBe(before);
  });

  it('appendMany accepts a second append to the same stream expecting the first one', async () => {
    const { store } = setup();
    const results = await store.appendMany([
      { stream: 'order-a', events: [event('A')], expectedRevision: 'no_stream' },
      { stream: 'order-a', events: [event('B')], expectedRevision: 0 },
    ]);
    expect(results.map((r) => r.nextExpectedRevision)).toEqual([0, 1]);
  });

  it('refuses to work after close', async () => {
    const { client, store } = setup();
    await store.close();
    expect(client.disposed).toBe(true);
    await expect(store.append('s', [event('A')])).rejects.toThrow(/closed/);
    await expect(store.readStream('s')).rejects.toThrow(/closed/);
  });
});

describe('EventStoreDbEventStore reads', () => {
  it('readAll skips the server’s own events and pages through more than one $all page', async () => {
    const { client, store } = setup();
    for (let i = 0; i < 12; i++)
      await store.append(
        `order-${i}`,
        Array.from({ length: 100 }, (_, n) => event(`E${i}-${n}`)),
      );
    expect(client.log.some((e) => e.type.startsWith('$'))).toBe(true);
    const all = await store.readAll();
    expect(all).toHaveLength(1200);
    expect(all.some((e) => e.type.startsWith('$'))).toBe(false);
    expect(all.every((e, i) => i === 0 || all[i - 1]!.position < e.position)).toBe(true);
    // exclusive start, across a page boundary, with a count
    const after = await store.readAll({ fromPosition: all[499]!.position, maxCount: 3 });
    expect(after.map((e) => e.id)).toEqual(all.slice(500, 503).map((e) => e.id));
  });

  it('readAll from the last position is empty, and refuses positions of other adapters', async () => {
    const { store } = setup();
    const { position } = await store.append('order-a', [event('A')]);
    expect(await store.readAll({ fromPosition: position })).toEqual([]);
    await expect(store.readAll({ fromPosition: '00000000000000000042' })).rejects.toBeInstanceOf(
      InvalidEventStoreInput,
    );
  });

  it('readStream maps revisions to numbers and reads a missing stream as empty', async () => {
    const { store } = setup();
    await store.append('order-a', [event('A'), event('B')]);
    const events = await store.readStream('order-a', { direction: 'backwards' });
    expect(events.map((e) => e.revision)).toEqual([1, 0]);
    expect(typeof events[0]!.revision).toBe('number');
    expect(await store.readStream('order-missing')).toEqual([]);
  });
});

describe('EventStoreDbEventStore head position', () => {
  it('is null while $all holds only the server’s own events', async () => {
    const { client, store } = setup();
    expect(client.log.length).toBeGreaterThan(0);
    expect(await store.readAll()).toEqual([]);
    expect(await store.headPosition()).toBeNull();
    client.writeSystemEvents(1200);
    expect(await store.headPosition()).toBeNull();
  });

  it('is the position of the last event readAll returns, the last of a multi-event append included', async () => {
    const { client, store } = setup();
    await store.append('order-a', [event('A')]);
    const appended = await store.append('order-b', [event('B'), event('C'), event('D')]);
    const all = await store.readAll();
    expect(await store.headPosition()).toBe(all.at(-1)!.position);
    expect(all.at(-1)!.position).toBe(appended.position);
    expect(client.allReads.at(-1)).toEqual({ fromPosition: END, direction: 'backwards' });
  });

  it('skips the server’s own events after the last one of ours, however many pages they take', async () => {
    const { client, store } = setup();
    const { position } = await store.append('order-a', [event('A')]);
    client.writeSystemEvents(1200);
    const reads = client.allReads.length;
    expect(await store.headPosition()).toBe(position);
    // Backwards pages of 500 from the end: the first two hold only the server's events.
    expect(client.allReads.slice(reads).map((read) => read.direction)).toEqual(['backwards', 'backwards', 'backwards']);
    expect((await store.readAll()).at(-1)!.position).toBe(position);
  });

  it('refuses once closed', async () => {
    const { store } = setup();
    await store.close();
    await expect(store.headPosition()).rejects.toThrow(/closed/);
  });
});

describe('EventStoreDbEventStore subscribe', () => {
  it('resumes from our checkpoint, decoded, never from END, with a server-side stream filter', async () => {
    const { client, store } = setup();
    const first = await store.append('order-a', [event('A')]);
    await store.append('order-a', [event('B')]);
    const sub = consume(store, { from: first.position, filter: { streamPrefixes: ['order-'] } });
    await until(() => sub.received.length === 1, 'one event');
    sub.abort();
    await sub.done;
    expect(sub.received.map((e) => e.type)).toEqual(['B']);
    expect(client.subscribeCalls[0]!.fromPosition).toEqual(decodeEsdbPosition(first.position));
    expect(client.subscribeCalls[0]!.filter).toMatchObject({ filterOn: 'streamName', prefixes: ['order-'] });
    expect(client.subscribeCalls.some((call) => call.fromPosition === END)).toBe(false);
  });

  it('starts from the beginning for a null checkpoint, excluding system events server-side', async () => {
    const { client, store } = setup();
    await store.append('order-a', [event('A')]);
    const sub = consume(store, { from: null });
    await until(() => sub.received.length === 1, 'one event');
    sub.abort();
    await sub.done;
    expect(client.subscribeCalls[0]!.fromPosition).toBe(START);
    expect(client.subscribeCalls[0]!.filter).toMatchObject({ filterOn: 'eventType' });
  });

  it('resubscribes after drops from the last position seen: nothing lost, nothing repeated', async () => {
    const { client, store, warnings } = setup();
    const sub = consume(store, { from: null, filter: { streamPrefixes: ['order-'] } });
    const live = () => until(() => client.liveSubscriptions === 1, 'a live subscription');
    for (let i = 0; i < 30; i++) {
      await store.append(`order-${i % 4}`, [event(`E${i}`)]);
      if (i % 7 === 3) await live().then(() => client.dropSubscriptions());
      if (i === 20) await live().then(() => client.endSubscriptions());
    }
    await until(() => sub.received.length === 30, '30 events');
    sub.abort();
    await sub.done;
    expect(sub.received.map((e) => e.type)).toEqual(Array.from({ length: 30 }, (_, i) => `E${i}`));
    expect(client.subscribeCalls.length).toBeGreaterThanOrEqual(6); // 4 drops + 1 end + the first
    // every resubscription resumes from a concrete position, never START again and never END
    for (const call of client.subscribeCalls.slice(1)) expect(typeof call.fromPosition).toBe('object');
    expect(warnings.length).toBeGreaterThan(0);
  });

  it('keeps retrying while the server is down and carries on when it is back', async () => {
    const { client, store } = setup();
    await store.append('order-a', [event('A')]);
    const sub = consume(store, { from: null });
    await until(() => sub.received.length === 1, 'first event');
    client.unavailable = true;
    client.dropSubscriptions();
    const callsBefore = client.subscribeCalls.length;
    await until(() => client.subscribeCalls.length >= callsBefore + 4, 'several reconnection attempts');
    client.unavailable = false;
    await store.append('order-a', [event('B')]);
    await until(() => sub.received.length === 2, 'the event written after the outage');
    sub.abort();
    await sub.done;
    expect(sub.received.map((e) => e.type)).toEqual(['A', 'B']);
  });

  it('ends promptly when aborted during a backoff wait', async () => {
    const client = new InMemoryEsdbClient();
    const store = new EventStoreDbEventStore(URL, { client, backoff: { initialMs: 60_000, maxMs: 60_000, factor: 1 } });
    client.unavailable = true;
    const sub = consume(store, { from: null });
    await until(() => client.subscribeCalls.length === 1, 'first attempt');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = Date.now();
    sub.abort();
    await sub.done;
    // The backoff is a minute: anything near that would be the wait, not a loaded machine.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('gives up with the error when the server refuses the subscription itself', async () => {
    const { client, store } = setup();
    await store.append('order-a', [event('A')]);
    const sub = consume(store, { from: null });
    await until(() => sub.received.length === 1, 'first event');
    client.dropSubscriptions(new AccessDeniedError());
    await expect(sub.done).rejects.toBeInstanceOf(AccessDeniedError);
  });

  it('unsubscribes when the consumer leaves the loop', async () => {
    const { client, store } = setup();
    await store.append('order-a', [event('A'), event('B')]);
    for await (const e of store.subscribe({ from: null })) {
      expect(e.type).toBe('A');
      break;
    }
    await until(() => client.liveSubscriptions === 0, 'the server-side subscription to end');
  });

  it('close() ends open subscriptions', async () => {
    const { store } = setup();
    const sub = consume(store, { from: null });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await store.close();
    await sub.done;
  });

  it('refuses a checkpoint it cannot read on the first next(), not on a later reconnect', async () => {
    const { store } = setup();
    const iterator = store.subscribe({ from: 'not-a-position' })[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toBeInstanceOf(InvalidEventStoreInput);
    const badBatch = store.subscribe({ from: null, batchSize: -5 })[Symbol.asyncIterator]();
    await expect(badBatch.next()).rejects.toBeInstanceOf(InvalidEventStoreInput);
  });
});

describe('EventStoreDbEventStore health', () => {
  it('reports ok when the server answers', async () => {
    const { store } = setup();
    expect(await store.health()).toMatchObject({ ok: true, adapter: 'eventstoredb' });
  });

  it('reports not ok, without throwing, when the server is down or the store is closed', async () => {
    const { client, store } = setup();
    client.unavailable = true;
    expect(await store.health()).toMatchObject({
      ok: false,
      details: { error: expect.stringContaining('UnavailableError') },
    });
    await store.close();
    expect(await store.health()).toMatchObject({ ok: false });
  });
});

describe('EventStoreDbEventStore with the real client and no server', () => {
  let port: number;
  beforeAll(async () => {
    // A port that was free a moment ago: connections to it are refused.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
    await new Promise((resolve) => server.close(resolve));
  });

  it('health reports the outage with the client error and no credentials', async () => {
    const store = new EventStoreDbEventStore(`esdb://admin:pw-secret-123@127.0.0.1:${port}?tls=false`, {
      healthTimeoutMs: 2_000,
    });
    try {
      const health = await store.health();
      expect(health.ok).toBe(false);
      expect(JSON.stringify(health)).not.toContain('pw-secret-123');
      expect(health.details?.error).toMatch(/Unavailable|UNAVAILABLE|no answer/);
    } finally {
      await store.close();
    }
  });

  it('reads fail with an error rather than hanging', async () => {
    const store = new EventStoreDbEventStore(`esdb://127.0.0.1:${port}?tls=false`);
    try {
      await expect(store.readStream('order-a')).rejects.toThrow(/UNAVAILABLE/);
    } finally {
      await store.close();
    }
  });

  it('a subscription treats the refused connection as transient and keeps retrying until aborted', async () => {
    const warnings: unknown[][] = [];
    const store = new EventStoreDbEventStore(`esdb://127.0.0.1:${port}?tls=false`, {
      backoff: fastBackoff,
      logger: { warn: (...args: unknown[]) => void warnings.push(args) } as never,
    });
    const sub = consume(store, { from: null });
    try {
      await until(() => warnings.length >= 3, 'three reconnection attempts', 10_000);
      let ended = false;
      void sub.done.finally(() => (ended = true));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(ended).toBe(false);
    } finally {
      sub.abort();
      await sub.done;
      await store.close();
    }
    expect(sub.received).toEqual([]);
  });
});
