import type { SqlExecutor } from '../../../database/sql-database.port.js';
import type { EventFilter, RecordedEvent } from '../../event-store.port.js';
import { matchesFilter } from '../matches-filter.js';
import type { Projection, ProjectionTables } from '../projection.js';

/**
 * TEST DOUBLE. A small projection for the runner's tests: per stream the number of handled events, the last type
 * and revision; per type a counter. It follows the idempotency pattern documented on Projection: the stream row is
 * guarded by the revision, the type counter moves only when that guarded write changed a row.
 */
export interface CountingProjectionOptions {
  name: string;
  /** Base table names are `<prefix>_streams` and `<prefix>_types`. */
  prefix: string;
  version?: number;
  filter?: EventFilter;
  /** Version-2 style change of meaning, for upgrade tests: how a type is recorded. */
  label?: (type: string) => string;
  /** Called after the event's rows were written, inside the transaction: throw here to simulate a handler failing late. */
  afterWrite?: (event: RecordedEvent) => void | Promise<void>;
}

export interface CountingRows {
  streams: { stream: string; events: number; last_type: string; last_revision: number }[];
  types: { type: string; count: number }[];
}

export function countingProjection(options: CountingProjectionOptions): Projection {
  const streams = `${options.prefix}_streams`;
  const types = `${options.prefix}_types`;
  const label = options.label ?? ((type: string) => type);
  return {
    name: options.name,
    version: options.version ?? 1,
    tables: [streams, types],
    filter: options.filter,
    async setup(tx: SqlExecutor, t: ProjectionTables) {
      await tx.execute(
        `CREATE TABLE IF NOT EXISTS ${t[streams]} (
           stream TEXT PRIMARY KEY, events INTEGER NOT NULL, last_type TEXT NOT NULL, last_revision INTEGER NOT NULL)`,
      );
      // Named after the physical table: two generations coexist during a rebuild and index names are per schema.
      await tx.execute(`CREATE INDEX IF NOT EXISTS ${t[streams]}_by_type ON ${t[streams]} (last_type)`);
      await tx.execute(`CREATE TABLE IF NOT EXISTS ${t[types]} (type TEXT PRIMARY KEY, count INTEGER NOT NULL)`);
    },
    async apply(event: RecordedEvent, tx: SqlExecutor, t: ProjectionTables) {
      const changed = await tx.execute(
        `INSERT INTO ${t[streams]} (stream, events, last_type, last_revision) VALUES ($1, 1, $2, $3)
         ON CONFLICT (stream) DO UPDATE
           SET events = ${t[streams]}.events + 1, last_type = excluded.last_type, last_revision = excluded.last_revision
           WHERE ${t[streams]}.last_revision < excluded.last_revision`,
        [event.stream, label(event.type), event.revision],
      );
      if (changed > 0) {
        await tx.execute(
          `INSERT INTO ${t[types]} (type, count) VALUES ($1, 1)
           ON CONFLICT (type) DO UPDATE SET count = ${t[types]}.count + 1`,
          [label(event.type)],
        );
      }
      await options.afterWrite?.(event);
    },
  };
}

/** What the counting projection's tables must hold after the given events: the same fold, in memory. */
export function foldCounts(
  events: readonly RecordedEvent[],
  options: Pick<CountingProjectionOptions, 'filter' | 'label'> = {},
): CountingRows {
  const label = options.label ?? ((type: string) => type);
  const streams = new Map<string, CountingRows['streams'][number]>();
  const types = new Map<string, number>();
  for (const event of events) {
    if (!matchesFilter(options.filter, event)) continue;
    const row = streams.get(event.stream);
    if (row && row.last_revision >= event.revision) continue;
    streams.set(event.stream, {
      stream: event.stream,
      events: (row?.events ?? 0) + 1,
      last_type: label(event.type),
      last_revision: event.revision,
    });
    types.set(label(event.type), (types.get(label(event.type)) ?? 0) + 1);
  }
  return {
    streams: [...streams.values()].sort((a, b) => (a.stream < b.stream ? -1 : 1)),
    types: [...types].map(([type, count]) => ({ type, count })).sort((a, b) => (a.type < b.type ? -1 : 1)),
  };
}

/** Reads the projection's tables the way readers do: through the base-name views. */
export async function readCounts(db: SqlExecutor, prefix: string): Promise<CountingRows> {
  const streams = await db.query<CountingRows['streams'][number]>(
    `SELECT stream, events, last_type, last_revision FROM ${prefix}_streams`,
  );
  const types = await db.query<CountingRows['types'][number]>(`SELECT type, count FROM ${prefix}_types`);
  // Sorted here, not in SQL: PostgreSQL's collation may order text differently from SQLite and from JS.
  return {
    streams: streams
      .map((row) => ({ ...row, events: Number(row.events), last_revision: Number(row.last_revision) }))
      .sort((a, b) => (a.stream < b.stream ? -1 : 1)),
    types: types
      .map((row) => ({ type: row.type, count: Number(row.count) }))
      .sort((a, b) => (a.type < b.type ? -1 : 1)),
  };
}
