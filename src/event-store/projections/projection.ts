import type { SqlExecutor } from '../../database/sql-database.port.js';
import type { EventFilter, RecordedEvent } from '../event-store.port.js';

/**
 * The physical table behind each base name a projection owns. The runner decides the physical names (one set per
 * generation, e.g. `stream_stats__g3`), so the same projection code can fill the live tables and, during a rebuild,
 * a fresh set beside them. Readers never see these names: they query the base name, a view the runner points at the
 * current generation (see projection-runner.ts).
 */
export type ProjectionTables<Base extends string = string> = Readonly<Record<Base, string>>;

/**
 * A read model kept in SQL tables of the read-model database, fed by a ProjectionRunner.
 *
 * The runner applies a batch of events (through `applyBatch` when there is one, else `apply` per event) and stores
 * the checkpoint in one transaction, so a committed event is never applied twice by the runner itself. Handlers
 * should still be idempotent, because an operator may reset a checkpoint (two processes that overlap queue on the
 * checkpoint row, which each batch writes first, so the loser is rolled back before its SQL runs). The pattern that
 * makes a handler idempotent:
 *
 * - keep the stream revision of the last applied event on each row keyed by stream, and write only when the event is
 *   newer: `INSERT … ON CONFLICT (stream) DO UPDATE SET … WHERE t.last_revision < excluded.last_revision` — that SQL
 *   is valid on SQLite and PostgreSQL alike;
 * - derive every other write (cross-stream counters, totals) from whether that guarded write changed a row
 *   (`tx.execute` returns the number of changed rows), so a replayed event moves nothing.
 *
 * Table and index names must be built from `tables` (e.g. `CREATE INDEX IF NOT EXISTS ${t.orders}_by_status …`):
 * index names are unique per schema, and two generations live side by side during a rebuild.
 */
export interface Projection<Base extends string = string> {
  /** Unique per read-model database; the checkpoint row's key. */
  readonly name: string;
  /** Bump it whenever `setup` or `apply` change meaning: the runner then rebuilds the tables from the first event. */
  readonly version: number;
  /** Base names of the tables it owns; lowercase SQL identifiers, unique across all projections of a database. */
  readonly tables: readonly Base[];
  /**
   * Which events reach `apply`: types and/or stream prefixes (both must match when both are given; an absent list
   * matches everything, an empty one nothing). The runner still reads past the other events, so its checkpoint is the
   * exact last position scanned.
   */
  readonly filter?: EventFilter;
  /** Creates the tables (and indexes) if they do not exist yet; called at every start, so it must be idempotent. */
  setup(tx: SqlExecutor, tables: ProjectionTables<Base>): Promise<void>;
  /** Applies one event inside the batch transaction. Throwing rolls the whole batch back. */
  apply(event: RecordedEvent, tx: SqlExecutor, tables: ProjectionTables<Base>): Promise<void>;
  /**
   * Optional: applies the handled events of one batch (in log order, at least one) inside the batch transaction, and
   * must leave the tables exactly as calling `apply` for each of them in order would. It exists so that a projection
   * can write each row it touches once per batch instead of once per event (a stream with three events in a batch
   * is folded in memory and written once, counters move once per key): the runner calls it, then writes the
   * checkpoint, in the same transaction, so nothing it defers can outlive a rollback.
   *
   * Its idempotency rules are `apply`'s, per row: an event at or below a row's stored revision changes nothing, and
   * derived writes follow from whether the guarded write changed a row, moving by the difference between the row
   * before the batch and after it.
   *
   * Throwing rolls the batch back. The runner cannot tell which event was to blame, so it re-applies the same events
   * with `apply`, one by one, before counting an attempt: a poison event is recorded with its own position exactly as
   * without `applyBatch`.
   */
  applyBatch?(events: readonly RecordedEvent[], tx: SqlExecutor, tables: ProjectionTables<Base>): Promise<void>;
}
