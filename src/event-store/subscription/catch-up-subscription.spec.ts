import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { EventFilter, GlobalPosition, RecordedEvent } from '../event-store.port.js';
import { InvalidEventStoreInput } from '../event-ids.js';
import { catchUpSubscription, type SubscriptionSource } from './catch-up-subscription.js';
import { Doorbell } from './doorbell.js';

/** An in-memory log with positions "001", "002"…, whose reads can be made to fail. */
class FakeSource implements SubscriptionSource {
  readonly doorbell = new Doorbell();
  readonly events: RecordedEvent[] = [];
  reads: Array<{ from: GlobalPosition | null; maxCount: number }> = [];
  failures: unknown[] = [];
  opened = 0;
  closed = 0;

  add(count: number): void {
    for (let i = 0; i < count; i++) {
      const n = this.events.length + 1;
      this.events.push({
        id: `id-${n}`,
        stream: 's',
        revision: n - 1,
        position: String(n).padStart(3, '0'),
        type: 'T',
        data: { n },
        metadata: {},
        recordedAt: new Date(0).toISOString(),
      });
    }
    this.doorbell.ring();
  }

  async read(
    from: GlobalPosition | null,
    maxCount: number,
    _filter: EventFilter | undefined,
  ): Promise<RecordedEvent[]> {
    this.reads.push({ from, maxCount });
    const failure = this.failures.shift();
    if (failure) throw failure;
    return this.events.filter((e) => from === null || e.position > from).slice(0, maxCount);
  }

  open(): void {
    this.opened++;
  }

  close(): void {
    this.closed++;
  }
}

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, destination), lines };
}

describe('catchUpSubscription', () => {
  it('reads the next batch only when the consumer has taken the previous one (backpressure)', async () => {
    const source = new FakeSource();
    source.add(10);
    const iterator = catchUpSubscription(source, { from: null, batchSize: 3, pollIntervalMs: 10_000 })[
      Symbol.asyncIterator
    ]();
    expect((await iterator.next()).value?.position).toBe('001');
    expect(source.reads).toHaveLength(1);
    await iterator.next();
    await iterator.next();
    expect(source.reads).toHaveLength(1);
    expect((await iterator.next()).value?.position).toBe('004');
    expect(source.reads).toEqual([
      { from: null, maxCount: 3 },
      { from: '003', maxCount: 3 },
    ]);
    await iterator.return?.();
    expect(source.closed).toBe(1);
  });

  it('goes live: a ring wakes it long before the poll interval', async () => {
    const source = new FakeSource();
    source.add(1);
    const controller = new AbortController();
    const got: string[] = [];
    const done = (async () => {
      for await (const e of catchUpSubscription(source, {
        from: null,
        pollIntervalMs: 60_000,
        signal: controller.signal,
      })) {
        got.push(e.position);
        if (got.length === 3) break;
      }
    })();
    await until(() => got.length === 1);
    source.add(2);
    await done;
    expect(got).toEqual(['001', '002', '003']);
    expect(source.opened).toBe(1);
    expect(source.closed).toBe(1);
  });

  it('polls when nobody rings (appends from another process)', async () => {
    const source = new FakeSource();
    const controller = new AbortController();
    const got: string[] = [];
    const done = (async () => {
      for await (const e of catchUpSubscription(source, {
        from: null,
        pollIntervalMs: 20,
        signal: controller.signal,
      })) {
        got.push(e.position);
        if (got.length === 2) break;
      }
    })();
    await until(() => source.reads.length >= 1);
    source.events.push(...[1, 2].map((n) => ({ ...fakeEvent(n) })));
    await done;
    expect(got).toEqual(['001', '002']);
  });

  it('resumes after failed reads with exponential backoff, without losing or repeating events', async () => {
    const source = new FakeSource();
    source.add(4);
    const { logger, lines } = capturingLogger();
    const got: string[] = [];
    const iterator = catchUpSubscription(source, {
      from: null,
      batchSize: 2,
      pollIntervalMs: 10_000,
      backoff: { initialMs: 2, maxMs: 8 },
      logger,
    })[Symbol.asyncIterator]();
    got.push((await iterator.next()).value!.position, (await iterator.next()).value!.position);
    const dropped = Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
    source.failures.push(dropped, dropped, dropped, dropped, dropped);
    got.push((await iterator.next()).value!.position, (await iterator.next()).value!.position);
    await iterator.return?.();
    expect(got).toEqual(['001', '002', '003', '004']);
    expect(lines.map((line) => line.retryInMs)).toEqual([2, 4, 8, 8, 8]);
    expect(lines.map((line) => line.attempt)).toEqual([1, 2, 3, 4, 5]);
    // Every retry read from the same checkpoint.
    expect(source.reads.slice(1).map((r) => r.from)).toEqual(['002', '002', '002', '002', '002', '002']);
  });

  it('rethrows invalid input instead of retrying it forever', async () => {
    const source = new FakeSource();
    source.failures.push(new InvalidEventStoreInput('not a position'));
    const iterator = catchUpSubscription(source, { from: 'garbage', pollIntervalMs: 10 })[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toBeInstanceOf(InvalidEventStoreInput);
    expect(source.closed).toBe(1);
  });

  it('ends when its signal aborts during a backoff pause or a live wait', async () => {
    for (const failing of [true, false]) {
      const source = new FakeSource();
      if (failing) source.failures.push(...Array.from({ length: 100 }, () => new Error('down')));
      const controller = new AbortController();
      const iterator = catchUpSubscription(source, {
        from: null,
        pollIntervalMs: 60_000,
        backoff: { initialMs: 60_000, maxMs: 60_000 },
        signal: controller.signal,
      })[Symbol.asyncIterator]();
      const next = iterator.next();
      await until(() => source.reads.length === 1);
      controller.abort();
      expect(await next).toEqual({ done: true, value: undefined });
      expect(source.closed).toBe(1);
    }
  });

  it('ends when the store closes', async () => {
    const source = new FakeSource();
    const store = new AbortController();
    const iterator = catchUpSubscription(source, { from: null, pollIntervalMs: 60_000, storeSignal: store.signal })[
      Symbol.asyncIterator
    ]();
    const next = iterator.next();
    await until(() => source.reads.length === 1);
    store.abort();
    expect((await next).done).toBe(true);
  });

  it('never hands out an event at or before its checkpoint, whatever the source returns', async () => {
    const source = new FakeSource();
    source.add(3);
    const original = source.read.bind(source);
    source.read = async (from, maxCount, filter) => [
      ...source.events.slice(0, 1),
      ...(await original(from, maxCount, filter)),
    ];
    const iterator = catchUpSubscription(source, { from: '001', batchSize: 10, pollIntervalMs: 10_000 })[
      Symbol.asyncIterator
    ]();
    expect((await iterator.next()).value?.position).toBe('002');
    expect((await iterator.next()).value?.position).toBe('003');
    await iterator.return?.();
  });

  it('refuses a batch size of 0 and malformed checkpoints', () => {
    const source = new FakeSource();
    expect(() => catchUpSubscription(source, { from: null, batchSize: 0, pollIntervalMs: 10 })).toThrow(
      InvalidEventStoreInput,
    );
    expect(() => catchUpSubscription(source, { from: 42 as unknown as string, pollIntervalMs: 10 })).toThrow(
      InvalidEventStoreInput,
    );
  });
});

function fakeEvent(n: number): RecordedEvent {
  return {
    id: `id-${n}`,
    stream: 's',
    revision: n - 1,
    position: String(n).padStart(3, '0'),
    type: 'T',
    data: {},
    metadata: {},
    recordedAt: new Date(0).toISOString(),
  };
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
