import { createHash } from 'node:crypto';
import type { ExpectedRevision } from '../event-store.port.js';
import type { PreparedAppend } from '../event-ids.js';
import { EXPECT_ANY, EXPECT_NO_STREAM, EXPECT_STREAM_EXISTS } from './postgres-event-store-schema.js';

/**
 * One row per append, in order, from a `checked` statement. `r_revision` is null when the single-stream statement
 * found the stream at another revision than expected (nothing inserted); `r_current` then holds the actual last
 * revision (null: no stream).
 */
export interface AppendRow {
  r_index: number;
  r_revision: number | null;
  r_xid: string | null;
  r_position: number | null;
  r_current?: number | null;
}

/** One row per inserted event, from a `direct` statement. */
export interface InsertedRow {
  r_stream: string;
  r_revision: number;
  r_xid: string;
  r_position: number;
}

export interface AppendStatement {
  /** Absent: an unnamed statement, parsed and planned at each call. */
  name?: string;
  text: string;
  values: unknown[];
  /**
   * `checked`: the statement reads and checks the expected revisions itself and returns one AppendRow per append.
   * `direct`: a plain INSERT that returns one InsertedRow per event; it inserts nothing, or fails with a unique
   * violation, when an expectation does not hold, and leaves it to the caller to find out which (see directAppend).
   */
  mode: 'checked' | 'direct';
}

/**
 * Larger batches take the array-parameter statements: keeps the direct statement's text and parameter count (4 per
 * event; the protocol allows 65 535) bounded.
 */
const MAX_DIRECT_EVENTS = 1000;
/** Direct statements are prepared (named) for the first shapes seen; later shapes run unnamed. */
const MAX_NAMED_SHAPES = 64;
const namedShapes = new Map<string, { name: string; text: string }>();

/**
 * The one statement that appends `appends`. Exported so that tests can run the adapter's exact append inside a
 * transaction they hold open.
 *
 * Appends that all expect `no_stream` or a revision number, to distinct streams (what commands do), go through a
 * `direct` multi-row INSERT (see directAppend). Others run as plain SQL that reads the last revision, checks it and
 * inserts, when there is one append (a third less server time than the es_append PL/pgSQL call), or through
 * es_append, which also handles one stream appearing twice in the batch.
 */
export function appendStatement(schema: string, appends: PreparedAppend[]): AppendStatement {
  if (directEligible(appends)) return directAppend(schema, appends);
  return appends.length === 1 ? singleAppend(schema, appends[0]) : multiAppend(schema, appends);
}

function directEligible(appends: PreparedAppend[]): boolean {
  const streams = new Set<string>();
  let events = 0;
  for (const append of appends) {
    if (append.expectedRevision !== 'no_stream' && typeof append.expectedRevision !== 'number') return false;
    if (streams.has(append.stream)) return false;
    streams.add(append.stream);
    events += append.events.length;
  }
  return events <= MAX_DIRECT_EVENTS;
}

/**
 * Inserts every event with its revision computed up front, as scalar parameters (array parameters cost node-postgres
 * an escape of every quote in the JSON text): streams start at revision 0 and are never deleted, so
 *
 * - `no_stream`: the events take revisions 0…n-1, and UNIQUE(stream, revision) refuses them if the stream exists;
 * - revision k: they take k+1…k+n, and are inserted only if revision k exists (a one-time filter over the whole
 *   statement: all or nothing); UNIQUE(stream, revision) refuses them if k+1 exists already.
 *
 * A concurrent writer taking the same revisions makes the later one wait on the unique index and fail once the first
 * commits. So the statement either inserts every event, inserts nothing, or fails with a unique violation (or a
 * deadlock between batches inserting into the same streams in opposite orders); in the latter two cases the caller
 * reads the streams' revisions to tell a wrong expectation from a transient conflict, after looking for a retry.
 *
 * Rows are inserted in the order given, so positions follow revisions within a stream and appends across streams.
 */
function directAppend(schema: string, appends: PreparedAppend[]): AppendStatement {
  const shape = appends.map((a) => `${a.expectedRevision === 'no_stream' ? 'n' : 'k'}${a.events.length}`).join(',');
  const values: unknown[] = [];
  for (const append of appends) {
    values.push(append.stream);
    if (append.expectedRevision !== 'no_stream') values.push(append.expectedRevision);
    for (const event of append.events) values.push(event.id, event.type, event.data, event.metadata);
  }
  const key = `${schema}:${shape}`;
  let named = namedShapes.get(key);
  if (!named && namedShapes.size < MAX_NAMED_SHAPES) {
    const digest = createHash('sha256').update(shape).digest('hex').slice(0, 16);
    named = { name: `es_insert_${digest}_${schema}`, text: directText(schema, appends) };
    namedShapes.set(key, named);
  }
  return named
    ? { name: named.name, text: named.text, values, mode: 'direct' }
    : { text: directText(schema, appends), values, mode: 'direct' };
}

/** The text depends only on the schema and the shape (expectation kind and event count of each append). */
function directText(schema: string, appends: PreparedAppend[]): string {
  const rows: string[] = [];
  const guards: string[] = [];
  let n = 0;
  for (const append of appends) {
    const stream = `$${++n}::text`;
    const expected = append.expectedRevision === 'no_stream' ? undefined : `$${++n}::bigint`;
    if (expected) {
      guards.push(`EXISTS (SELECT 1 FROM ${schema}.es_events WHERE stream = ${stream} AND revision = ${expected})`);
    }
    append.events.forEach((_, j) => {
      const revision = expected ? `${expected} + ${j + 1}` : `${j}`;
      rows.push(`($${++n}::uuid, ${stream}, ${revision}, $${++n}::text, $${++n}::json, $${++n}::json)`);
    });
  }
  const into = `INSERT INTO ${schema}.es_events (event_id, stream, revision, type, data, metadata)`;
  const returning =
    'RETURNING stream AS r_stream, revision AS r_revision, transaction_id::text AS r_xid, global_position AS r_position';
  return guards.length === 0
    ? `${into} VALUES ${rows.join(', ')} ${returning}`
    : `${into} SELECT * FROM (VALUES ${rows.join(', ')}) AS v WHERE ${guards.join(' AND ')} ${returning}`;
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
    mode: 'checked',
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
    mode: 'checked',
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
