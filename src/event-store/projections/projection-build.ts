import type { GlobalPosition, RecordedEvent } from '../event-store.port.js';
import { applyEvents } from './apply-events.js';
import { CheckpointConflictError } from './checkpoint-conflict.error.js';
import { physicalTables, sameBases } from './physical-tables.js';
import { maxPosition, positionOrdinal } from './position-ordinal.js';
import type { ProjectionTables } from './projection.js';
import { ProjectionBatchError } from './projection-batch.error.js';
import type { BuildRow } from './projection-catalog.js';
import { ProjectionHandlerError } from './projection-handler.error.js';
import type { ProjectionSlot } from './projection-slot.js';
import type { RebuildPhase, RebuildProgress, RebuildResult } from './rebuild-progress.js';
import { backoffDelay } from './retry-policy.js';
import type { RunnerContext } from './runner-context.js';
import { StoppedError } from './stopped.error.js';

/**
 * A rebuild of one projection from the first event into a new generation of tables, beside the live ones.
 *
 * 1. Catch up batch by batch (each batch and the build's progress row in one transaction, so a restart resumes)
 *    while the live loop keeps serving and updating the old tables.
 * 2. Take the projection's lock — the live loop is then between batches and its checkpoint cannot move — read on
 *    to the end of the log, and in one transaction point the base-name views at the new tables, drop the old ones,
 *    and move the checkpoint row to the new generation at the build's position. That position is at or after the
 *    live one: the build's last read started after the lock was taken, so it saw everything the live loop saw.
 */
export class ProjectionBuild {
  private processed: number;
  private position: GlobalPosition | null;
  private phase: RebuildPhase = 'building';
  private lastProgress: RebuildProgress;

  private constructor(
    private readonly slot: ProjectionSlot,
    private readonly ctx: RunnerContext,
    private readonly row: BuildRow,
    private readonly tables: ProjectionTables,
    private readonly onProgress?: (progress: RebuildProgress) => void,
  ) {
    this.processed = row.processed;
    this.position = row.position;
    this.lastProgress = this.snapshot(null);
  }

  /** Creates the new generation's tables (or reopens those of an interrupted build of the same version). */
  static async begin(
    slot: ProjectionSlot,
    ctx: RunnerContext,
    resume: BuildRow | undefined,
    onProgress?: (progress: RebuildProgress) => void,
  ): Promise<ProjectionBuild> {
    const { db, catalog } = ctx;
    const { projection } = slot;
    if (resume) {
      const tables = await catalog.tables(db, projection.name, resume.generation);
      if (sameBases(tables, projection.tables)) {
        await db.transaction((tx) => projection.setup(tx, tables));
        ctx.logger.info({ projection: projection.name, position: resume.position }, 'resuming rebuild');
        return new ProjectionBuild(slot, ctx, resume, tables, onProgress);
      }
    }
    const { row, tables } = await db.transaction(async (tx) => {
      const stale = await catalog.build(tx, projection.name);
      if (stale) {
        await catalog.removeBuild(tx, projection.name);
        await catalog.dropGeneration(tx, projection.name, stale.generation);
      }
      const generation = await catalog.nextGeneration(tx, projection.name);
      const tables = physicalTables(projection.tables, generation);
      for (const physical of Object.values(tables)) await tx.execute(`DROP TABLE IF EXISTS ${physical}`);
      await catalog.addTables(tx, projection.name, generation, tables);
      await projection.setup(tx, tables);
      await catalog.createBuild(tx, { name: projection.name, version: projection.version, generation });
      const row = await catalog.build(tx, projection.name);
      if (!row) throw new Error(`rebuild row of ${projection.name} vanished right after it was created`);
      return { row, tables };
    });
    ctx.logger.info({ projection: projection.name, generation: row.generation }, 'rebuild started');
    return new ProjectionBuild(slot, ctx, row, tables, onProgress);
  }

  progress(): RebuildProgress {
    return this.lastProgress;
  }

  async run(): Promise<RebuildResult> {
    await this.report();
    await this.catchUp();
    return this.slot.lock.runExclusive(async () => {
      await this.catchUp();
      this.phase = 'switching';
      await this.report();
      await this.switchOver();
      this.phase = 'done';
      await this.report();
      this.ctx.logger.info({ projection: this.slot.name, processed: this.processed }, 'rebuild switched over');
      return {
        projection: this.slot.name,
        version: this.row.version,
        generation: this.row.generation,
        position: this.position,
        processed: this.processed,
      };
    });
  }

  /** Reads and applies until a read comes back short (the end of the log as of that read). */
  private async catchUp(): Promise<void> {
    for (;;) {
      const batch = await this.withInfraRetry(() =>
        this.ctx.store.readAll({ fromPosition: this.position, maxCount: this.ctx.batchSize }),
      );
      this.ctx.noteSeen(batch.at(-1)?.position ?? null);
      if (batch.length > 0) {
        await this.commit(batch);
        await this.report();
      }
      if (batch.length < this.ctx.batchSize) return;
    }
  }

  private async commit(batch: RecordedEvent[]): Promise<void> {
    const { db, catalog, hooks } = this.ctx;
    const name = this.slot.name;
    const position = batch[batch.length - 1].position;
    let eventByEvent = false;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.withInfraRetry(() =>
          db.transaction(async (tx) => {
            await catalog.advanceBuild(tx, {
              name,
              generation: this.row.generation,
              expected: this.position,
              position,
              processed: this.processed + batch.length,
            });
            await applyEvents(this.slot.projection, batch, tx, this.tables, { eventByEvent });
            await hooks.beforeCheckpoint?.({ projection: name, phase: 'build', events: batch });
          }),
        );
        this.position = position;
        this.processed += batch.length;
        return;
      } catch (error) {
        if (error instanceof ProjectionBatchError && !eventByEvent) {
          // Not an attempt yet: the same events again, one by one, either pass or name the event that fails.
          eventByEvent = true;
          attempt--;
          this.ctx.logger.warn(
            { projection: name, err: error.cause },
            `rebuild: ${error.message}; retrying event by event`,
          );
          continue;
        }
        if (!(error instanceof ProjectionHandlerError) || attempt >= this.ctx.retry.maxAttempts) throw error;
        this.ctx.logger.warn({ projection: name, err: error.cause, attempt }, `rebuild: ${error.message}`);
        await this.slot.sleeper.sleep(backoffDelay(this.ctx.retry, attempt), { wakeable: false });
        if (this.ctx.stopping) throw new StoppedError(`rebuild of projection ${name}`);
      }
    }
  }

  private async switchOver(): Promise<void> {
    const { db, catalog } = this.ctx;
    const slot = this.slot;
    await this.withInfraRetry(() =>
      db.transaction(async (tx) => {
        // The checkpoint before the DDL: another engine's batch holds it while it writes the tables dropped here.
        await catalog.switchGeneration(tx, {
          name: slot.name,
          expectedGeneration: slot.generation,
          expectedPosition: slot.position,
          generation: this.row.generation,
          version: this.row.version,
          position: this.position,
        });
        await catalog.removeBuild(tx, slot.name);
        const previous = await catalog.tables(tx, slot.name, slot.generation);
        await catalog.pointViews(tx, this.tables, Object.keys(previous));
        await catalog.dropGeneration(tx, slot.name, slot.generation);
      }),
    );
    slot.adopt({
      generation: this.row.generation,
      version: this.row.version,
      tables: this.tables,
      position: this.position,
    });
  }

  /** Store or database trouble is retried without limit (until stop); handler errors and conflicts are not. */
  private async withInfraRetry<T>(work: () => Promise<T>): Promise<T> {
    for (let failures = 1; ; failures++) {
      if (this.ctx.stopping) throw new StoppedError(`rebuild of projection ${this.slot.name}`);
      try {
        return await work();
      } catch (error) {
        if (error instanceof ProjectionHandlerError || error instanceof CheckpointConflictError) throw error;
        this.ctx.logger.warn({ projection: this.slot.name, err: error, attempt: failures }, 'rebuild step failed');
        await this.slot.sleeper.sleep(backoffDelay(this.ctx.retry, failures), { wakeable: false });
      }
    }
  }

  private async report(): Promise<void> {
    const head = await this.ctx.head().catch(() => null);
    this.lastProgress = this.snapshot(head);
    this.ctx.reportProgress(this.lastProgress);
    if (!this.onProgress) return;
    try {
      this.onProgress(this.lastProgress);
    } catch (error) {
      this.ctx.logger.warn({ projection: this.slot.name, err: error }, 'rebuild progress listener threw');
    }
  }

  private snapshot(head: GlobalPosition | null): RebuildProgress {
    const targetPosition = maxPosition(
      maxPosition(head, this.ctx.highestSeen()),
      maxPosition(this.slot.position, this.position),
    );
    const estimate = positionOrdinal(targetPosition);
    const target =
      this.phase === 'done' ? this.processed : estimate === null ? null : Math.max(estimate, this.processed);
    return {
      projection: this.slot.name,
      version: this.row.version,
      phase: this.phase,
      processed: this.processed,
      target,
      position: this.position,
      targetPosition: this.phase === 'done' ? this.position : targetPosition,
    };
  }
}
