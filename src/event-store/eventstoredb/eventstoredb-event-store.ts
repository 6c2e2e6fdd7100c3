import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendResult as EsdbAppendResult,
  type ReadPosition,
  type ReadRevision,
  type ResolvedEvent,
} from '@eventstore/db-client';
import type { Logger } from '../../logging/logger.js';
import {
  InvalidEventStoreInput,
  prepareAppends,
  resolveRetry,
  type PreparedAppend,
  type StoredEventRef,
} from '../event-ids.js';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  EventStoreHealth,
  EventToAppend,
  ExpectedRevision,
  GlobalPosition,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeOptions,
} from '../event-store.port.js';
import { WrongExpectedRevision } from '../wrong-expected-revision.error.js';
import { abortableSleep } from './abortable-sleep.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff-delay.js';
import { decodeEsdbPosition, encodeEsdbPosition } from './esdb-global-position.js';
import { toEsdbMetadata } from './esdb-metadata.js';
import { fromEsdbCurrentRevision, fromEsdbRevision, toEsdbExpectedRevision } from './esdb-revision.js';
import { toEsdbSubscriptionFilter } from './esdb-subscription-filter.js';
import { matchesEventFilter } from './event-filter-match.js';
import { isEsdbStreamNotFound, isPermanentEsdbError, mapEsdbAppendError } from './map-esdb-error.js';
import { toRecordedEvent } from './to-recorded-event.js';
import { EsdbPositionMissing } from './esdb-position-missing.error.js';
import { validateEventStoreDbUrl } from './validate-eventstoredb-url.js';

/** The part of the client this adapter uses; tests hand in a fake with the same shape. */
export type EsdbClient = Pick<
  EventStoreDBClient,
  'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'dispose'
>;

export interface EventStoreDbEventStoreOptions {
  /** Use this client instead of connecting with the connection string (tests). The string is still validated. */
  client?: EsdbClient;
  /** Where dropped subscriptions are reported. Silent when absent. */
  logger?: Pick<Logger, 'warn'>;
  /** Resubscription backoff after a dropped subscription. */
  backoff?: BackoffOptions;
  /** How long `health()` waits for the server, ms. */
  healthTimeoutMs?: number;
}

/** Events fetched per `$all` page by `readAll`; the client has no server-side filter on reads, so we page and filter. */
const READ_ALL_PAGE = 500;

/**
 * The event store on EventStoreDB through `@eventstore/db-client` 6.2.1.
 *
 * What differs from the SQL adapters, and why:
 * - **appendMany is not atomic.** 6.2.1 has no multi-stream append (that arrived with KurrentDB 25.1 and the renamed
 *   client), so streams are appended one after another. Every expectation and id is checked against the server before
 *   the first write, so a stale revision or a clashing id fails the whole call with nothing written; but a concurrent
 *   writer slipping in between the check and the writes can still leave the first streams written and a later one
 *   refused. Each append carries its ids and expected revision, so retrying the whole call completes the rest and
 *   re-appends nothing.
 * - **Idempotent re-append relies on deterministic ids plus a concrete expected revision.** With a number or `no_stream`
 *   the server recognises the same ids at the expected place and returns the original result; when it reports a
 *   conflict instead, we read the events at that place and return the original result if they carry our ids. With
 *   `any` the server only does best effort (it remembers recent ids for a while), so we check the stream's tail first —
 *   which narrows, but cannot close, the window in which a concurrent writer makes a retried `any` append land twice.
 * - **Ids are checked only where a retry would have put them**, not across the store: EventStoreDB has no index by
 *   event id, so an id reused in another stream (or far back in the same one) is not detected, unlike on SQL adapters.
 * - Events are JSON; correlation/causation ids are stored as `$correlationId`/`$causationId` (see esdb-metadata.ts).
 */
export class EventStoreDbEventStore implements EventStore {
  readonly adapter = 'eventstoredb' as const;

  private readonly client: EsdbClient;
  private readonly logger?: Pick<Logger, 'warn'>;
  private readonly backoff: BackoffOptions;
  private readonly healthTimeoutMs: number;
  /** Aborted by close(): ends every open subscription before the client goes away. */
  private readonly closing = new AbortController();
  private closed = false;

  constructor(connectionString: string, options: EventStoreDbEventStoreOptions = {}) {
    const url = validateEventStoreDbUrl(connectionString);
    this.client = options.client ?? EventStoreDBClient.connectionString(url);
    this.logger = options.logger;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.healthTimeoutMs = options.healthTimeoutMs ?? 2_000;
  }

  async append(stream: string, events: EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    const [prepared] = prepareAppends([{ stream, events, expectedRevision: options.expectedRevision }]);
    const explicitIds = Array.isArray(events) && events.every((event) => event?.id !== undefined);
    return this.appendPrepared(prepared!, explicitIds);
  }

  async appendMany(appends: StreamAppend[]): Promise<AppendResult[]> {
    this.assertOpen();
    // Validate everything first, so bad input fails before the first stream is written.
    const prepared = prepareAppends(appends);
    const explicitIds = appends.map((append) => append.events.every((event) => event.id !== undefined));
    // Check every expectation before writing anything: a stale revision or a clashing id (the usual failures) then
    // leaves all streams untouched. Only a writer slipping in between the check and the write can still leave the call
    // half done — 6.2.1 has no multi-stream transaction to close that window.
    const firstOfStream = prepared.filter(
      (append, index) => prepared.findIndex((a) => a.stream === append.stream) === index,
    );
    await Promise.all(firstOfStream.map((append) => this.preflight(append, explicitIds[prepared.indexOf(append)]!)));
    const results: AppendResult[] = [];
    for (const [index, append] of prepared.entries()) {
      results.push(await this.appendPrepared(append, explicitIds[index]!));
    }
    return results;
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    checkStreamName(stream);
    const direction = options.direction ?? 'forwards';
    if (direction !== 'forwards' && direction !== 'backwards') {
      throw new InvalidEventStoreInput(`direction must be 'forwards' or 'backwards'`);
    }
    const maxCount = checkCount('maxCount', options.maxCount);
    if (maxCount === 0) return [];
    let fromRevision: ReadRevision = direction === 'forwards' ? START : END;
    if (options.fromRevision !== undefined) fromRevision = BigInt(checkCount('fromRevision', options.fromRevision)!);
    return this.readStreamRaw(stream, {
      fromRevision,
      direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
      maxCount: maxCount ?? Number.MAX_SAFE_INTEGER,
    });
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const maxCount = checkCount('maxCount', options.maxCount) ?? Number.POSITIVE_INFINITY;
    const results: RecordedEvent[] = [];
    if (maxCount === 0) return results;
    // `after` is exclusive; a $all read from a position includes the event at it, so every page drops what is <= after.
    let after: GlobalPosition | null = options.fromPosition ?? null;
    let from: ReadPosition = after === null ? START : decodeEsdbPosition(after);
    for (;;) {
      const pageSize = Math.min(READ_ALL_PAGE, Math.max(16, maxCount - results.length + 1));
      const page: AllStreamResolvedEvent[] = [];
      for await (const resolved of this.client.readAll({
        fromPosition: from,
        direction: FORWARDS,
        maxCount: pageSize,
      })) {
        page.push(resolved);
      }
      let last: GlobalPosition | null = null;
      for (const resolved of page) {
        const event = toRecordedEvent(resolved);
        if (!event) continue;
        last = event.position;
        if (after !== null && event.position <= after) continue;
        if (!matchesEventFilter(event, options.filter)) continue;
        results.push(event);
        if (results.length >= maxCount) return results;
      }
      // A short page is the end of the log. A page without a readable position cannot move the cursor: stop rather
      // than read it again forever.
      if (page.length < pageSize || last === null || (after !== null && last <= after)) return results;
      after = last;
      from = decodeEsdbPosition(last);
    }
  }

  /**
   * The newest event of `$all` that readAll returns: `$all` read backwards from its end, skipping the server's own
   * events as readAll does, page after page while a page holds nothing else.
   */
  async headPosition(): Promise<GlobalPosition | null> {
    this.assertOpen();
    // Exclusive: a page from a position may or may not include the event at it, so every page drops what is >= before.
    let before: GlobalPosition | null = null;
    let from: ReadPosition = END;
    for (;;) {
      let read = 0;
      let oldest: GlobalPosition | null = null;
      for await (const resolved of this.client.readAll({
        fromPosition: from,
        direction: BACKWARDS,
        maxCount: READ_ALL_PAGE,
      })) {
        read++;
        const event = toRecordedEvent(resolved);
        if (!event) continue;
        if (before !== null && event.position >= before) continue;
        // Leaving the loop cancels the rest of the read.
        if (matchesEventFilter(event, undefined)) return event.position;
        oldest = event.position;
      }
      // A short page is the start of the log. A page without a readable position cannot move the cursor: stop rather
      // than read it again forever.
      if (read < READ_ALL_PAGE || oldest === null) return null;
      before = oldest;
      from = decodeEsdbPosition(oldest);
    }
  }

  subscribe(options: SubscribeOptions): AsyncIterable<RecordedEvent> {
    return { [Symbol.asyncIterator]: () => this.subscription(options) };
  }

  async health(): Promise<EventStoreHealth> {
    if (this.closed) return { ok: false, adapter: this.adapter, details: { error: 'closed' } };
    const started = Date.now();
    const read = this.client.readAll({ maxCount: 1, direction: FORWARDS, deadline: this.healthTimeoutMs });
    let timer: NodeJS.Timeout | undefined;
    try {
      const ping = (async () => {
        for await (const _ of read) void _;
      })();
      // The gRPC deadline only starts once a channel exists; this bounds discovery and connection too.
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${this.healthTimeoutMs} ms`)),
          this.healthTimeoutMs + 250,
        );
      });
      await Promise.race([ping, timeout]);
      return { ok: true, adapter: this.adapter, details: { latencyMs: Date.now() - started } };
    } catch (error) {
      read.destroy();
      // The error type and message only: client errors name hosts and streams, never the connection string.
      return { ok: false, adapter: this.adapter, details: { error: describeError(error) } };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the EventStoreDB event store is closed');
  }

  /**
   * Throws what appending `append` now would throw — WrongExpectedRevision or EventIdConflict — without writing,
   * unless it is a retry of an append already done (which appending again turns into a no-op).
   */
  private async preflight(append: PreparedAppend, explicitIds: boolean): Promise<void> {
    const expected = append.expectedRevision;
    if (explicitIds && (await this.findEarlierAppend(append))) return;
    if (expected === 'any') return;
    const [last] = await this.readStreamRaw(append.stream, { fromRevision: END, direction: BACKWARDS, maxCount: 1 });
    const actual = last ? last.revision : 'no_stream';
    const holds =
      expected === 'no_stream'
        ? actual === 'no_stream'
        : expected === 'stream_exists'
          ? actual !== 'no_stream'
          : actual === expected;
    if (!holds) throw new WrongExpectedRevision(append.stream, expected, actual);
  }

  private async appendPrepared(append: PreparedAppend, explicitIds: boolean): Promise<AppendResult> {
    this.assertOpen();
    const { stream, expectedRevision } = append;
    if (explicitIds && expectedRevision === 'any') {
      const earlier = await this.findEarlierAppend(append);
      if (earlier) return earlier;
    }
    try {
      const result = await this.client.appendToStream(
        stream,
        append.events.map((event) =>
          jsonEvent({
            id: event.id,
            type: event.type,
            data: JSON.parse(event.data) as Record<string, unknown>,
            metadata: toEsdbMetadata(JSON.parse(event.metadata) as Record<string, unknown>),
          }),
        ),
        { expectedRevision: toEsdbExpectedRevision(expectedRevision) },
      );
      if (!result.success) {
        // Only when `throwOnAppendFailure=false`, which the URL validation refuses; kept so a conflict is never a success.
        throw new WrongExpectedRevision(stream, expectedRevision, fromEsdbCurrentRevision(result.nextExpectedRevision));
      }
      return await this.toAppendResult(stream, append.events.length, result);
    } catch (error) {
      const mapped = mapEsdbAppendError(error, stream, expectedRevision);
      if (mapped instanceof WrongExpectedRevision && explicitIds) {
        const earlier = await this.findEarlierAppend(append);
        if (earlier) return earlier;
      }
      throw mapped;
    }
  }

  /**
   * The result of an earlier append of the same ids, if they sit where that append would have put them: right after
   * the expected revision, or — for `any`/`stream_exists`, whose place is unknown — at the end of the stream.
   * Throws EventIdConflict when only some of the ids are there, or in another order.
   */
  private async findEarlierAppend(append: PreparedAppend): Promise<AppendResult | undefined> {
    const count = append.events.length;
    const expected: ExpectedRevision = append.expectedRevision;
    const window =
      typeof expected === 'number' || expected === 'no_stream'
        ? await this.readStreamRaw(append.stream, {
            fromRevision: BigInt(expected === 'no_stream' ? 0 : expected + 1),
            direction: FORWARDS,
            maxCount: count,
          })
        : (
            await this.readStreamRaw(append.stream, { fromRevision: END, direction: BACKWARDS, maxCount: count })
          ).reverse();
    const stored = new Map<string, StoredEventRef>(
      window.map((event) => [
        event.id,
        { id: event.id, stream: event.stream, revision: event.revision, position: event.position },
      ]),
    );
    return resolveRetry(append, stored);
  }

  private async toAppendResult(stream: string, count: number, result: EsdbAppendResult): Promise<AppendResult> {
    const nextExpectedRevision = fromEsdbRevision(result.nextExpectedRevision);
    // For one event the write's position is the event's. For several, the server reports the position of the write,
    // which need not be the last event's own position (events of one write share a commit position), and a write the
    // server recognised as a retry reports none (or -1, arriving as 2^64-1 through the unsigned protobuf field, or no
    // position at all before 22.6). In those cases the last event itself says where it is.
    if (
      count === 1 &&
      result.position &&
      isLogPosition(result.position.commit) &&
      isLogPosition(result.position.prepare)
    ) {
      return { nextExpectedRevision, position: encodeEsdbPosition(result.position) };
    }
    const [last] = await this.readStreamRaw(stream, {
      fromRevision: BigInt(nextExpectedRevision),
      direction: FORWARDS,
      maxCount: 1,
    });
    if (!last)
      throw new Error(`stream ${stream}: appended event at revision ${nextExpectedRevision} cannot be read back`);
    return { nextExpectedRevision, position: last.position };
  }

  private async readStreamRaw(
    stream: string,
    options: { fromRevision: ReadRevision; direction: typeof FORWARDS | typeof BACKWARDS; maxCount: number },
  ): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(stream, options)) {
        const event = toRecordedEvent(resolved as ResolvedEvent);
        if (event) events.push(event);
      }
    } catch (error) {
      // The client reports a missing stream while iterating, not when the read starts.
      if (isEsdbStreamNotFound(error)) return [];
      throw error;
    }
    return events;
  }

  /**
   * Catch-up then live via `subscribeToAll`, resumed from the caller's checkpoint (exclusive, never from END).
   * Consumed with `for await`, so a slow consumer slows the gRPC stream instead of piling events up in memory.
   * A dropped subscription (server restart, leader change, slow-consumer drop, network) is resubscribed from the last
   * position seen, with exponential backoff, for as long as it takes; only the caller's signal, close(), breaking out
   * of the loop, or an error that no retry can fix (access denied, invalid request) ends it.
   */
  private async *subscription(options: SubscribeOptions): AsyncGenerator<RecordedEvent> {
    this.assertOpen();
    let checkpoint: GlobalPosition | null = options.from ?? null;
    // Bad input fails here, on the first next(), not on a later reconnect.
    if (checkpoint !== null) decodeEsdbPosition(checkpoint);
    // The client's stream buffers this many events before gRPC flow control holds the server back.
    const highWaterMark = Math.max(1, checkCount('batchSize', options.batchSize) ?? 16);
    const stop = new AbortController();
    const abort = () => stop.abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    this.closing.signal.addEventListener('abort', abort, { once: true });
    if (options.signal?.aborted || this.closing.signal.aborted) stop.abort();
    let attempt = 0;
    try {
      while (!stop.signal.aborted) {
        const subscription = this.client.subscribeToAll(
          {
            fromPosition: checkpoint === null ? START : decodeEsdbPosition(checkpoint),
            filter: toEsdbSubscriptionFilter(options.filter),
          },
          { highWaterMark },
        );
        const end = () => endSubscription(subscription);
        stop.signal.addEventListener('abort', end, { once: true });
        try {
          for await (const resolved of subscription) {
            const event = toRecordedEvent(resolved);
            if (!event) continue;
            // Positions are exclusive on subscribe; the check only guards against a server that thinks otherwise.
            if (checkpoint !== null && event.position <= checkpoint) continue;
            // Advanced for skipped events too: a resubscription need not rescan them.
            checkpoint = event.position;
            attempt = 0;
            if (!matchesEventFilter(event, options.filter)) continue;
            yield event;
            if (stop.signal.aborted) return;
          }
          if (stop.signal.aborted) return;
          this.logger?.warn({ checkpoint }, 'EventStoreDB subscription ended by the server; resubscribing');
        } catch (error) {
          if (stop.signal.aborted) return;
          // Retrying cannot fix a refused request, a checkpoint we cannot read, or a server too old to report positions.
          if (
            isPermanentEsdbError(error) ||
            error instanceof InvalidEventStoreInput ||
            error instanceof EsdbPositionMissing
          ) {
            throw error;
          }
          this.logger?.warn(
            { checkpoint, attempt, error: describeError(error) },
            'EventStoreDB subscription dropped; resubscribing',
          );
        } finally {
          stop.signal.removeEventListener('abort', end);
          endSubscription(subscription);
        }
        await abortableSleep(backoffDelay(attempt++, this.backoff), stop.signal);
      }
    } finally {
      options.signal?.removeEventListener('abort', abort);
      this.closing.signal.removeEventListener('abort', abort);
    }
  }
}

/**
 * Ends our side at once (the `for await` finishes) and cancels the gRPC call in the background: `unsubscribe()` waits
 * for the call to exist, which can take as long as discovery when the server is down.
 */
function endSubscription(subscription: AllStreamSubscription): void {
  if (!subscription.destroyed) subscription.destroy();
  subscription.unsubscribe().catch(() => undefined);
}

/** The server's log positions are signed 64-bit; anything at or above 2^63 is a "no position" marker. */
function isLogPosition(value: bigint | number): boolean {
  const big = BigInt(value);
  return big >= 0n && big < 2n ** 63n;
}

function checkStreamName(stream: unknown): asserts stream is string {
  if (typeof stream !== 'string' || stream.length === 0)
    throw new InvalidEventStoreInput('stream name must be a non-empty string');
}

function checkCount(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidEventStoreInput(`${name} must be an integer >= 0`);
  }
  return value;
}

function describeError(error: unknown): string {
  // The client's errors keep the name "Error"; their class says what happened.
  if (error instanceof Error) return `${error.constructor.name}: ${error.message}`.slice(0, 300);
  return String(error).slice(0, 300);
}
