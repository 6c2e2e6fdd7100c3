import { PassThrough, Readable } from 'node:stream';
import {
  NO_STREAM,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type AppendResult,
  type EventData,
  type Filter,
  type Position,
  type ReadPosition,
  type ReadRevision,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import type { EsdbClient } from './eventstoredb-event-store.js';

interface StoredEvent {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  data: unknown;
  metadata: unknown;
  created: Date;
  position: Position;
}

export interface InMemoryEsdbOptions {
  /**
   * Model the server's id check for concrete expected revisions: re-appending the same ids at the same expected
   * revision succeeds without a position. Off, the conflict is reported instead — the worst case the adapter handles.
   */
  idempotent?: boolean;
}

interface LiveSubscription {
  stream: PassThrough;
  filter?: Filter;
  after: Position | null;
}

/**
 * A test double of an EventStoreDB server behind the `@eventstore/db-client` 6.2.1 API, for exercising the adapter on
 * machines without a server. It models what the adapter depends on, as documented for 6.2.1: 0-based revisions and
 * bigint everywhere, `WrongExpectedVersionError` on conflicts, `StreamNotFoundError` raised while iterating a missing
 * stream, `$all` reads inclusive of their start position, subscriptions exclusive of it, server-side subscription
 * filters, system events (`$…`) interleaved in `$all`, and events of one append sharing a commit position. It does not
 * deduplicate `any` appends (the server's best effort), which is the harder case for the adapter.
 * It is a model, not the server: the contract suite against a real server is the proof.
 */
export class InMemoryEsdbClient implements EsdbClient {
  readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly live = new Set<LiveSubscription>();
  private logPosition = 1_000n;
  private appends = 0;
  /** While set, every call fails as if the server were down. */
  unavailable = false;
  disposed = false;
  /** Every subscribeToAll call, for assertions on resume positions and filters. */
  readonly subscribeCalls: { fromPosition: ReadPosition | undefined; filter?: Filter }[] = [];
  /** Every readAll call, for assertions on how far a read reached. */
  readonly allReads: { fromPosition: ReadPosition | undefined; direction: string }[] = [];

  constructor(private readonly options: InMemoryEsdbOptions = {}) {
    this.writeSystemEvent();
  }

  appendToStream = async (
    streamName: string,
    events: EventData | EventData[],
    options: { expectedRevision?: AppendExpectedRevision } = {},
  ): Promise<AppendResult> => {
    await this.roundTrip();
    const batch = Array.isArray(events) ? events : [events];
    const existing = this.streams.get(streamName) ?? [];
    const current = existing.length === 0 ? NO_STREAM : BigInt(existing.length - 1);
    const expected = options.expectedRevision ?? 'any';
    const conflict =
      (expected === NO_STREAM && current !== NO_STREAM) ||
      (expected === STREAM_EXISTS && current === NO_STREAM) ||
      (typeof expected === 'bigint' && expected !== current);
    if (conflict) {
      if (this.options.idempotent && expected !== STREAM_EXISTS) {
        const start = expected === NO_STREAM ? 0 : Number(expected) + 1;
        const window = existing.slice(start, start + batch.length);
        if (window.length === batch.length && window.every((event, i) => event.id === batch[i]!.id)) {
          return { success: true, nextExpectedRevision: window[window.length - 1]!.revision, position: undefined };
        }
      }
      throw new WrongExpectedVersionError(undefined, { streamName, expected, current });
    }
    const commit = this.logPosition;
    const stored = batch.map((event, i) => {
      const record: StoredEvent = {
        streamId: streamName,
        id: event.id,
        revision: BigInt(existing.length + i),
        type: event.type,
        data: structuredClone(event.data),
        metadata: event.metadata === undefined ? undefined : structuredClone(event.metadata),
        created: new Date(),
        // Events of one append share the commit position; prepare is each event's own place in the log.
        position: { commit, prepare: this.logPosition },
      };
      this.logPosition += 137n;
      return record;
    });
    this.streams.set(streamName, [...existing, ...stored]);
    this.publish(stored);
    if (++this.appends % 5 === 0) this.writeSystemEvent();
    const last = stored[stored.length - 1]!;
    // The response position is that of the write, which for several events is not the last event's own position.
    return {
      success: true,
      nextExpectedRevision: last.revision,
      position: { commit, prepare: stored[0]!.position.prepare },
    };
  };

  readStream = <T>(
    streamName: string,
    options: { fromRevision?: ReadRevision; direction?: string; maxCount?: number | bigint } = {},
  ): StreamingRead<T> => streamingRead(this.streamEvents(streamName, options)) as StreamingRead<T>;

  readAll = (options: { fromPosition?: ReadPosition; maxCount?: number | bigint; direction?: string } = {}) =>
    streamingRead(this.allEvents(options));

  subscribeToAll = (
    options: { fromPosition?: ReadPosition; filter?: Filter } = {},
    readableOptions: { highWaterMark?: number } = {},
  ): AllStreamSubscription => {
    this.subscribeCalls.push({ fromPosition: options.fromPosition, filter: options.filter });
    const stream = new PassThrough({ objectMode: true, highWaterMark: readableOptions.highWaterMark });
    const from = options.fromPosition ?? 'start';
    const subscription: LiveSubscription = { stream, filter: options.filter, after: null };
    const unsubscribe = async () => {
      this.live.delete(subscription);
      stream.end();
    };
    Object.assign(stream, { unsubscribe });
    stream.on('close', () => this.live.delete(subscription));
    void (async () => {
      await this.roundTrip().catch((error: unknown) => stream.destroy(error as Error));
      if (stream.destroyed) return;
      // Catch-up (exclusive of the start position), then live: both happen synchronously, so nothing falls between.
      const start = from === 'start' ? null : from === 'end' ? (this.log.at(-1)?.position ?? null) : from;
      for (const event of this.log) {
        if (start !== null && compare(event.position, start) <= 0) continue;
        if (passes(event, options.filter)) stream.write(this.resolved(event));
      }
      subscription.after = this.log.at(-1)?.position ?? null;
      this.live.add(subscription);
    })();
    return stream as unknown as AllStreamSubscription;
  };

  dispose = async (): Promise<void> => {
    this.disposed = true;
    for (const subscription of this.live) subscription.stream.destroy(new UnavailableError());
    this.live.clear();
  };

  /** Drops every live subscription with an error, as a server restart or a slow-consumer drop does. */
  dropSubscriptions(error: Error = new UnavailableError()): void {
    for (const subscription of [...this.live]) subscription.stream.destroy(error);
    this.live.clear();
  }

  /** Ends every live subscription without an error, as a server closing the call would. */
  endSubscriptions(): void {
    for (const subscription of [...this.live]) subscription.stream.end();
    this.live.clear();
  }

  get liveSubscriptions(): number {
    return this.live.size;
  }

  private async *streamEvents(
    streamName: string,
    options: { fromRevision?: ReadRevision; direction?: string; maxCount?: number | bigint },
  ): AsyncGenerator<ResolvedEvent> {
    await this.roundTrip();
    const events = this.streams.get(streamName);
    // Like the client: a missing stream fails while iterating, not when the read is created.
    if (!events) throw new StreamNotFoundError(undefined, streamName);
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const from = options.fromRevision;
    let selected: StoredEvent[];
    if (options.direction === 'backwards') {
      const start = from === undefined || from === 'end' ? events.length - 1 : from === 'start' ? 0 : Number(from);
      selected = events.slice(0, Math.min(start, events.length - 1) + 1).reverse();
    } else {
      const start = from === undefined || from === 'start' ? 0 : from === 'end' ? events.length : Number(from);
      selected = events.slice(start);
    }
    for (const event of selected.slice(0, max)) yield this.resolved(event);
  }

  /**
   * Forwards, inclusive of the start position, as a $all read is; backwards (newest first, from `end` by default),
   * exclusive of it, as the server reads its log backwards from a position.
   */
  private async *allEvents(options: {
    fromPosition?: ReadPosition;
    maxCount?: number | bigint;
    direction?: string;
  }): AsyncGenerator<AllStreamResolvedEvent> {
    await this.roundTrip();
    this.allReads.push({ fromPosition: options.fromPosition, direction: options.direction ?? 'forwards' });
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    let selected: StoredEvent[];
    if (options.direction === 'backwards') {
      const from = options.fromPosition ?? 'end';
      selected = (
        from === 'end' ? this.log : from === 'start' ? [] : this.log.filter((e) => compare(e.position, from) < 0)
      )
        .slice()
        .reverse();
    } else {
      const from = options.fromPosition ?? 'start';
      selected =
        from === 'start' ? this.log : from === 'end' ? [] : this.log.filter((e) => compare(e.position, from) >= 0);
    }
    for (const event of selected.slice(0, max)) yield this.resolved(event);
  }

  /** Writes `count` events of the server's own (`$statsCollected`), as a server left idle does. */
  writeSystemEvents(count: number): void {
    for (let i = 0; i < count; i++) this.writeSystemEvent();
  }

  private writeSystemEvent(): void {
    const event: StoredEvent = {
      streamId: '$stats-127.0.0.1:2113',
      id: crypto.randomUUID(),
      revision: BigInt(this.log.filter((e) => e.streamId.startsWith('$stats')).length),
      type: '$statsCollected',
      data: { 'proc-cpu': 1 },
      metadata: undefined,
      created: new Date(),
      position: { commit: this.logPosition, prepare: this.logPosition },
    };
    this.logPosition += 137n;
    this.publish([event]);
  }

  private publish(events: StoredEvent[]): void {
    this.log.push(...events);
    for (const subscription of this.live) {
      for (const event of events)
        if (passes(event, subscription.filter)) subscription.stream.write(this.resolved(event));
    }
  }

  private resolved(event: StoredEvent): AllStreamResolvedEvent {
    return {
      event: {
        streamId: event.streamId,
        id: event.id,
        isJson: true,
        revision: event.revision,
        type: event.type,
        created: event.created,
        data: structuredClone(event.data),
        metadata: event.metadata === undefined ? undefined : structuredClone(event.metadata),
        position: event.position,
      },
      commitPosition: event.position.commit,
    } as AllStreamResolvedEvent;
  }

  private async roundTrip(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.unavailable || this.disposed) throw new UnavailableError();
  }
}

function compare(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

function passes(event: StoredEvent, filter: Filter | undefined): boolean {
  if (!filter) return true;
  const subject = filter.filterOn === 'streamName' ? event.streamId : event.type;
  if ('prefixes' in filter) return filter.prefixes.some((prefix) => subject.startsWith(prefix));
  return new RegExp(filter.regex).test(subject);
}

function streamingRead<T>(source: AsyncGenerator<T>): StreamingRead<T> {
  const readable = Readable.from(source, { objectMode: true });
  return Object.assign(readable, { cancel: async () => void readable.destroy() }) as unknown as StreamingRead<T>;
}
