import type { SqlExecutor } from '../../database/sql-database.port.js';
import type { GlobalPosition } from '../event-store.port.js';
import { CheckpointConflictError } from '../projections/checkpoint-conflict.error.js';

export interface ConsumerCheckpointRow {
  name: string;
  position: GlobalPosition | null;
  updatedAt: string;
}

/**
 * `consumer_checkpoints`: one row per consumer with the position of the last event it is done with (handled, parked
 * or skipped by its filter). A sibling of projection_checkpoints rather than rows in it: a consumer has no tables,
 * versions or generations. Writes are conditional on the position last seen, so a stale instance is detected.
 */
export class ConsumerCheckpoints {
  constructor(private readonly now: () => string = () => new Date().toISOString()) {}

  async ensureSchema(ex: SqlExecutor): Promise<void> {
    await ex.execute(
      `CREATE TABLE IF NOT EXISTS consumer_checkpoints (
         name TEXT PRIMARY KEY, position TEXT, updated_at TEXT NOT NULL)`,
    );
  }

  /** The consumer's checkpoint, created at "before the first event" on first use. */
  async load(ex: SqlExecutor, name: string): Promise<ConsumerCheckpointRow> {
    await ex.execute(
      `INSERT INTO consumer_checkpoints (name, position, updated_at) VALUES ($1, NULL, $2)
       ON CONFLICT (name) DO NOTHING`,
      [name, this.now()],
    );
    const [row] = await ex.query<{ name: string; position: string | null; updated_at: string }>(
      `SELECT name, position, updated_at FROM consumer_checkpoints WHERE name = $1`,
      [name],
    );
    return { name: row.name, position: row.position ?? null, updatedAt: row.updated_at };
  }

  /** The stored position, without creating the row: what a standby instance watches. */
  async position(ex: SqlExecutor, name: string): Promise<GlobalPosition | null> {
    const [row] = await ex.query<{ position: string | null }>(
      `SELECT position FROM consumer_checkpoints WHERE name = $1`,
      [name],
    );
    return row?.position ?? null;
  }

  async advance(
    ex: SqlExecutor,
    name: string,
    expected: GlobalPosition | null,
    position: GlobalPosition,
  ): Promise<void> {
    const changed = await ex.execute(
      `UPDATE consumer_checkpoints SET position = $1, updated_at = $2 WHERE name = $3 AND COALESCE(position, '') = $4`,
      [position, this.now(), name, expected ?? ''],
    );
    if (changed !== 1) throw new CheckpointConflictError(`consumer ${name}`, expected);
  }
}
