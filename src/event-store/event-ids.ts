import { randomUUID } from 'node:crypto';
import { nameBasedUuid } from '../common/name-based-uuid.js';
import type { AppendResult, EventMetadata, EventToAppend, ExpectedRevision, StreamAppend } from './event-store.port.js';

/*
 * Event ids, and the validation every adapter runs on an append before touching its database, so that all of them
 * accept and refuse the same input.
 *
 * The two error classes below are shared by the adapters; they live here because this is the one shared file of the
 * event-store adapters (they would sit better in their own files next to wrong-expected-revision.error.ts).
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Namespace of the ids made by `deterministicEventId`; fixed forever, or retried commands would stop deduplicating. */
const eventIdUuid = nameBasedUuid('6f1d8a52-3c4e-5b7a-9d0e-2a4b6c8d0e1f');

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Longest stream name / event type accepted; keeps index entries small on every adapter. */
export const MAX_NAME_LENGTH = 512;

export function newEventId(): string {
  return randomUUID();
}

/**
 * A UUIDv5 derived from its parts (e.g. command id + event index): a retried command yields the same event ids, so its
 * append is recognised as already done instead of being stored twice.
 */
export function deterministicEventId(...parts: (string | number)[]): string {
  return eventIdUuid(parts.map(String).join('\u001f'));
}

export function isEventId(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * Thrown when an append's event ids are already stored but the append is not an exact retry of an earlier one: only
 * some ids are known, or they are stored in another stream or in another order. Nothing of the append is stored.
 */
export class EventIdConflict extends Error {
  readonly code = 'EVENT_ID_CONFLICT';

  constructor(
    readonly stream: string,
    /** The ids of this append that are already stored. */
    readonly storedIds: string[],
    readonly reason: string,
  ) {
    super(`stream ${stream}: ${reason} (${storedIds.length} event id(s) already stored); nothing appended`);
    this.name = 'EventIdConflict';
  }
}

/** An argument the event store cannot accept (malformed id, stream name, position, option or non-JSON data). */
export class InvalidEventStoreInput extends Error {
  readonly code = 'INVALID_EVENT_STORE_INPUT';

  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventStoreInput';
  }
}

/** One event ready for storage: id assigned and lower-cased, data and metadata serialised once. */
export interface PreparedEvent {
  id: string;
  type: string;
  data: string;
  metadata: string;
  /** The event as the caller handed it, which a store may give its readers instead of parsing `data` back. */
  source: EventToAppend;
}

export interface PreparedAppend {
  stream: string;
  expectedRevision: ExpectedRevision;
  events: PreparedEvent[];
}

/** Validates and serialises appends; throws InvalidEventStoreInput before anything reaches the database. */
export function prepareAppends(appends: StreamAppend[]): PreparedAppend[] {
  // An empty batch is a valid no-op (nothing to check, nothing to store); an append without events is not.
  if (!Array.isArray(appends)) throw new InvalidEventStoreInput('appendMany needs an array of appends');
  const seen = new Set<string>();
  return appends.map((append) => {
    const stream = append?.stream;
    checkName('stream name', stream);
    const expectedRevision = append.expectedRevision ?? 'any';
    checkExpectedRevision(stream, expectedRevision);
    if (!Array.isArray(append.events) || append.events.length === 0) {
      throw new InvalidEventStoreInput(`stream ${stream}: an append needs at least one event`);
    }
    const events = append.events.map((event, index) => {
      if (event === null || typeof event !== 'object')
        throw new InvalidEventStoreInput(`stream ${stream}: event ${index} is not an object`);
      const id = event.id === undefined ? newEventId() : event.id;
      if (!isEventId(id))
        throw new InvalidEventStoreInput(`stream ${stream}: event ${index} has an id that is not a UUID`);
      const normalised = id.toLowerCase();
      if (seen.has(normalised))
        throw new InvalidEventStoreInput(`stream ${stream}: event id ${normalised} appears twice in one append`);
      seen.add(normalised);
      checkName(`event ${index} type`, event.type);
      return {
        id: normalised,
        type: event.type,
        data: serialise(stream, index, 'data', event.data),
        metadata: serialise(stream, index, 'metadata', event.metadata ?? {}),
        source: event,
      };
    });
    return { stream, expectedRevision, events };
  });
}

function checkName(what: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0)
    throw new InvalidEventStoreInput(`${what} must be a non-empty string`);
  if (value.length > MAX_NAME_LENGTH)
    throw new InvalidEventStoreInput(`${what} is longer than ${MAX_NAME_LENGTH} characters`);
  // PostgreSQL text cannot hold NUL, and a lone surrogate would be silently replaced when encoded to UTF-8: reject both
  // on every adapter so that a name valid on one is valid on all.
  if (value.includes('\u0000')) throw new InvalidEventStoreInput(`${what} contains a NUL character`);
  if (LONE_SURROGATE.test(value)) throw new InvalidEventStoreInput(`${what} contains a lone UTF-16 surrogate`);
}

function checkExpectedRevision(stream: string, expected: unknown): void {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return;
  throw new InvalidEventStoreInput(`stream ${stream}: invalid expected revision ${String(expected)}`);
}

function serialise(stream: string, index: number, what: 'data' | 'metadata', value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidEventStoreInput(`stream ${stream}: event ${index} ${what} must be a JSON object`);
  }
  try {
    return JSON.stringify(value);
  } catch (error) {
    // The cause names the offending construct (BigInt, cycle) without echoing the values.
    throw new InvalidEventStoreInput(
      `stream ${stream}: event ${index} ${what} is not JSON-serialisable: ${(error as Error).message}`,
    );
  }
}

/** Where an event id is stored. */
export interface StoredEventRef {
  id: string;
  stream: string;
  revision: number;
  position: string;
}

/**
 * Decides what an append whose ids may already be stored means: undefined when none is stored (append it), the
 * original result when all are stored in this stream in the same order (an exact retry), EventIdConflict otherwise.
 */
export function resolveRetry(append: PreparedAppend, stored: Map<string, StoredEventRef>): AppendResult | undefined {
  const found = append.events.map((event) => stored.get(event.id));
  const known = found.filter((ref): ref is StoredEventRef => ref !== undefined);
  if (known.length === 0) return undefined;
  const ids = known.map((ref) => ref.id);
  if (known.length < found.length) {
    throw new EventIdConflict(append.stream, ids, 'some event ids of this append are already stored, others are not');
  }
  if (known.some((ref) => ref.stream !== append.stream)) {
    throw new EventIdConflict(append.stream, ids, 'event ids already stored in another stream');
  }
  for (let i = 1; i < known.length; i++) {
    if (known[i].revision !== known[i - 1].revision + 1) {
      throw new EventIdConflict(append.stream, ids, 'event ids already stored in a different order');
    }
  }
  const last = known[known.length - 1];
  return { nextExpectedRevision: last.revision, position: last.position };
}

/** Metadata as read back; tolerant of rows written by hand with a JSON null. */
export function metadataOf(value: unknown): EventMetadata {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as EventMetadata) : {};
}

/** A non-negative integer option (maxCount, fromRevision, batchSize), or undefined when absent. */
export function checkCount(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new InvalidEventStoreInput(`${name} must be a non-negative integer`);
}

/** Validates a read filter's shape; returns undefined for an absent or empty filter. */
export function checkFilter(filter: unknown): { streamPrefixes: string[]; eventTypes: string[] } | undefined {
  if (filter === undefined || filter === null) return undefined;
  if (typeof filter !== 'object') throw new InvalidEventStoreInput('filter must be an object');
  const { streamPrefixes = [], eventTypes = [] } = filter as { streamPrefixes?: unknown; eventTypes?: unknown };
  for (const [name, list] of [
    ['streamPrefixes', streamPrefixes],
    ['eventTypes', eventTypes],
  ] as const) {
    if (!Array.isArray(list) || list.some((item) => typeof item !== 'string' || item.includes('\u0000'))) {
      throw new InvalidEventStoreInput(`filter.${name} must be an array of strings`);
    }
  }
  const result = { streamPrefixes: streamPrefixes as string[], eventTypes: eventTypes as string[] };
  return result.streamPrefixes.length === 0 && result.eventTypes.length === 0 ? undefined : result;
}
