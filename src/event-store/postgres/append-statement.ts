import type { ExpectedRevision } from '../event-store.port.js';
import type { PreparedAppend } from '../event-ids.js';
import { EXPECT_ANY, EXPECT_NO_STREAM, EXPECT_STREAM_EXISTS } from './postgres-event-store-schema.js';

/**
 * One row per append, in order. `r_revision` is null when the single-stream statement found the stream at another
 * revision than expected (nothing inserted); `r_current` then holds the actual last revision (null: no stream).
 */
export interface AppendRow {
  r_index: number;
  r_revision: number | null;
  r_xid: string | null;
  r_position: number | null;
  r_current?: number | null;
}

export interface AppendStatement {
  name: string;
  text: string;
  values: unknown[];
}

/**
 * The one statement that appends `appends`. Exported so that tests can run the adapter's exact append inside a
 * transaction they hold open.
 *
 * A single append (the common case: one command, one stream) runs as plain SQL: reading the last revision, checking
 * it and inserting in one statement costs about a third less server time than the es_append PL/pgSQL call. Several
 * appends go through es_append, which also handles one stream appearing twice in the batch.
 */
export function appendStatement(schema: string, appends: PreparedAppend[]): AppendStatement {
  return appends.length === 1 ? singleAppend(schema, appends[0]) : multiAppend(schema, appends);
}

function singleAppend(schema: string, append: PreparedAppend): AppendStatement {
  const ids: string[] = [];
  const types: string[] = [];
  const data: string[] = [];
  const metadata: string[] = [];
  for (const event of append.events) {
    ids.push(event.id);
    types.push(event.type);
    data.push(event.data);
    metadata.push(event.metadata);
  }
  return {
    name: `es_append_one_${schema}`,
    text: `
WITH last AS (
  SELECT (SELECT revision FROM ${schema}.es_events WHERE stream = $1 ORDER BY revision DESC LIMIT 1) AS rev
), inserted AS (
  INSERT INTO ${schema}.es_events (event_id, stream, revision, type, data, metadata)
  SELECT e.id, $1, coalesce(last.rev, -1) + e.ord, e.type, e.data, e.meta
    FROM last, unnest($3::uuid[], $4::text[], $5::json[], $6::json[]) WITH ORDINALITY AS e(id, type, data, meta, ord)
   WHERE $2::bigint = ${EXPECT_ANY}
      OR ($2::bigint = ${EXPECT_NO_STREAM} AND last.rev IS NULL)
      OR ($2::bigint = ${EXPECT_STREAM_EXISTS} AND last.rev IS NOT NULL)
      OR last.rev = $2::bigint
   ORDER BY e.ord
  RETURNING revision, global_position
)
SELECT 1 AS r_index, max(revision) AS r_revision, max(global_position) AS r_position,
       CASE WHEN count(*) > 0 THEN pg_current_xact_id()::text END AS r_xid,
       (SELECT rev FROM last) AS r_current
  FROM inserted`,
    values: [append.stream, encodeExpected(append.expectedRevision), ids, types, data, metadata],
  };
}

function multiAppend(schema: string, appends: PreparedAppend[]): AppendStatement {
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
