/**
 * Idempotent DDL of the SQLite event store. `position` is the rowid (INTEGER PRIMARY KEY), so it is assigned in
 * commit order by SQLite's single writer. No AUTOINCREMENT: events are never deleted, so rowids are never reused, and
 * AUTOINCREMENT would add a write to sqlite_sequence on every insert. The `es_` prefix keeps the table apart from the
 * read models sharing the file.
 */
export const SQLITE_EVENT_STORE_SCHEMA = `
CREATE TABLE IF NOT EXISTS es_events (
  position    INTEGER PRIMARY KEY,
  event_id    TEXT    NOT NULL UNIQUE,
  stream      TEXT    NOT NULL,
  revision    INTEGER NOT NULL,
  type        TEXT    NOT NULL,
  data        TEXT    NOT NULL,
  metadata    TEXT    NOT NULL,
  recorded_at TEXT    NOT NULL,
  UNIQUE (stream, revision)
);
`;
