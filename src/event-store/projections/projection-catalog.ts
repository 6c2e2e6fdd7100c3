import type { SqlDatabase, SqlExecutor } from '../../database/sql-database.port.js';
import type { GlobalPosition } from '../event-store.port.js';
import { CheckpointConflictError } from './checkpoint-conflict.error.js';
import type { ProjectionTables } from './projection.js';

export type CheckpointStatus = 'running' | 'failed';

export interface CheckpointRow {
  name: string;
  position: GlobalPosition | null;
  version: number;
  /** Which set of physical tables is live (see projection_tables). */
  generation: number;
  status: CheckpointStatus;
  updatedAt: string;
  lastError: string | null;
  failedPosition: GlobalPosition | null;
}

export interface BuildRow {
  name: string;
  version: number;
  generation: number;
  position: GlobalPosition | null;
  /** Events scanned so far, for progress reporting after a resumed build. */
  processed: number;
  startedAt: string;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS projection_checkpoints (
    name TEXT PRIMARY KEY,
    position TEXT,
    version INTEGER NOT NULL,
    generation INTEGER NOT NULL,
    status TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_error TEXT,
    failed_position TEXT
  )`,
  `CREATE TABLE IF NOT EXISTS projection_tables (
    projection TEXT NOT NULL,
    generation INTEGER NOT NULL,
    base_name TEXT NOT NULL,
    physical_name TEXT NOT NULL,
    PRIMARY KEY (projection, generation, base_name)
  )`,
  `CREATE TABLE IF NOT EXISTS projection_builds (
    name TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    generation INTEGER NOT NULL,
    position TEXT,
    processed BIGINT NOT NULL,
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  )`,
];

/**
 * The runner's bookkeeping tables, written only through this class:
 * - `projection_checkpoints`: one row per projection — position of the last event scanned, version and generation of
 *   the live tables, status (`running` | `failed`), and on failure the error and the position of the poison event;
 * - `projection_tables`: the physical tables of each generation (live, or being built), so a later version of the
 *   code still knows which tables to drop;
 * - `projection_builds`: the progress of a rebuild into a new generation, so it can resume after a restart.
 *
 * Checkpoint writes are conditional on the position (and generation) the writer last saw: if another instance moved
 * the row, zero rows change and the transaction is rolled back with a CheckpointConflictError.
 *
 * Lock order. Every transaction that writes a projection's tables takes its guard row first: the checkpoint row for
 * the live tables (batch, failure, switch), the build row for a rebuild's tables (its batches, discarding them). Two
 * engines on one PostgreSQL database thus queue on that one row, and the second finds it moved and stands down before
 * touching a table. Written last, as it once was, the two engines' batches could both be inside the tables: one
 * resuming from an older checkpoint touches the streams in another order than the one ahead of it (each batch in the
 * order streams first appear in it), and each then waited for a row the other held (PostgreSQL's "deadlock
 * detected"). SQLite takes its write lock at BEGIN IMMEDIATE, before any statement, so its writers never hold one lock
 * while waiting for another.
 */
export class ProjectionCatalog {
  constructor(private readonly now: () => string = () => new Date().toISOString()) {}

  async ensureSchema(db: SqlDatabase): Promise<void> {
    await db.transaction(async (tx) => {
      // Two PostgreSQL processes booting at once would race on CREATE TABLE IF NOT EXISTS (a unique violation in the
      // catalog); the transaction-scoped lock queues the second. SQLite's BEGIN IMMEDIATE already serialises.
      if (tx.dialect === 'postgres') await tx.query(`SELECT pg_advisory_xact_lock(hashtext('projection_catalog'))`);
      for (const statement of SCHEMA) await tx.execute(statement);
    });
  }

  async checkpoint(ex: SqlExecutor, name: string): Promise<CheckpointRow | undefined> {
    const [row] = await ex.query<Record<string, unknown>>(
      `SELECT name, position, version, generation, status, updated_at, last_error, failed_position
         FROM projection_checkpoints WHERE name = $1`,
      [name],
    );
    if (!row) return undefined;
    return {
      name: String(row.name),
      position: (row.position as string | null) ?? null,
      version: Number(row.version),
      generation: Number(row.generation),
      status: row.status === 'failed' ? 'failed' : 'running',
      updatedAt: String(row.updated_at),
      lastError: (row.last_error as string | null) ?? null,
      failedPosition: (row.failed_position as string | null) ?? null,
    };
  }

  async createCheckpoint(ex: SqlExecutor, row: { name: string; version: number; generation: number }): Promise<void> {
    await ex.execute(
      `INSERT INTO projection_checkpoints (name, position, version, generation, status, updated_at)
       VALUES ($1, NULL, $2, $3, 'running', $4)`,
      [row.name, row.version, row.generation, this.now()],
    );
  }

  /**
   * Moves the checkpoint from `expected` to `position`. With `failure` the row is marked failed with the reason and
   * the poison event's position; without, it is (again) running and the last failure is cleared.
   */
  async writeCheckpoint(
    ex: SqlExecutor,
    write: {
      name: string;
      generation: number;
      expected: GlobalPosition | null;
      position: GlobalPosition | null;
      failure?: { error: string; position: GlobalPosition | null };
    },
  ): Promise<void> {
    const changed = await ex.execute(
      `UPDATE projection_checkpoints
          SET position = $1, status = $2, last_error = $3, failed_position = $4, updated_at = $5
        WHERE name = $6 AND generation = $7 AND COALESCE(position, '') = $8`,
      [
        write.position,
        write.failure ? 'failed' : 'running',
        write.failure?.error ?? null,
        write.failure?.position ?? null,
        this.now(),
        write.name,
        write.generation,
        write.expected ?? '',
      ],
    );
    if (changed !== 1) throw new CheckpointConflictError(write.name, write.expected);
  }

  /** Makes a freshly built generation the live one. */
  async switchGeneration(
    ex: SqlExecutor,
    change: {
      name: string;
      expectedGeneration: number;
      expectedPosition: GlobalPosition | null;
      generation: number;
      version: number;
      position: GlobalPosition | null;
    },
  ): Promise<void> {
    const changed = await ex.execute(
      `UPDATE projection_checkpoints
          SET position = $1, version = $2, generation = $3, status = 'running', last_error = NULL,
              failed_position = NULL, updated_at = $4
        WHERE name = $5 AND generation = $6 AND COALESCE(position, '') = $7`,
      [
        change.position,
        change.version,
        change.generation,
        this.now(),
        change.name,
        change.expectedGeneration,
        change.expectedPosition ?? '',
      ],
    );
    if (changed !== 1) throw new CheckpointConflictError(change.name, change.expectedPosition);
  }

  async tables(ex: SqlExecutor, projection: string, generation: number): Promise<Record<string, string>> {
    const rows = await ex.query<{ base_name: string; physical_name: string }>(
      `SELECT base_name, physical_name FROM projection_tables WHERE projection = $1 AND generation = $2`,
      [projection, generation],
    );
    return Object.fromEntries(rows.map((row) => [row.base_name, row.physical_name]));
  }

  async addTables(ex: SqlExecutor, projection: string, generation: number, tables: ProjectionTables): Promise<void> {
    for (const [base, physical] of Object.entries(tables)) {
      await ex.execute(
        `INSERT INTO projection_tables (projection, generation, base_name, physical_name) VALUES ($1, $2, $3, $4)`,
        [projection, generation, base, physical],
      );
    }
  }

  /** Drops the physical tables of a generation and forgets them. */
  async dropGeneration(ex: SqlExecutor, projection: string, generation: number): Promise<void> {
    const tables = await this.tables(ex, projection, generation);
    for (const physical of Object.values(tables)) await ex.execute(`DROP TABLE IF EXISTS ${physical}`);
    await ex.execute(`DELETE FROM projection_tables WHERE projection = $1 AND generation = $2`, [
      projection,
      generation,
    ]);
  }

  async nextGeneration(ex: SqlExecutor, projection: string): Promise<number> {
    const [row] = await ex.query<{ g: number | null }>(
      `SELECT MAX(g) AS g FROM (
         SELECT MAX(generation) AS g FROM projection_tables WHERE projection = $1
         UNION ALL SELECT generation AS g FROM projection_checkpoints WHERE name = $1
         UNION ALL SELECT generation AS g FROM projection_builds WHERE name = $1
       ) AS known`,
      [projection],
    );
    return Number(row?.g ?? 0) + 1;
  }

  async build(ex: SqlExecutor, name: string): Promise<BuildRow | undefined> {
    const [row] = await ex.query<Record<string, unknown>>(
      `SELECT name, version, generation, position, processed, started_at FROM projection_builds WHERE name = $1`,
      [name],
    );
    if (!row) return undefined;
    return {
      name: String(row.name),
      version: Number(row.version),
      generation: Number(row.generation),
      position: (row.position as string | null) ?? null,
      processed: Number(row.processed),
      startedAt: String(row.started_at),
    };
  }

  async createBuild(ex: SqlExecutor, build: { name: string; version: number; generation: number }): Promise<void> {
    const now = this.now();
    await ex.execute(
      `INSERT INTO projection_builds (name, version, generation, position, processed, started_at, updated_at)
       VALUES ($1, $2, $3, NULL, 0, $4, $4)`,
      [build.name, build.version, build.generation, now],
    );
  }

  async advanceBuild(
    ex: SqlExecutor,
    write: {
      name: string;
      generation: number;
      expected: GlobalPosition | null;
      position: GlobalPosition;
      processed: number;
    },
  ): Promise<void> {
    const changed = await ex.execute(
      `UPDATE projection_builds SET position = $1, processed = $2, updated_at = $3
        WHERE name = $4 AND generation = $5 AND COALESCE(position, '') = $6`,
      [write.position, write.processed, this.now(), write.name, write.generation, write.expected ?? ''],
    );
    if (changed !== 1) throw new CheckpointConflictError(`${write.name} (rebuild)`, write.expected);
  }

  async removeBuild(ex: SqlExecutor, name: string): Promise<void> {
    await ex.execute(`DELETE FROM projection_builds WHERE name = $1`, [name]);
  }

  /**
   * Removes a projection from this database — its views, every generation's tables and its bookkeeping rows — once it
   * is kept in another database. Returns whether there was anything to remove.
   */
  async retire(ex: SqlExecutor, projection: string, bases: readonly string[]): Promise<boolean> {
    const generations = await ex.query<{ generation: number }>(
      `SELECT DISTINCT generation FROM projection_tables WHERE projection = $1`,
      [projection],
    );
    const checkpoints = await ex.execute(`DELETE FROM projection_checkpoints WHERE name = $1`, [projection]);
    if (generations.length === 0 && checkpoints === 0) return false;
    for (const base of bases) await ex.execute(`DROP VIEW IF EXISTS ${base}`);
    for (const { generation } of generations) await this.dropGeneration(ex, projection, Number(generation));
    await this.removeBuild(ex, projection);
    return true;
  }

  /**
   * Points each base name (a view readers query) at the given physical tables, dropping views of base names the
   * projection no longer owns. Runs inside the switch transaction: SQLite and PostgreSQL both have transactional DDL,
   * so readers see either the old generation or the new one, never a mix.
   */
  async pointViews(ex: SqlExecutor, tables: ProjectionTables, previousBases: readonly string[]): Promise<void> {
    for (const base of new Set([...previousBases, ...Object.keys(tables)])) {
      await ex.execute(`DROP VIEW IF EXISTS ${base}`);
    }
    for (const [base, physical] of Object.entries(tables)) {
      await ex.execute(`CREATE VIEW ${base} AS SELECT * FROM ${physical}`);
    }
  }
}
