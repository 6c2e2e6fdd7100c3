import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  type AppendExpectedRevision,
  type CurrentRevision,
} from '@eventstore/db-client';
import type { ExpectedRevision } from '../event-store.port.js';
import { InvalidEventStoreInput } from '../event-ids.js';

/**
 * Our expected revision → the client's. The string constants happen to share spelling, but we map explicitly so a
 * client rename (Kurrent 1.x calls them stream states) breaks here and nowhere else.
 */
export function toEsdbExpectedRevision(expected: ExpectedRevision | undefined): AppendExpectedRevision {
  switch (expected) {
    case undefined:
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      if (typeof expected !== 'number' || !Number.isSafeInteger(expected) || expected < 0) {
        throw new InvalidEventStoreInput(
          `expected revision must be 'any', 'no_stream', 'stream_exists' or an integer >= 0, got ${String(expected)}`,
        );
      }
      return BigInt(expected);
  }
}

/** A stream revision as a JS number. Streams never approach 2^53 events, and the port promises numbers. */
export function fromEsdbRevision(revision: bigint | number): number {
  const value = Number(revision);
  if (!Number.isSafeInteger(value)) throw new RangeError(`stream revision ${String(revision)} is not a safe integer`);
  return value;
}

/** The current revision reported by a concurrency error; the client uses `no_stream` (or -1 when not throwing). */
export function fromEsdbCurrentRevision(current: CurrentRevision | number): number | 'no_stream' {
  if (current === NO_STREAM) return 'no_stream';
  const value = fromEsdbRevision(current);
  return value < 0 ? 'no_stream' : value;
}
