import { deepFreeze } from '../../common/deep-freeze.js';
import { LruMap } from '../../common/lru-map.js';
import type { EventStore, RecordedEvent } from '../../event-store/event-store.port.js';
import { evolve } from '../domain/evolve.js';
import type { OrderKey } from '../domain/order-key.js';
import { orderStreamName } from '../domain/order-key.js';
import { initialState, type OrderState } from '../domain/order-state.js';
import { upcast } from '../domain/upcast.js';

/** Stored events carry their data shape version in metadata; the domain upcasts before folding. */
export function toStoredOrderEvent(event: RecordedEvent) {
  const version = event.metadata.schemaVersion;
  return { type: event.type, schemaVersion: typeof version === 'number' ? version : null, data: event.data };
}

/**
 * Reads an order stream and folds it into the domain state, optionally only up to a revision. Reads the whole stream
 * every time: for the hot paths use `OrderStreamReader`, which folds only what is new.
 */
export async function loadOrder(store: EventStore, key: OrderKey, upToRevision?: number): Promise<FoldedOrder> {
  const stream = orderStreamName(key);
  const all = await store.readStream(stream);
  return foldEvents(
    emptyOrder(stream),
    upToRevision === undefined ? all : all.filter((e) => e.revision <= upToRevision),
  );
}

/**
 * What the callers need from an order stream's events besides the folded state. Event metadata is not part of the
 * domain state, so the few values read from it are kept here instead of the events themselves.
 */
export interface OrderCorrelations {
  /** Correlation id of the `ActionRequested` that opened each attempt, by attempt key (the follow-up index's rows). */
  readonly actionRequested: ReadonlyMap<string, string | null>;
  /** Correlation id of the last `OrderImportFailed` (the import retry the sweeper sends continues its chain). */
  readonly lastImportFailure: string | null;
}

/** An order stream folded up to `revision`. Shared with the cache: frozen, never to be mutated. */
export interface FoldedOrder {
  readonly stream: string;
  readonly state: OrderState;
  /** Revision of the last event folded, or -1 for a stream that does not exist yet. */
  readonly revision: number;
  readonly correlations: OrderCorrelations;
}

export interface LoadOptions {
  /** The state at this revision (or the stream's end, if shorter) instead of the latest. */
  readonly upToRevision?: number;
  /**
   * A state at least this new is enough: served from the cache without reading the store when the cache already is.
   * Only for callers that need not see later events, such as a consumer handling the event at this revision (it
   * handles the later ones in turn). Never for deciding a command or calling a port.
   */
  readonly minRevision?: number;
}

export interface OrderStreamReaderOptions {
  /** Streams whose folded state is kept (least recently used dropped first). */
  readonly capacity?: number;
}

/**
 * Enough for the orders a busy import and its reactions touch at once (a paced import decides at most a few hundred
 * orders ahead of their stock and merchant order ids), while a backfill of tens of thousands of orders keeps a flat
 * memory (an entry is one order's state, a few kB). 5 000 measured no faster at 10 000 orders and held ≈ 40 MB more
 * of the engine's heap with the stream heads (`SqliteEventStore`) sized alike.
 */
export const DEFAULT_ORDER_STREAM_CACHE_CAPACITY = 1000;

const NO_CORRELATIONS: OrderCorrelations = Object.freeze({
  actionRequested: new Map<string, string | null>(),
  lastImportFailure: null,
});

/**
 * Folds order streams, keeping the folded state of the most recently used ones so that a load reads and parses only
 * the events appended since (one indexed read, usually returning nothing or the few events the last command added).
 *
 * The cache is only ever filled from what this reader read from the store, so it can be behind the store but never
 * ahead of it: whatever another process (or another reader) appended is picked up by the next tail read, and a
 * command decided on a state that was behind fails its expected-revision check as it would without the cache.
 */
export class OrderStreamReader {
  /** A load refreshes its stream's entry (remember), so the least recently loaded stream goes first. */
  private readonly entries: LruMap<string, FoldedOrder>;

  constructor(
    readonly store: EventStore,
    options: OrderStreamReaderOptions = {},
  ) {
    this.entries = new LruMap(options.capacity ?? DEFAULT_ORDER_STREAM_CACHE_CAPACITY);
  }

  /** Streams currently cached. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The order as the store has it now, or at `upToRevision` (a stream shorter than that reads to its end). The state
   * at a revision the cache is already past is folded again from the start; the cache keeps its newer entry.
   */
  load(key: OrderKey, options: LoadOptions = {}): Promise<FoldedOrder> {
    return this.loadStream(orderStreamName(key), options);
  }

  /** As `load`, for callers that only know the stream (events carrying no order key). */
  async loadStream(stream: string, options: LoadOptions = {}): Promise<FoldedOrder> {
    const upTo = options.upToRevision;
    if (upTo !== undefined && (!Number.isInteger(upTo) || upTo < -1))
      throw new RangeError('upToRevision must be an integer >= -1');
    let cached = this.entries.get(stream);
    if (cached && upTo === undefined && options.minRevision !== undefined && cached.revision >= options.minRevision)
      return this.remember(cached);
    if (cached && upTo !== undefined && cached.revision > upTo) cached = undefined;
    const base = cached ?? emptyOrder(stream);
    const from = base.revision + 1;
    const maxCount = upTo === undefined ? undefined : upTo - base.revision;
    if (maxCount === 0) return this.remember(base);
    let tail = await this.store.readStream(stream, {
      ...(from > 0 ? { fromRevision: from } : {}),
      ...(maxCount === undefined ? {} : { maxCount }),
    });
    let folded = base;
    if (!continues(base, tail)) {
      // Not the stream we folded (recreated under us, say a test wiping its database): fold it again from the start.
      this.entries.delete(stream);
      folded = emptyOrder(stream);
      tail = await this.store.readStream(stream, maxCount === undefined ? {} : { maxCount: upTo! + 1 });
    }
    return this.remember(foldEvents(folded, tail));
  }

  /**
   * The state at least at a delivered event (a consumer handling the event at this revision, as with `minRevision`).
   * When the cache holds the revision right before it, the event itself is folded on: it is the stored event, so the
   * cache stays never ahead of the store, and the read that `minRevision` would make is saved (on PostgreSQL, a round
   * trip per watched event). The first event of a stream folds on nothing. Otherwise it loads as `minRevision` does.
   */
  async loadAt(event: RecordedEvent): Promise<FoldedOrder> {
    const cached = this.entries.get(event.stream) ?? (event.revision === 0 ? emptyOrder(event.stream) : undefined);
    if (cached && cached.revision === event.revision - 1) return this.remember(foldEvents(cached, [event]));
    return this.loadStream(event.stream, { minRevision: event.revision });
  }

  /**
   * The cached state at exactly `revision` (the empty order at -1), or null when the cache holds another revision or
   * nothing: no read. A consumer asks for the state right before a delivered event, before `loadAt` moves past it.
   */
  cachedAt(stream: string, revision: number): FoldedOrder | null {
    if (revision === -1) return emptyOrder(stream);
    const cached = this.entries.get(stream);
    return cached && cached.revision === revision ? cached : null;
  }

  /**
   * Drops a stream's entry: its next load folds it again from the start. The executor does so on a revision conflict,
   * so that a cache that ever disagreed with the store cannot keep deciding commands.
   */
  forget(stream: string): void {
    this.entries.delete(stream);
  }

  /**
   * Keeps the newest of what was read of a stream (concurrent loads, a load at a past revision), and the entry count
   * within the capacity. Returns what the caller read, or the equal entry already cached.
   */
  private remember(folded: FoldedOrder): FoldedOrder {
    if (folded.revision < 0) return folded;
    const current = this.entries.get(folded.stream);
    const kept = current && current.revision >= folded.revision ? current : folded;
    this.entries.set(folded.stream, kept);
    return kept.revision === folded.revision ? kept : folded;
  }
}

function emptyOrder(stream: string): FoldedOrder {
  return { stream, state: initialState(), revision: -1, correlations: NO_CORRELATIONS };
}

/** The tail read starts right after what was folded, without a gap. */
function continues(base: FoldedOrder, tail: readonly RecordedEvent[]): boolean {
  return tail.every((recorded, index) => recorded.revision === base.revision + 1 + index);
}

/** Upcast and evolve exactly as `loadOrder` does; an event this version cannot read is skipped. */
function foldEvents(base: FoldedOrder, events: readonly RecordedEvent[]): FoldedOrder {
  if (events.length === 0) return base;
  let { state, correlations } = base;
  for (const recorded of events) {
    const event = upcast(toStoredOrderEvent(recorded));
    if (!event) continue;
    state = evolve(state, event);
    const correlation = correlationOf(recorded);
    if (event.type === 'ActionRequested') {
      const actionRequested = new Map(correlations.actionRequested);
      for (const action of event.data.actions) actionRequested.set(action.attemptKey, correlation);
      correlations = { ...correlations, actionRequested };
    } else if (event.type === 'OrderImportFailed') {
      correlations = { ...correlations, lastImportFailure: correlation };
    }
  }
  return deepFreeze({ stream: base.stream, state, revision: events[events.length - 1].revision, correlations });
}

function correlationOf(recorded: RecordedEvent): string | null {
  return typeof recorded.metadata.correlationId === 'string' ? recorded.metadata.correlationId : null;
}
