/**
 * The event store port. Every adapter (SQLite, PostgreSQL, EventStoreDB) implements it and passes
 * test/contract/event-store.contract.ts.
 *
 * Conventions that hold on every adapter:
 * - revisions are 0-based JS numbers (a stream never nears 2^53 events);
 * - global positions are opaque strings that sort in global commit order with a plain string comparison
 *   (adapters left-pad their numbers), so they can be stored as checkpoints and compared without knowing the adapter;
 * - `null` as a position means "before the first event".
 */

export type ExpectedRevision = 'no_stream' | 'any' | 'stream_exists' | number;

/** A position in the global log; compare with `<` / `>` on strings. */
export type GlobalPosition = string;

export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  /** Who caused it: `system`, `operator:<name>`, `api-key:<id>`… */
  actor?: string;
  [key: string]: unknown;
}

export interface EventToAppend {
  /** UUID. Deterministic ids make retried appends idempotent; a random one is assigned when absent. */
  id?: string;
  type: string;
  data: Record<string, unknown>;
  metadata?: EventMetadata;
}

export interface RecordedEvent {
  id: string;
  stream: string;
  revision: number;
  position: GlobalPosition;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  /** ISO 8601, UTC. */
  recordedAt: string;
}

export interface AppendOptions {
  expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  nextExpectedRevision: number;
  /** Position of the last appended event. */
  position: GlobalPosition;
}

export interface StreamAppend {
  stream: string;
  events: EventToAppend[];
  expectedRevision?: ExpectedRevision;
}

export interface ReadStreamOptions {
  fromRevision?: number;
  direction?: 'forwards' | 'backwards';
  maxCount?: number;
}

export interface EventFilter {
  streamPrefixes?: string[];
  eventTypes?: string[];
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. */
  fromPosition?: GlobalPosition | null;
  maxCount?: number;
  filter?: EventFilter;
}

export interface SubscribeOptions {
  /** Exclusive checkpoint; null = from the beginning. */
  from: GlobalPosition | null;
  filter?: EventFilter;
  /** Events fetched per catch-up read. */
  batchSize?: number;
  /** Ends the subscription (the iterator returns). */
  signal?: AbortSignal;
}

export interface EventStoreHealth {
  ok: boolean;
  adapter: 'sqlite' | 'postgres' | 'eventstoredb';
  details?: Record<string, unknown>;
}

export interface EventStore {
  readonly adapter: EventStoreHealth['adapter'];
  /** Atomic: all events or none. Re-appending the same event ids is a no-op returning the original result. */
  append(stream: string, events: EventToAppend[], options?: AppendOptions): Promise<AppendResult>;
  /**
   * Several streams at once. Atomic across streams where the adapter can (SQLite, PostgreSQL); EventStoreDB appends
   * one stream after another.
   */
  appendMany(appends: StreamAppend[]): Promise<AppendResult[]>;
  /** A missing stream reads as empty. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Global commit order; only events every reader can already see (no gap can later appear before them). */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * Where the log ends now: the position of the newest event a `readAll` from the start would return at this moment,
   * under the same visibility rules (null while it would return nothing). Never beyond what `readAll` returns, so a
   * reader that has read up to it has seen every event before it. Reads no event.
   */
  headPosition(): Promise<GlobalPosition | null>;
  /** Catch-up then live, in global order, with backpressure; resumes after dropped connections with backoff. */
  subscribe(options: SubscribeOptions): AsyncIterable<RecordedEvent>;
  health(): Promise<EventStoreHealth>;
  close(): Promise<void>;
}

/** Nest injection token for the configured adapter. */
export const EVENT_STORE = Symbol('EVENT_STORE');
