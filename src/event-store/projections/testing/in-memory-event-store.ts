import { randomUUID } from 'node:crypto';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  EventStoreHealth,
  EventToAppend,
  GlobalPosition,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeOptions,
} from '../../event-store.port.js';
import { WrongExpectedRevision } from '../../wrong-expected-revision.error.js';
import { matchesFilter } from '../matches-filter.js';

/**
 * TEST DOUBLE. An event store held in an array, for unit tests of the projection runner and consumers; it is not an
 * adapter and is never wired into the application. Positions are left-padded sequence numbers like the SQLite
 * adapter's. `failReads` lets a test simulate the store being unreachable.
 */
export class InMemoryEventStore implements EventStore {
  readonly adapter = 'sqlite' as const;
  readonly events: RecordedEvent[] = [];
  /** While > 0, each readAll call fails and decrements it. */
  failReads = 0;
  readAllCalls = 0;
  /** Awaited at the start of every readAll: lets a test hold the readers at a chosen moment. */
  beforeReadAll?: () => Promise<void>;

  async append(stream: string, events: EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    const [result] = await this.appendMany([{ stream, events, expectedRevision: options.expectedRevision }]);
    return result;
  }

  async appendMany(appends: StreamAppend[]): Promise<AppendResult[]> {
    for (const { stream, expectedRevision = 'any' } of appends) {
      const current = this.revisionOf(stream);
      const ok =
        expectedRevision === 'any' ||
        (expectedRevision === 'no_stream' && current === -1) ||
        (expectedRevision === 'stream_exists' && current >= 0) ||
        expectedRevision === current;
      if (!ok) throw new WrongExpectedRevision(stream, expectedRevision, current === -1 ? 'no_stream' : current);
    }
    return appends.map(({ stream, events }) => {
      for (const event of events) {
        const revision = this.revisionOf(stream) + 1;
        this.events.push({
          id: event.id ?? randomUUID(),
          stream,
          revision,
          position: String(this.events.length + 1).padStart(20, '0'),
          type: event.type,
          data: event.data,
          metadata: event.metadata ?? {},
          recordedAt: new Date().toISOString(),
        });
      }
      return { nextExpectedRevision: this.revisionOf(stream), position: this.events.at(-1)?.position ?? '' };
    });
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    let events = this.events.filter((event) => event.stream === stream);
    if (options.direction === 'backwards') events = events.reverse();
    if (options.fromRevision !== undefined) {
      const from = options.fromRevision;
      events = events.filter((event) =>
        options.direction === 'backwards' ? event.revision <= from : event.revision >= from,
      );
    }
    return events.slice(0, options.maxCount ?? events.length);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.readAllCalls++;
    await this.beforeReadAll?.();
    if (this.failReads > 0) {
      this.failReads--;
      throw new Error('simulated: event store unreachable');
    }
    const from = options.fromPosition ?? null;
    const events = this.events.filter(
      (event) => (from === null || event.position > from) && matchesFilter(options.filter, event),
    );
    return events.slice(0, options.maxCount ?? events.length);
  }

  async headPosition(): Promise<GlobalPosition | null> {
    return this.events.at(-1)?.position ?? null;
  }

  async *subscribe(options: SubscribeOptions): AsyncIterable<RecordedEvent> {
    let from = options.from;
    while (!options.signal?.aborted) {
      const batch = await this.readAll({
        fromPosition: from,
        maxCount: options.batchSize ?? 100,
        filter: options.filter,
      });
      for (const event of batch) {
        if (options.signal?.aborted) return;
        yield event;
        from = event.position;
      }
      if (batch.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async health(): Promise<EventStoreHealth> {
    return { ok: true, adapter: this.adapter };
  }

  async close(): Promise<void> {}

  private revisionOf(stream: string): number {
    let revision = -1;
    for (const event of this.events) if (event.stream === stream) revision = event.revision;
    return revision;
  }
}
