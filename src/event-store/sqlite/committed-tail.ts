import type { SqliteEventRow } from './sqlite-event-row.js';

/** A filter as `checkFilter` returns it: an empty list does not constrain (the store's SQL reads the same way). */
export interface CheckedFilter {
  readonly streamPrefixes: readonly string[];
  readonly eventTypes: readonly string[];
}

export interface CommittedTailLimits {
  /** Events kept at most. */
  events: number;
  /** Characters of data + metadata kept at most (a few large events must not pin a lot of memory). */
  chars: number;
}

/**
 * The last events this process committed, as the rows a read would return, so the consumers that follow the head of
 * the log (sagas, projections, the bus bridge, the follow-up index: seven readers of every event) are served from
 * memory instead of each fetching and decoding the same rows from SQLite.
 *
 * Correct by construction rather than by bookkeeping: it holds only committed events (added after their COMMIT), at
 * their real positions, and only as a gap-free run — a batch that does not follow on from the last one (another
 * process wrote in between on the same file) starts a new run. It answers a read only when the event right after the
 * read's position is in the run, and then says where its knowledge ends: whatever the run cannot supply (events after
 * it, which another process may have appended) the caller still asks SQLite for.
 */
export interface TailAnswer {
  readonly rows: SqliteEventRow[];
  /** The position of the run's last event: everything up to it was scanned. */
  readonly through: number;
}

export class CommittedTail {
  private rows: SqliteEventRow[] = [];
  private head = 0;
  private chars = 0;

  constructor(private readonly limits: CommittedTailLimits) {}

  /** Rows of one committed transaction, in position order. */
  add(rows: readonly SqliteEventRow[]): void {
    if (rows.length === 0) return;
    const last = this.rows.length > this.head ? this.rows[this.rows.length - 1][0] : null;
    if (last === null || rows[0][0] !== last + 1) this.reset();
    for (const row of rows) {
      this.rows.push(row);
      this.chars += size(row);
    }
    while (this.rows.length - this.head > this.limits.events || this.chars > this.limits.chars) {
      if (this.rows.length - this.head <= 1) break;
      this.chars -= size(this.rows[this.head++]);
    }
    // Drop the evicted prefix now and then rather than shifting the array on every eviction.
    if (this.head > 1024 && this.head * 2 > this.rows.length) {
      this.rows = this.rows.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * The rows after `position` (at most `limit`, -1 for no limit) that pass `filter`, and how far the run was scanned;
   * null when the run does not hold the event right after `position`.
   */
  after(position: number, limit: number, filter: CheckedFilter | undefined): TailAnswer | null {
    if (this.rows.length === this.head) return null;
    const index = this.head + (position + 1 - this.rows[this.head][0]);
    if (index < this.head || index >= this.rows.length) return null;
    const rows: SqliteEventRow[] = [];
    let i = index;
    for (; i < this.rows.length && (limit < 0 || rows.length < limit); i++) {
      const row = this.rows[i];
      if (!filter || passes(filter, row[2], row[4])) rows.push(row);
    }
    return { rows, through: this.rows[i - 1][0] };
  }

  private reset(): void {
    this.rows = [];
    this.head = 0;
    this.chars = 0;
  }
}

const size = (row: SqliteEventRow) => row[5].length + row[6].length;

function passes(filter: CheckedFilter, stream: string, type: string): boolean {
  if (filter.eventTypes.length > 0 && !filter.eventTypes.includes(type)) return false;
  return filter.streamPrefixes.length === 0 || filter.streamPrefixes.some((prefix) => stream.startsWith(prefix));
}
