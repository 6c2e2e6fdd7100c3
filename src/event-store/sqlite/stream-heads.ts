import { LruMap } from '../../common/lru-map.js';
import type { SqliteEventRow } from './sqlite-event-row.js';

export interface StreamHeadsLimits {
  /** Streams remembered at most (least recently written out first). */
  streams: number;
  /** Last events remembered per stream. */
  eventsPerStream: number;
}

/**
 * The last events of the streams this connection appended to, so that reading a stream's newest events (what every
 * command does: the order stream reader asks for the events after the revision it folded) needs no query when the
 * answer is already known — usually "nothing new", or the event the previous command just wrote.
 *
 * Knowing a stream's head is only sound while no other connection writes: the owner checks SQLite's `data_version`
 * (it changes exactly when another connection commits) before every use and forgets everything when it moved. An
 * append that does not follow on from what is remembered (another writer's events in between) restarts that stream's
 * memory from the appended event, so what is remembered is always the stream's true last events.
 */
export class StreamHeads {
  private readonly streams: LruMap<string, SqliteEventRow[]>;

  constructor(private readonly limits: StreamHeadsLimits) {
    this.streams = new LruMap(limits.streams);
  }

  /** Rows of one committed transaction, in position order. */
  add(rows: readonly SqliteEventRow[]): void {
    for (const row of rows) {
      const stream = row[2];
      const known = this.streams.get(stream);
      const kept = known && known[known.length - 1][3] === row[3] - 1 ? known : [];
      kept.push(row);
      if (kept.length > this.limits.eventsPerStream) kept.shift();
      this.streams.set(stream, kept);
    }
  }

  /**
   * The stream's events from `fromRevision` on (at most `limit`, -1 for all), or null when they are not all known:
   * the stream is not remembered, or some of them are older than what is remembered.
   */
  forwards(stream: string, fromRevision: number, limit: number): SqliteEventRow[] | null {
    const known = this.streams.get(stream);
    if (!known) return null;
    const first = known[0][3];
    if (fromRevision < first) return null;
    const start = fromRevision - first;
    if (start >= known.length) return [];
    return known.slice(start, limit < 0 ? undefined : start + limit);
  }

  clear(): void {
    this.streams.clear();
  }
}
