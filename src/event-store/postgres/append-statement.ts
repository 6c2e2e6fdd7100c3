import type { ExpectedRevision } from '../event-store.port.js';
import type { PreparedAppend } from '../event-ids.js';
import { EXPECT_ANY, EXPECT_NO_STREAM, EXPECT_STREAM_EXISTS } from './postgres-event-store-schema.js';

/** Row returned by es_append, one per append, in order. */
export interface AppendRow {
  r_index: number;
  r_revision: number;
  r_xid: string;
  r_position: number;
}

/**
 * The single statement that appends `appends` (see es_append). Exported so that tests can run the adapter's exact
 * append inside a transaction they hold open.
 */
export function appendStatement(
  schema: string,
  appends: PreparedAppend[],
): { name: string; text: string; values: unknown[] } {
  const streams: string[] = [];
  const expected: number[] = [];
  const counts: number[] = [];
  const prev: number[] = [];
  const idx: number[] = [];
  const off: number[] = [];
  const ids: string[] = [];
  const types: string[] = [];
  const data: string[] = [];
  const metadata: string[] = [];
  const lastAppendOf = new Map<string, number>();
  appends.forEach((append, k) => {
    streams.push(append.stream);
    expected.push(encodeExpected(append.expectedRevision));
    counts.push(append.events.length);
    prev.push(lastAppendOf.get(append.stream) ?? 0);
    lastAppendOf.set(append.stream, k + 1);
    append.events.forEach((event, j) => {
      idx.push(k + 1);
      off.push(j);
      ids.push(event.id);
      types.push(event.type);
      data.push(event.data);
      metadata.push(event.metadata);
    });
  });
  return {
    // Named: pg prepares it once per connection and reuses the plan.
    name: `es_append_${schema}`,
    text:
      `SELECT r_index, r_revision, r_xid, r_position FROM ${schema}.es_append(` +
      '$1::text[], $2::bigint[], $3::int[], $4::int[], $5::int[], $6::int[], $7::uuid[], $8::text[], $9::json[], $10::json[])',
    values: [streams, expected, counts, prev, idx, off, ids, types, data, metadata],
  };
}

function encodeExpected(expected: ExpectedRevision): number {
  if (expected === 'no_stream') return EXPECT_NO_STREAM;
  if (expected === 'any') return EXPECT_ANY;
  if (expected === 'stream_exists') return EXPECT_STREAM_EXISTS;
  return expected;
}
