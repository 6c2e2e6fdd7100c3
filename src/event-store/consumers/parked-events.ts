import type { SqlExecutor } from '../../database/sql-database.port.js';
import type { GlobalPosition, RecordedEvent } from '../event-store.port.js';

export interface ParkedEvent {
  consumer: string;
  eventId: string;
  stream: string;
  revision: number;
  position: GlobalPosition;
  type: string;
  /** The last error. */
  reason: string;
  /** Handler attempts so far, replays included. */
  attempts: number;
  parkedAt: string;
}

interface ParkedRow {
  consumer: string;
  event_id: string;
  stream: string;
  revision: number | string;
  position: string;
  event_type: string;
  reason: string;
  attempts: number | string;
  parked_at: string;
}

/**
 * `parked_events`: events a consumer gave up on after its retries, so that one bad event never stops it. The event
 * itself stays in the store; a row keeps where to find it (stream and revision), why it was parked and when. Parked
 * events are re-driven only explicitly (CheckpointedConsumer.replayParked).
 */
export class ParkedEvents {
  constructor(private readonly now: () => string = () => new Date().toISOString()) {}

  async ensureSchema(ex: SqlExecutor): Promise<void> {
    await ex.execute(
      `CREATE TABLE IF NOT EXISTS parked_events (
         consumer TEXT NOT NULL,
         event_id TEXT NOT NULL,
         stream TEXT NOT NULL,
         revision BIGINT NOT NULL,
         position TEXT NOT NULL,
         event_type TEXT NOT NULL,
         reason TEXT NOT NULL,
         attempts INTEGER NOT NULL,
         parked_at TEXT NOT NULL,
         PRIMARY KEY (consumer, event_id))`,
    );
  }

  /** Parks an event, or — when it is parked already (a failed replay) — records the new reason and attempts. */
  async park(ex: SqlExecutor, consumer: string, event: RecordedEvent, reason: string, attempts: number): Promise<void> {
    await ex.execute(
      `INSERT INTO parked_events (consumer, event_id, stream, revision, position, event_type, reason, attempts, parked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (consumer, event_id) DO UPDATE
         SET reason = excluded.reason, attempts = parked_events.attempts + excluded.attempts,
             parked_at = excluded.parked_at`,
      [consumer, event.id, event.stream, event.revision, event.position, event.type, reason, attempts, this.now()],
    );
  }

  /** In log order; all consumers when none is named. */
  async list(ex: SqlExecutor, consumer?: string): Promise<ParkedEvent[]> {
    const rows = consumer
      ? await ex.query<ParkedRow>(`SELECT * FROM parked_events WHERE consumer = $1`, [consumer])
      : await ex.query<ParkedRow>(`SELECT * FROM parked_events`);
    // Sorted here: positions compare as plain strings, which a PostgreSQL text collation need not do.
    return rows
      .map((row) => ({
        consumer: row.consumer,
        eventId: row.event_id,
        stream: row.stream,
        revision: Number(row.revision),
        position: row.position,
        type: row.event_type,
        reason: row.reason,
        attempts: Number(row.attempts),
        parkedAt: row.parked_at,
      }))
      .sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : a.consumer < b.consumer ? -1 : 1));
  }

  async remove(ex: SqlExecutor, consumer: string, eventId: string): Promise<boolean> {
    return (
      (await ex.execute(`DELETE FROM parked_events WHERE consumer = $1 AND event_id = $2`, [consumer, eventId])) > 0
    );
  }
}
