/**
 * DDL of the PostgreSQL event store, by schema. Table changes are numbered migrations recorded in
 * es_schema_migrations (append new ones, never edit an applied one); the append function is recreated on every init so
 * it always matches the code that calls it.
 *
 * - `transaction_id xid8` stamps each row with its writer's transaction: readers only take rows of transactions older
 *   than the oldest one still running (`pg_snapshot_xmin`), so no row can later appear before what they have read.
 * - `data`/`metadata` are `json`, not `jsonb`: json keeps the exact text (jsonb rejects `\u0000` and lone surrogates,
 *   which JSON.stringify can produce) and is cheaper to insert.
 */
export function migrations(schema: string): string[] {
  return [
    `CREATE TABLE ${schema}.es_events (
       global_position bigserial   PRIMARY KEY,
       transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
       event_id        uuid        NOT NULL,
       stream          text        NOT NULL,
       revision        bigint      NOT NULL,
       type            text        NOT NULL,
       data            json        NOT NULL,
       metadata        json        NOT NULL,
       recorded_at     timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT es_events_event_id_key UNIQUE (event_id),
       CONSTRAINT es_events_stream_revision_key UNIQUE (stream, revision)
     );
     CREATE INDEX es_events_commit_order ON ${schema}.es_events (transaction_id, global_position);`,
  ];
}

/** SQLSTATE raised by es_append when a stream is not at the expected revision; DETAIL = `<append index>:<actual>`. */
export const WRONG_REVISION_SQLSTATE = 'ES409';

/** Expected-revision kinds as es_append receives them (numbers ≥ 0 are revisions). */
export const EXPECT_NO_STREAM = -1;
export const EXPECT_ANY = -2;
export const EXPECT_STREAM_EXISTS = -3;

/**
 * One call appends to one or many streams in a single round trip: read every stream's last revision in one query,
 * check every expected revision, then insert all events with one multi-row INSERT from unnest'ed arrays, in the order
 * given (so positions follow that order). Used for batches the direct INSERT does not take (see append-statement.ts).
 *
 * Per append: p_streams, p_expected, p_counts, p_prev (1-based index of an earlier append to the same stream in this
 * call, 0 if none: its events are not visible to a SELECT yet, so its last revision is carried over). Per event:
 * p_idx (1-based append index), p_off (offset in its append), p_ids, p_types, p_data, p_metadata.
 *
 * Concurrent writers both passing the check collide on UNIQUE(stream, revision); the caller retries, and the retry
 * sees the winner's row and reports a wrong expected revision. No EXCEPTION block: it would open a subtransaction per
 * call.
 */
export function appendFunction(schema: string): string {
  return `
CREATE OR REPLACE FUNCTION ${schema}.es_append(
  p_streams text[], p_expected bigint[], p_counts int[], p_prev int[],
  p_idx int[], p_off int[], p_ids uuid[], p_types text[], p_data json[], p_metadata json[]
) RETURNS TABLE (r_index int, r_revision bigint, r_xid text, r_position bigint)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_count int := coalesce(array_length(p_streams, 1), 0);
  v_found bigint[];
  v_starts bigint[] := '{}';
  v_lasts bigint[] := '{}';
  v_current bigint;
  v_expected bigint;
BEGIN
  -- Every stream's last revision in one query (one index probe each), not one query per stream.
  SELECT array_agg(l.revision ORDER BY s.ord) INTO v_found
    FROM unnest(p_streams) WITH ORDINALITY AS s(stream, ord)
    LEFT JOIN LATERAL (
      SELECT e.revision FROM ${schema}.es_events e WHERE e.stream = s.stream ORDER BY e.revision DESC LIMIT 1
    ) l ON true;
  FOR i IN 1..v_count LOOP
    IF p_prev[i] > 0 THEN
      v_current := v_lasts[p_prev[i]];
    ELSE
      v_current := v_found[i];
    END IF;
    v_expected := p_expected[i];
    IF (v_expected = ${EXPECT_NO_STREAM} AND v_current IS NOT NULL)
       OR (v_expected = ${EXPECT_STREAM_EXISTS} AND v_current IS NULL)
       OR (v_expected >= 0 AND v_current IS DISTINCT FROM v_expected) THEN
      RAISE EXCEPTION 'wrong expected revision' USING
        ERRCODE = '${WRONG_REVISION_SQLSTATE}', DETAIL = i::text || ':' || coalesce(v_current::text, 'no_stream');
    END IF;
    v_starts[i] := coalesce(v_current, -1) + 1;
    v_lasts[i] := coalesce(v_current, -1) + p_counts[i];
  END LOOP;

  RETURN QUERY
  WITH inserted AS (
    INSERT INTO ${schema}.es_events (event_id, stream, revision, type, data, metadata)
    SELECT e.id, p_streams[e.idx], v_starts[e.idx] + e.off, e.type, e.data, e.meta
      FROM unnest(p_ids, p_idx, p_off, p_types, p_data, p_metadata)
           WITH ORDINALITY AS e(id, idx, off, type, data, meta, ord)
     ORDER BY e.ord
    RETURNING es_events.stream, es_events.revision, es_events.global_position
  )
  SELECT a.ord::int, a.last, pg_current_xact_id()::text, ins.global_position
    FROM unnest(p_streams, v_lasts) WITH ORDINALITY AS a(stream, last, ord)
    JOIN inserted ins ON ins.stream = a.stream AND ins.revision = a.last
   ORDER BY a.ord;
END
$fn$;`;
}
