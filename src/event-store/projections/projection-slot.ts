import { AsyncMutex } from '../../database/async-mutex.js';
import type { GlobalPosition, RecordedEvent } from '../event-store.port.js';
import { applyEvents } from './apply-events.js';
import { CatchUpTracker } from './catch-up-tracker.js';
import { CheckpointConflictError } from './checkpoint-conflict.error.js';
import { describeError } from './describe-error.js';
import { InterruptibleSleep } from './interruptible-sleep.js';
import { physicalTables, sameBases } from './physical-tables.js';
import { positionOrdinal } from './position-ordinal.js';
import type { Projection, ProjectionTables } from './projection.js';
import type { BuildRow } from './projection-catalog.js';
import { ProjectionBuild } from './projection-build.js';
import { ProjectionBatchError } from './projection-batch.error.js';
import { ProjectionFailedError } from './projection-failed.error.js';
import { ProjectionHandlerError } from './projection-handler.error.js';
import type { ProjectionStatus } from './projection-status.js';
import type { RebuildProgress, RebuildResult } from './rebuild-progress.js';
import { backoffDelay } from './retry-policy.js';
import type { RunnerContext } from './runner-context.js';
import { StoppedError } from './stopped.error.js';

/**
 * - `running`: the live loop applies events to the live tables.
 * - `rebuilding`: the stored tables were built by another version (or another table set); they stay readable, frozen
 *   at their checkpoint, while the current version is built beside them.
 * - `failed`: stopped on a poison event after the retries; other projections go on. `resume()` or a restart retries.
 * - `superseded`: another instance moved the checkpoint; this one stepped back.
 */
export type ProjectionState = 'starting' | 'running' | 'rebuilding' | 'failed' | 'superseded' | 'stopped';

/** One projection inside a runner: its checkpoint, live loop and (at most one) rebuild. */
export class ProjectionSlot {
  state: ProjectionState = 'starting';
  position: GlobalPosition | null = null;
  generation = 0;
  liveVersion = 0;
  tables: ProjectionTables = {};
  lastError: string | null = null;
  failedPosition: GlobalPosition | null = null;
  eventsScanned = 0;
  /** Held by the live loop for each read-and-apply cycle and by a rebuild for its final catch-up and switch. */
  readonly lock = new AsyncMutex();
  readonly sleeper = new InterruptibleSleep();
  readonly tracker = new CatchUpTracker(null, () => this.sleeper.wake());
  private loop?: Promise<void>;
  /** Identifies the current live loop: a loop that finds a newer one started (adopt, resume) ends itself. */
  private run = 0;
  private build?: ProjectionBuild;
  private buildDone?: Promise<unknown>;
  private resumableBuild?: BuildRow;

  constructor(
    readonly projection: Projection,
    private readonly ctx: RunnerContext,
  ) {}

  get name(): string {
    return this.projection.name;
  }

  /** Loads the checkpoint (creating the first generation on a first run) and decides whether a rebuild is due. */
  async init(): Promise<void> {
    const { db, catalog } = this.ctx;
    const { projection } = this;
    let row = await catalog.checkpoint(db, this.name);
    if (!row) {
      await db.transaction(async (tx) => {
        const generation = await catalog.nextGeneration(tx, this.name);
        const tables = physicalTables(projection.tables, generation);
        // A leftover table of the same name (checkpoint row deleted by hand) must not leak old rows into the new one.
        for (const physical of Object.values(tables)) await tx.execute(`DROP TABLE IF EXISTS ${physical}`);
        await catalog.addTables(tx, this.name, generation, tables);
        await projection.setup(tx, tables);
        await catalog.pointViews(tx, tables, []);
        await catalog.createCheckpoint(tx, { name: this.name, version: projection.version, generation });
      });
      row = await catalog.checkpoint(db, this.name);
      if (!row) throw new Error(`checkpoint of projection ${this.name} vanished right after it was created`);
    }
    this.position = row.position;
    this.generation = row.generation;
    this.liveVersion = row.version;
    this.lastError = row.lastError;
    this.failedPosition = row.failedPosition;
    this.tracker.clear();
    this.tracker.advance(row.position);
    this.tables = await catalog.tables(db, this.name, row.generation);
    const build = await catalog.build(db, this.name);
    const current = row.version === projection.version && sameBases(this.tables, projection.tables);
    if (current) {
      await db.transaction((tx) => projection.setup(tx, this.tables));
      // A rebuild of the same version that was interrupted was asked for explicitly; it is not resumed unasked.
      if (build) await this.discardBuild(build);
      if (row.status === 'failed') {
        this.ctx.logger.info({ projection: this.name, error: row.lastError }, 'retrying a failed projection on start');
      }
      this.state = 'running';
    } else {
      this.state = 'rebuilding';
      this.resumableBuild = build?.version === projection.version ? build : undefined;
      if (build && !this.resumableBuild) await this.discardBuild(build);
      this.ctx.logger.info(
        { projection: this.name, from: row.version, to: projection.version },
        'projection tables out of date; rebuilding beside them',
      );
    }
  }

  launch(): void {
    if (this.state === 'running') this.loop = this.runLive();
    else if (this.state === 'rebuilding') {
      const resume = this.resumableBuild;
      this.resumableBuild = undefined;
      this.startBuild(resume).catch((error: unknown) => {
        if (!(error instanceof StoppedError)) {
          this.ctx.logger.error({ projection: this.name, err: error }, 'automatic rebuild failed');
        }
      });
    }
  }

  rebuild(onProgress?: (progress: RebuildProgress) => void): Promise<RebuildResult> {
    if (this.build || this.buildDone) return Promise.reject(new Error(`projection ${this.name} is already rebuilding`));
    if (this.state !== 'running' && this.state !== 'failed') {
      return Promise.reject(new Error(`projection ${this.name} cannot rebuild while ${this.state}`));
    }
    return this.startBuild(undefined, onProgress);
  }

  async stop(): Promise<void> {
    this.sleeper.abort();
    await this.buildDone;
    await this.loop;
    if (this.state === 'running' || this.state === 'rebuilding' || this.state === 'starting') this.state = 'stopped';
    this.tracker.fail(new StoppedError(`projection ${this.name}`));
  }

  /** Makes a freshly built generation live (called by the build, under the lock, after the switch committed). */
  adopt(change: {
    generation: number;
    version: number;
    tables: ProjectionTables;
    position: GlobalPosition | null;
  }): void {
    this.generation = change.generation;
    this.liveVersion = change.version;
    this.tables = change.tables;
    this.position = change.position;
    this.lastError = null;
    this.failedPosition = null;
    this.tracker.clear();
    this.tracker.advance(change.position);
    if (this.state !== 'running' && !this.ctx.stopping) {
      this.state = 'running';
      this.loop = this.runLive();
    }
  }

  status(): ProjectionStatus {
    const head = this.ctx.highestSeen();
    const caughtUp =
      this.state === 'running' &&
      this.tracker.idle &&
      (head === null || (this.position !== null && this.position >= head));
    const headOrdinal = positionOrdinal(head);
    const ownOrdinal = positionOrdinal(this.position);
    return {
      name: this.name,
      version: this.projection.version,
      liveVersion: this.liveVersion,
      state: this.state,
      position: this.position,
      caughtUp,
      lag: caughtUp ? 0 : headOrdinal === null || ownOrdinal === null ? null : Math.max(0, headOrdinal - ownOrdinal),
      eventsScanned: this.eventsScanned,
      lastError: this.lastError,
      failedPosition: this.failedPosition,
      rebuild: this.build?.progress() ?? null,
    };
  }

  private startBuild(resume?: BuildRow, onProgress?: (progress: RebuildProgress) => void): Promise<RebuildResult> {
    const done = (async () => {
      try {
        this.build = await ProjectionBuild.begin(this, this.ctx, resume, onProgress);
        return await this.build.run();
      } catch (error) {
        await this.afterFailedBuild(error);
        throw error;
      } finally {
        this.build = undefined;
        this.buildDone = undefined;
      }
    })();
    this.buildDone = done.catch(() => undefined);
    return done;
  }

  private async afterFailedBuild(error: unknown): Promise<void> {
    // A stopped rebuild keeps its tables and progress row: a version upgrade resumes from there at the next start.
    if (error instanceof StoppedError) return;
    const build = await this.ctx.catalog.build(this.ctx.db, this.name).catch(() => undefined);
    if (build) await this.discardBuild(build).catch(() => undefined);
    if (this.state !== 'rebuilding') return;
    // The old tables cannot be served by this code and the new ones could not be built: the projection is failed.
    const failedPosition = error instanceof ProjectionHandlerError ? error.event.position : null;
    const reason = describeError(error);
    await this.ctx.db
      .transaction((tx) =>
        this.ctx.catalog.writeCheckpoint(tx, {
          name: this.name,
          generation: this.generation,
          expected: this.position,
          position: this.position,
          failure: { error: reason, position: failedPosition },
        }),
      )
      .catch((writeError: unknown) =>
        this.ctx.logger.error({ projection: this.name, err: writeError }, 'could not record the failed rebuild'),
      );
    this.markFailed(reason, failedPosition);
  }

  private async discardBuild(build: BuildRow): Promise<void> {
    await this.ctx.db.transaction(async (tx) => {
      // The build row first, as the build's batches take it (see "Lock order" in ProjectionCatalog).
      await this.ctx.catalog.removeBuild(tx, this.name);
      await this.ctx.catalog.dropGeneration(tx, this.name, build.generation);
    });
  }

  private async runLive(): Promise<void> {
    const run = ++this.run;
    let infraFailures = 0;
    while (run === this.run && this.state === 'running' && !this.ctx.stopping) {
      let idle: boolean;
      try {
        idle = await this.lock.runExclusive(() => (run === this.run ? this.liveCycle() : false));
        infraFailures = 0;
      } catch (error) {
        // Store or database trouble, not the projection's: retried without limit, visible in the status meanwhile.
        infraFailures++;
        this.lastError = describeError(error);
        this.ctx.logger.warn({ projection: this.name, err: error, attempt: infraFailures }, 'projection cycle failed');
        await this.sleeper.sleep(backoffDelay(this.ctx.retry, infraFailures), { wakeable: false });
        continue;
      }
      if (idle) await this.sleeper.sleep(this.ctx.pollIntervalMs, { wakeable: true });
    }
  }

  /** One read and apply; returns whether the read reached the end of the log. */
  private async liveCycle(): Promise<boolean> {
    if (this.state !== 'running' || this.ctx.stopping) return false;
    const read = this.tracker.beginRead();
    const batch = await this.ctx.store.readAll({ fromPosition: this.position, maxCount: this.ctx.batchSize });
    this.ctx.noteSeen(batch.at(-1)?.position ?? null);
    if (batch.length > 0 && !(await this.applyWithRetries(batch))) return false;
    const idle = batch.length < this.ctx.batchSize;
    this.tracker.endRead(read, idle);
    return idle;
  }

  /** Returns false when the batch was not applied because the projection failed, was superseded or is stopping. */
  private async applyWithRetries(batch: RecordedEvent[]): Promise<boolean> {
    let eventByEvent = false;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.commit(batch, eventByEvent);
        return true;
      } catch (error) {
        if (error instanceof CheckpointConflictError) {
          this.supersede(error);
          return false;
        }
        if (!(error instanceof ProjectionHandlerError)) throw error;
        if (error instanceof ProjectionBatchError && !eventByEvent) {
          // Not an attempt yet: the same events again, one by one, either pass or name the event that fails.
          eventByEvent = true;
          attempt--;
          this.ctx.logger.warn(
            { projection: this.name, err: error.cause },
            `${error.message}; retrying event by event`,
          );
          continue;
        }
        this.lastError = error.message;
        if (attempt >= this.ctx.retry.maxAttempts) {
          await this.failOn(batch, error);
          return false;
        }
        this.ctx.logger.warn({ projection: this.name, err: error.cause, attempt }, error.message);
        await this.sleeper.sleep(backoffDelay(this.ctx.retry, attempt), { wakeable: false });
        if (this.ctx.stopping) return false;
      }
    }
  }

  private async commit(batch: RecordedEvent[], eventByEvent: boolean): Promise<void> {
    const expected = this.position;
    const position = batch[batch.length - 1].position;
    await this.ctx.db.transaction(async (tx) => {
      // The checkpoint first: see "Lock order" in ProjectionCatalog.
      await this.ctx.catalog.writeCheckpoint(tx, { name: this.name, generation: this.generation, expected, position });
      await applyEvents(this.projection, batch, tx, this.tables, { eventByEvent });
      await this.ctx.hooks.beforeCheckpoint?.({ projection: this.name, phase: 'live', events: batch });
    });
    this.position = position;
    this.eventsScanned += batch.length;
    this.lastError = null;
    this.failedPosition = null;
    this.tracker.advance(position);
  }

  /**
   * Out of retries: commit the events before the poison one, so the read model is as far along as it can be, and
   * mark the projection failed at the poison event — in one transaction.
   */
  private async failOn(batch: RecordedEvent[], error: ProjectionHandlerError): Promise<void> {
    const index = batch.indexOf(error.event);
    const before = batch.slice(0, Math.max(0, index));
    const expected = this.position;
    const failure = { error: error.message, position: error.event.position };
    const write = (events: RecordedEvent[]) =>
      this.ctx.db.transaction(async (tx) => {
        const position = events.length > 0 ? events[events.length - 1].position : expected;
        await this.ctx.catalog.writeCheckpoint(tx, {
          name: this.name,
          generation: this.generation,
          expected,
          position,
          failure,
        });
        // Event by event, as the retries that found the poison event did.
        await applyEvents(this.projection, events, tx, this.tables, { eventByEvent: true });
        return position;
      });
    try {
      this.position = await write(before).catch((firstError: unknown) => {
        if (firstError instanceof CheckpointConflictError) throw firstError;
        // The events before the poison one failed too this time: record the failure where the checkpoint is.
        return write([]);
      });
      this.eventsScanned += before.length;
      this.tracker.advance(this.position);
    } catch (writeError) {
      if (writeError instanceof CheckpointConflictError) return this.supersede(writeError);
      this.ctx.logger.error({ projection: this.name, err: writeError }, 'could not record the projection failure');
    }
    this.ctx.logger.error({ projection: this.name, position: failure.position, err: error.cause }, error.message);
    this.markFailed(failure.error, failure.position);
  }

  /** The projection could not even be prepared (its `setup` threw): it stays failed, the others start. */
  failToStart(error: unknown): void {
    const reason = `setup failed: ${describeError(error)}`;
    this.ctx.logger.error({ projection: this.name, err: error }, reason);
    this.markFailed(reason, null);
  }

  private markFailed(reason: string, failedPosition: GlobalPosition | null): void {
    this.state = 'failed';
    this.lastError = reason;
    this.failedPosition = failedPosition;
    this.tracker.fail(new ProjectionFailedError(this.name, reason, failedPosition));
  }

  private supersede(error: CheckpointConflictError): void {
    // Routine with two engines on one database: the runner's standby takes the projection over if the other stops.
    this.ctx.logger.warn({ projection: this.name }, `${error.message}; standing by`);
    this.state = 'superseded';
    this.lastError = error.message;
    this.tracker.fail(new ProjectionFailedError(this.name, error.message, null));
  }
}
