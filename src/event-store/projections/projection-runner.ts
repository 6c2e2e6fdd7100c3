import type { SqlDatabase } from '../../database/sql-database.port.js';
import { silentLogger, type Logger } from '../../logging/logger.js';
import type { EventStore, GlobalPosition } from '../event-store.port.js';
import { maxPosition } from './position-ordinal.js';
import type { Projection } from './projection.js';
import { ProjectionCatalog } from './projection-catalog.js';
import { ProjectionSlot } from './projection-slot.js';
import { ProjectionStandby } from './projection-standby.js';
import type { ProjectionStatus } from './projection-status.js';
import type { ReadModelRunner, WaitOptions } from './read-model-runner.js';
import type { RebuildProgress, RebuildResult } from './rebuild-progress.js';
import { retryPolicy, type RetryPolicy } from './retry-policy.js';
import type { ProjectionRunnerHooks, RunnerContext } from './runner-context.js';
import { assertSqlIdentifier } from './sql-identifier.js';

export interface ProjectionRunnerOptions {
  store: EventStore;
  /** The read-model database: projection tables and the runner's checkpoint tables live here. */
  db: SqlDatabase;
  projections: readonly Projection[];
  /** Events read (and applied in one transaction) per batch. */
  batchSize?: number;
  /** Pause after a read found the end of the log; cut short by `wake()` and by waiters. */
  pollIntervalMs?: number;
  /** Handler retries before a projection is marked failed; the delays also pace infrastructure retries. */
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
  /** Every rebuild's progress, including automatic rebuilds after a version bump. */
  onRebuildProgress?: (progress: RebuildProgress) => void;
  /** The store's newest position, for progress targets and lag; the highest position read so far when absent. */
  headPosition?: () => Promise<GlobalPosition | null>;
  hooks?: ProjectionRunnerHooks;
  /** While a projection is superseded, how often its stored checkpoint is looked at. Default 5 000. */
  standbyCheckMs?: number;
  /**
   * A superseded projection is taken over (resumed from its stored checkpoint) once events have waited this long
   * behind a checkpoint the other runner did not move. Default 30 000.
   */
  takeoverAfterMs?: number;
}

const DEFAULT_STANDBY_CHECK_MS = 5_000;
const DEFAULT_TAKEOVER_AFTER_MS = 30_000;

const RESERVED_TABLES = new Set(['projection_checkpoints', 'projection_tables', 'projection_builds']);

/**
 * Runs projections on the read-model database, each in its own loop: read a batch of events after the checkpoint
 * (`readAll`, every event — the projection's filter is applied in memory so that the checkpoint is the exact last
 * position scanned), apply the handled ones and write the checkpoint in the same transaction, repeat; poll when at
 * the end of the log.
 *
 * Handler errors roll the batch back and are retried with backoff up to `retry.maxAttempts`; then the events before
 * the poison one are committed and the projection is marked failed (error and poison position in its checkpoint row)
 * and stops, while the others continue. A batch that a projection's `applyBatch` failed on is first re-applied event
 * by event (not counted as an attempt), so the poison event is known; later attempts stay event by event. Store and
 * database errors are retried without limit.
 *
 * Readers query each table by its base name, a view; the runner points it at the current generation of physical
 * tables (`<base>__g<n>`). A rebuild fills a new generation beside the live one while the engine runs, then switches
 * in one transaction (views re-pointed, old tables dropped, checkpoint moved) — plain DDL that SQLite and PostgreSQL
 * both run transactionally, and readers keep their SQL. A version bump triggers that rebuild at start; the old tables
 * stay readable (frozen) until the switch.
 *
 * One runner per read-model database: checkpoint writes are conditional, so an overlapping second instance is
 * detected and stands down (state `superseded`); it stands by and takes the projection over when events wait behind a
 * checkpoint the other instance stopped moving (see ProjectionStandby). Each batch writes the checkpoint row before the
 * projection's tables, so two instances queue on that row instead of locking rows of the tables in two orders (see
 * "Lock order" in ProjectionCatalog). Rebuilds are not coordinated across processes.
 */
export class ProjectionRunner implements ReadModelRunner {
  private readonly catalog = new ProjectionCatalog();
  private readonly retry: RetryPolicy;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly logger: Logger;
  private slots = new Map<string, ProjectionSlot>();
  private phase: 'idle' | 'starting' | 'running' | 'stopping' = 'idle';
  private highest: GlobalPosition | null = null;
  private standby?: ProjectionStandby;

  constructor(private readonly options: ProjectionRunnerOptions) {
    this.retry = retryPolicy(options.retry);
    this.batchSize = options.batchSize ?? 200;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.logger = options.logger ?? silentLogger();
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1)
      throw new Error(`batchSize must be a positive integer`);
    validateProjections(options.projections);
  }

  /** Prepares every projection (checkpoint tables, first tables, setup) and starts the loops; does not wait for them. */
  async start(): Promise<void> {
    if (this.phase !== 'idle') throw new Error(`projection runner is already ${this.phase}`);
    this.phase = 'starting';
    try {
      await this.catalog.ensureSchema(this.options.db);
      const context = this.context();
      const slots = new Map(this.options.projections.map((p) => [p.name, new ProjectionSlot(p, context)]));
      for (const slot of slots.values()) {
        await slot.init().catch((error: unknown) => slot.failToStart(error));
      }
      this.slots = slots;
      this.phase = 'running';
    } catch (error) {
      this.phase = 'idle';
      throw error;
    }
    for (const slot of this.slots.values()) slot.launch();
    this.standby = new ProjectionStandby({
      store: this.options.store,
      db: this.options.db,
      catalog: this.catalog,
      logger: this.logger,
      checkMs: this.options.standbyCheckMs ?? DEFAULT_STANDBY_CHECK_MS,
      takeoverAfterMs: this.options.takeoverAfterMs ?? DEFAULT_TAKEOVER_AFTER_MS,
      superseded: () => [...this.slots.values()].filter((slot) => slot.state === 'superseded').map((s) => s.name),
      takeOver: (name) => this.resume(name),
    });
    this.standby.start();
  }

  /** Graceful: every loop finishes its current batch; rebuilds stop after theirs and resume at the next start. */
  async stop(): Promise<void> {
    if (this.phase !== 'running') return;
    this.phase = 'stopping';
    await this.standby?.stop();
    await Promise.all([...this.slots.values()].map((slot) => slot.stop()));
    this.phase = 'idle';
  }

  status(): ProjectionStatus[] {
    return [...this.slots.values()].map((slot) => slot.status());
  }

  /**
   * Resolves when the projections have applied everything up to `position` — or, without one, everything committed
   * before the call. Rejects when a waited-for projection fails or the runner stops.
   */
  async waitUntilCaughtUp(position?: GlobalPosition | null, options: WaitOptions = {}): Promise<void> {
    const slots = this.selectSlots(options.projections);
    await Promise.all(slots.map((slot) => slot.tracker.wait(position, options.timeoutMs)));
  }

  /** Rebuilds a projection from the first event into new tables while it keeps running, then switches over. */
  rebuild(name: string, options: { onProgress?: (progress: RebuildProgress) => void } = {}): Promise<RebuildResult> {
    if (this.phase !== 'running') return Promise.reject(new Error('projection runner is not running'));
    const [slot] = this.selectSlots([name]);
    return slot.rebuild(options.onProgress);
  }

  /** Restarts a failed or superseded projection from its stored checkpoint. */
  async resume(name: string): Promise<void> {
    if (this.phase !== 'running') throw new Error('projection runner is not running');
    const [slot] = this.selectSlots([name]);
    if (slot.state !== 'failed' && slot.state !== 'superseded') return;
    await slot.init().catch((error: unknown) => {
      slot.failToStart(error);
      throw error;
    });
    slot.launch();
  }

  /** Ends the poll pauses now, e.g. right after an append whose effect a reader is about to wait for. */
  wake(): void {
    for (const slot of this.slots.values()) slot.sleeper.wake();
  }

  private selectSlots(names?: readonly string[]): ProjectionSlot[] {
    if (this.phase !== 'running' && this.phase !== 'stopping') throw new Error('projection runner is not running');
    if (!names) return [...this.slots.values()];
    return names.map((name) => {
      const slot = this.slots.get(name);
      if (!slot) throw new Error(`unknown projection ${name}`);
      return slot;
    });
  }

  private context(): RunnerContext {
    const isStopping = () => this.phase === 'stopping' || this.phase === 'idle';
    const { store, db, hooks = {}, onRebuildProgress, headPosition } = this.options;
    return {
      store,
      db,
      catalog: this.catalog,
      batchSize: this.batchSize,
      pollIntervalMs: this.pollIntervalMs,
      retry: this.retry,
      logger: this.logger,
      hooks,
      get stopping() {
        return isStopping();
      },
      noteSeen: (position) => {
        this.highest = maxPosition(this.highest, position);
      },
      highestSeen: () => this.highest,
      head: async () => {
        if (headPosition) this.highest = maxPosition(this.highest, await headPosition());
        return this.highest;
      },
      reportProgress: (progress) => {
        if (!onRebuildProgress) return;
        try {
          onRebuildProgress(progress);
        } catch (error) {
          this.logger.warn({ err: error }, 'rebuild progress listener threw');
        }
      },
    };
  }
}

function validateProjections(projections: readonly Projection[]): void {
  const names = new Set<string>();
  const tables = new Map<string, string>();
  for (const projection of projections) {
    if (typeof projection.name !== 'string' || projection.name.length === 0 || projection.name.length > 200) {
      throw new Error(`a projection needs a name of 1 to 200 characters, got ${JSON.stringify(projection.name)}`);
    }
    if (names.has(projection.name)) throw new Error(`two projections are named ${projection.name}`);
    names.add(projection.name);
    if (!Number.isInteger(projection.version) || projection.version < 1) {
      throw new Error(`projection ${projection.name}: version must be a positive integer`);
    }
    for (const base of projection.tables) {
      assertSqlIdentifier(base, `projection ${projection.name}: table name`);
      if (RESERVED_TABLES.has(base)) throw new Error(`projection ${projection.name}: table name ${base} is reserved`);
      const owner = tables.get(base);
      if (owner) throw new Error(`table ${base} is claimed by projections ${owner} and ${projection.name}`);
      tables.set(base, projection.name);
    }
  }
}
