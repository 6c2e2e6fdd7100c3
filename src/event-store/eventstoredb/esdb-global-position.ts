import type { Position } from '@eventstore/db-client';
import type { GlobalPosition } from '../event-store.port.js';
import { InvalidEventStoreInput } from '../event-ids.js';

/**
 * `$all` positions are a (commit, prepare) pair of unsigned 64-bit integers. 2^64 - 1 has 20 decimal digits, so padding
 * both halves to 20 digits makes a plain string comparison order positions exactly like the pair does.
 */
const WIDTH = 20;
const MAX = 2n ** 64n - 1n;
const PATTERN = /^(\d{20}):(\d{20})$/;

/** Accepts what the client hands us at runtime: `bigint` by its types, but `number` has been seen from some servers. */
type Int64Like = bigint | number | string;

function invalid(position: unknown, reason: string): InvalidEventStoreInput {
  // Only a bounded excerpt: the value may come from an HTTP query string.
  return new InvalidEventStoreInput(
    `not an EventStoreDB global position ${JSON.stringify(String(position)).slice(0, 80)}: ${reason}`,
  );
}

function toUnsigned(value: Int64Like, part: string, whole: unknown): bigint {
  let big: bigint;
  try {
    big = BigInt(value);
  } catch {
    throw invalid(whole, `${part} is not an integer`);
  }
  if (big < 0n || big > MAX) throw invalid(whole, `${part} is outside 0..2^64-1`);
  return big;
}

/** `{ commit, prepare }` → `"<commit:20>:<prepare:20>"`. */
export function encodeEsdbPosition(position: { commit: Int64Like; prepare: Int64Like }): GlobalPosition {
  const commit = toUnsigned(position.commit, 'commit', position);
  const prepare = toUnsigned(position.prepare, 'prepare', position);
  return `${commit.toString().padStart(WIDTH, '0')}:${prepare.toString().padStart(WIDTH, '0')}`;
}

/** The inverse of {@link encodeEsdbPosition}; anything else throws InvalidEventStoreInput. */
export function decodeEsdbPosition(position: GlobalPosition): Position {
  const match = typeof position === 'string' ? PATTERN.exec(position) : null;
  if (!match) throw invalid(position, 'expected "<commit:20 digits>:<prepare:20 digits>"');
  const commit = toUnsigned(match[1]!, 'commit', position);
  const prepare = toUnsigned(match[2]!, 'prepare', position);
  return { commit, prepare };
}
