import { AsyncMutex } from '../../database/async-mutex.js';
import type { SqlDatabase } from '../../database/sql-database.port.js';
import { silentLogger, type Logger } from '../../logging/logger.js';
import type { EventStore, GlobalPosition, RecordedEvent } from '../event-store.port.js';
import { CatchUpTracker } from '../projections/catch-up-tracker.js';
import { CheckpointConflictError } from '../projections/checkpoint-conflict.error.js';
import { describeError } from '../projections/describe-error.js';
import { InterruptibleSleep } from '../projections/interruptible-sleep.js';
import { matchesFilter } from '../projections/matches-filter.js';
import { maxPosition } from '../projections/position-ordinal.js';
import { backoffDelay, retryPolicy, type RetryPolicy } from '../projections/retry-policy.js';
import { eventsAfter, StalledCheckpoint } from '../projections/stalled-checkpoint.js';
import { StoppedError } from '../projections/stopped.error.js';
import { ConsumerCheckpoints } from './consumer-checkpoints.js';
import type { ConsumerHandler } from './consumer-handler.js';
import { ParkedEvents, type ParkedEvent } from './parked-events.js';

/** Events a consumer reads per batch unless told otherwise. */
export const DEFAULT_CONSUMER_BATCH_SIZE = 100;

export interface CheckpointedConsumerOptions {
  store: EventStore;
  /** Holds `consumer_checkpoints` and `parked_events` (the read-model database). */
  db: SqlDatabase;
  handler: ConsumerHandler;
  /** Events read per batch (default DEFAULT_CONSUMER_BATCH_SIZE); they are still handled one at a time. */
  batchSize?: number;
  /**
   * Write the checkpoint once per batch instead of after every handled event. Still at least once: a crash
   * redelivers the events handled since the last write (up to a batch), which idempotent handlers absorb; in exchange
   * a burst of events costs one checkpoint transaction (one fsync) per batch instead of one per event.
   */
  checkpointPerBatch?: boolean;
  /**
   * With `checkpointPerBatch`: at most one checkpoint write per this many ms while events keep coming (and one soon
   * after the consumer goes quiet, and one on stop). A crash redelivers what was handled since the last write.
   * Default 0: a write at the end of every batch.
   */
  checkpointIntervalMs?: number;
  /**
   * With `checkpointPerBatch`: how many streams of a batch are handled at once. Each stream's events are still
   * handled one at a time, in log order; events of different streams may complete out of log order. Default 1.
   */
  concurrency?: number;
  pollIntervalMs?: number;
  /** Attempts per event before it is parked, and the backoff between them (also paces store-outage retries). */
  retry?: Partial<RetryPolicy>;
  /**
   * While superseded, how often the stored checkpoint is looked at to tell whether the instance that moved it is still
   * at work. Default 5 000.
   */
  standbyCheckMs?: number;
  /**
   * A superseded instance takes the consumer over once events have waited this long behind a stored checkpoint that
   * did not move: the instance that moved it is gone or stuck. Default 30 000.
   */
  takeoverAfterMs?: number;
  logger?: Logger;
}

const DEFAULT_STANDBY_CHECK_MS = 5_000;
const DEFAULT_TAKEOVER_AFTER_MS = 30_000;

/**
 * `superseded`: another instance moved the checkpoint; this one stepped back and stands by, taking over (back to
 * `running`) if that instance stops making progress.
 */
export type ConsumerState = 'stopped' | 'running' | 'superseded';

export interface ConsumerStatus {
  name: string;
  state: ConsumerState;
  position: GlobalPosition | null;
  /** The last read found the end of the log. */
  caughtUp: boolean;
  /** Handler calls that succeeded since start. */
  delivered: number;
  /** Events parked since start. */
  parked: number;
  lastError: string | null;
  /** While superseded and watching the other instance, ready to take over: since when (ISO time). Otherwise null. */
  standbySince: string | null;
}

export interface ReplayOutcome {
  eventId: string;
  /** `missing`: not parked for this consumer, or no longer in the store where the row says. */
  outcome: 'handled' | 'failed' | 'missing';
  reason?: string;
}

/**
 * Delivers events to a handler with side effects, at least once, in log order, one at a time (the next event is read
 * only after the handler resolved: backpressure). The checkpoint moves only after the handler completed, so a crash
 * redelivers exactly the unfinished event. A handler that keeps throwing is retried with backoff up to
 * `retry.maxAttempts`; then the event is parked (`parked_events`) and the checkpoint moves past it in one
 * transaction — one bad event never stops the consumer. Parked events are listed and re-driven explicitly.
 *
 * With `checkpointPerBatch` the checkpoint is written per batch (or per `checkpointIntervalMs`) instead, and the
 * batch's streams may be handled `concurrency` at a time: still at least once, and still in log order within a stream.
 *
 * Store or database errors are retried without limit; a failed checkpoint write is retried with the next one (until
 * it succeeds, a crash redelivers the events it covers).
 *
 * Several processes may run the same consumer on one database; the conditional checkpoint write lets only one of
 * them work at a time. The others stand by (`superseded`) and take over when events wait behind a checkpoint that
 * stopped moving, so the consumer outlives the process that won.
 */
export class CheckpointedConsumer {
  private readonly checkpoints = new ConsumerCheckpoints();
  private readonly parkedEvents = new ParkedEvents();
  private readonly retry: RetryPolicy;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly logger: Logger;
  /** One handler call at a time, whether from the loop or from a replay. */
  private readonly handling = new AsyncMutex();
  private sleeper = new InterruptibleSleep();
  private tracker = new CatchUpTracker(null);
  private state: ConsumerState = 'stopped';
  private stopping = false;
  private position: GlobalPosition | null = null;
  /** The position last written to `consumer_checkpoints` (the expected value of the next conditional write). */
  private persisted: GlobalPosition | null = null;
  private persistedAt = 0;
  private readonly checkpointIntervalMs: number;
  private readonly concurrency: number;
  private readonly standbyCheckMs: number;
  private readonly takeoverAfterMs: number;
  private standbySince: string | null = null;
  private loop?: Promise<void>;
  private schema?: Promise<void>;
  private delivered = 0;
  private parkedCount = 0;
  private lastError: string | null = null;

  constructor(private readonly options: CheckpointedConsumerOptions) {
    const name = options.handler.name;
    if (typeof name !== 'string' || name.length === 0 || name.length > 200) {
      throw new Error(`a consumer needs a name of 1 to 200 characters, got ${JSON.stringify(name)}`);
    }
    this.retry = retryPolicy(options.retry);
    this.batchSize = options.batchSize ?? DEFAULT_CONSUMER_BATCH_SIZE;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.logger = (options.logger ?? silentLogger()).child({ consumer: name });
    this.checkpointIntervalMs = options.checkpointIntervalMs ?? 0;
    this.concurrency = options.concurrency ?? 1;
    this.standbyCheckMs = options.standbyCheckMs ?? DEFAULT_STANDBY_CHECK_MS;
    this.takeoverAfterMs = options.takeoverAfterMs ?? DEFAULT_TAKEOVER_AFTER_MS;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1)
      throw new Error('batchSize must be a positive integer');
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1)
      throw new Error('concurrency must be a positive integer');
    if (!(this.checkpointIntervalMs >= 0)) throw new Error('checkpointIntervalMs must be zero or more');
    // Zero would make the standby watch the checkpoint in a busy loop.
    if (!(this.standbyCheckMs > 0)) throw new Error('standbyCheckMs must be positive');
    if (!(this.takeoverAfterMs >= 0)) throw new Error('takeoverAfterMs must be zero or more');
  }

  get name(): string {
    return this.options.handler.name;
  }

  async start(): Promise<void> {
    if (this.state === 'running') throw new Error(`consumer ${this.name} is already running`);
    // A standby's loop is still watching: end it, so one loop at a time owns the position.
    if (this.loop) await this.stop();
    await this.ensureSchema();
    const row = await this.checkpoints.load(this.options.db, this.name);
    this.position = row.position;
    this.persisted = row.position;
    this.persistedAt = Date.now();
    this.sleeper = new InterruptibleSleep();
    this.tracker = new CatchUpTracker(row.position, () => this.sleeper.wake());
    this.stopping = false;
    this.state = 'running';
    this.loop = this.run();
  }

  /** Graceful: a handler call in progress completes (and is checkpointed); nothing new is delivered. */
  async stop(): Promise<void> {
    if (this.state !== 'running' && !this.loop) return;
    this.stopping = true;
    this.sleeper.abort();
    await this.loop;
    this.loop = undefined;
    if (this.state === 'running') this.state = 'stopped';
    this.tracker.fail(new StoppedError(`consumer ${this.name}`));
  }

  status(): ConsumerStatus {
    return {
      name: this.name,
      state: this.state,
      position: this.position,
      caughtUp: this.state === 'running' && this.tracker.idle,
      delivered: this.delivered,
      parked: this.parkedCount,
      lastError: this.lastError,
      standbySince: this.standbySince,
    };
  }

  /** Same contract as ProjectionRunner.waitUntilCaughtUp. */
  waitUntilCaughtUp(position?: GlobalPosition | null, options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.state !== 'running') return Promise.reject(new Error(`consumer ${this.name} is ${this.state}`));
    return this.tracker.wait(position, options.timeoutMs);
  }

  wake(): void {
    this.sleeper.wake();
  }

  async listParked(): Promise<ParkedEvent[]> {
    await this.ensureSchema();
    return this.parkedEvents.list(this.options.db, this.name);
  }

  /**
   * Hands parked events (one, or all in log order) to the handler again, once each: an operator re-drives them after
   * fixing the cause. Handled ones are removed; failing ones stay parked with the new reason. Serialised with the
   * running loop, so the handler still sees one event at a time.
   */
  async replayParked(eventId?: string): Promise<ReplayOutcome[]> {
    const parked = (await this.listParked()).filter((row) => eventId === undefined || row.eventId === eventId);
    if (eventId !== undefined && parked.length === 0) {
      return [{ eventId, outcome: 'missing', reason: `no event ${eventId} is parked for ${this.name}` }];
    }
    const outcomes: ReplayOutcome[] = [];
    for (const row of parked) {
      const [event] = await this.options.store.readStream(row.stream, { fromRevision: row.revision, maxCount: 1 });
      if (!event || event.id !== row.eventId) {
        outcomes.push({
          eventId: row.eventId,
          outcome: 'missing',
          reason: `not found at ${row.stream}@${row.revision}`,
        });
        continue;
      }
      try {
        await this.handling.runExclusive(() => this.options.handler.handle(event));
      } catch (error) {
        const reason = describeError(error);
        await this.parkedEvents.park(this.options.db, this.name, event, reason, 1);
        outcomes.push({ eventId: row.eventId, outcome: 'failed', reason });
        continue;
      }
      await this.parkedEvents.remove(this.options.db, this.name, row.eventId);
      this.logger.info({ eventId: row.eventId }, 'parked event replayed');
      outcomes.push({ eventId: row.eventId, outcome: 'handled' });
    }
    return outcomes;
  }

  private ensureSchema(): Promise<void> {
    this.schema ??= this.options.db
      .transaction(async (tx) => {
        // Same race as the projection catalog: concurrent CREATE TABLE IF NOT EXISTS on PostgreSQL can collide.
        if (tx.dialect === 'postgres') await tx.query(`SELECT pg_advisory_xact_lock(hashtext('consumer_catalog'))`);
        await this.checkpoints.ensureSchema(tx);
        await this.parkedEvents.ensureSchema(tx);
      })
      .catch((error: unknown) => {
        this.schema = undefined;
        throw error;
      });
    return this.schema;
  }

  private async run(): Promise<void> {
    let infraFailures = 0;
    while (this.state === 'running' && !this.stopping) {
      try {
        const idle = await this.cycle();
        infraFailures = 0;
        if (!idle) continue;
        if (this.position === this.persisted) {
          await this.sleeper.sleep(this.pollIntervalMs, { wakeable: true });
        } else {
          // Quiet with a checkpoint still unwritten: write it once the interval is up, unless events arrive first.
          const wait = Math.max(0, this.persistedAt + this.checkpointIntervalMs - Date.now());
          await this.sleeper.sleep(Math.min(wait, this.pollIntervalMs), { wakeable: true });
          if (Date.now() - this.persistedAt >= this.checkpointIntervalMs) await this.persist();
        }
      } catch (error) {
        if (error instanceof CheckpointConflictError) {
          this.supersede(error);
          if (await this.standBy()) continue;
          return;
        }
        infraFailures++;
        this.lastError = describeError(error);
        this.logger.warn({ err: error, attempt: infraFailures }, 'consumer cycle failed; retrying');
        await this.sleeper.sleep(backoffDelay(this.retry, infraFailures), { wakeable: false });
      }
    }
    if (this.state !== 'running') return;
    // A graceful stop writes what was handled, so a restart does not redeliver it.
    try {
      await this.persist();
    } catch (error) {
      if (error instanceof CheckpointConflictError) this.supersede(error);
      else this.logger.warn({ err: error }, 'checkpoint write on stop failed; the last events will be redelivered');
    }
  }

  private supersede(error: CheckpointConflictError): void {
    // Routine with two engines on one database: the other instance runs it and this one stands by to take over.
    this.logger.warn(`${error.message}; standing by`);
    this.state = 'superseded';
    this.lastError = error.message;
    this.tracker.fail(error);
  }

  /**
   * Watches the stored checkpoint while another instance runs this consumer (see StalledCheckpoint); resolves true
   * once this one took over, false when stopped. Taking over from an instance that was merely slow is safe: handlers
   * are idempotent, and the next conflicting write sends one of the two back to standby.
   */
  private async standBy(): Promise<boolean> {
    this.standbySince = new Date().toISOString();
    this.logger.info(
      { standbyCheckMs: this.standbyCheckMs, takeoverAfterMs: this.takeoverAfterMs },
      'consumer standing by',
    );
    const stalled = new StalledCheckpoint(this.takeoverAfterMs);
    try {
      while (!this.stopping) {
        await this.sleeper.sleep(this.standbyCheckMs, { wakeable: false });
        if (this.stopping) break;
        let stored: GlobalPosition | null;
        let waiting: boolean;
        try {
          stored = await this.checkpoints.position(this.options.db, this.name);
          waiting = await eventsAfter(this.options.store, stored);
        } catch (error) {
          this.logger.warn({ err: error }, 'standby check failed; retrying');
          continue;
        }
        const waited = stalled.observe(stored, waiting);
        if (waited === null) continue;
        this.takeOver(stored, waited);
        return true;
      }
      return false;
    } finally {
      this.standbySince = null;
    }
  }

  private takeOver(position: GlobalPosition | null, stalledMs: number): void {
    this.logger.warn(
      { position, stalledMs },
      `consumer ${this.name}: events waited ${stalledMs} ms behind a checkpoint nobody moved; taking over at it`,
    );
    this.position = position;
    this.persisted = position;
    this.persistedAt = Date.now();
    // The old tracker was failed by the conflict; waits from now on follow this loop.
    this.tracker = new CatchUpTracker(position, () => this.sleeper.wake());
    this.lastError = null;
    this.state = 'running';
  }

  /** One batch; returns whether the read reached the end of the log. */
  private async cycle(): Promise<boolean> {
    const read = this.tracker.beginRead();
    const batch = await this.options.store.readAll({ fromPosition: this.position, maxCount: this.batchSize });
    const completed = this.options.checkpointPerBatch ? await this.deliverBatch(batch) : await this.deliverEach(batch);
    if (!completed) return false;
    const idle = batch.length < this.batchSize;
    this.tracker.endRead(read, idle);
    return idle;
  }

  /** One event at a time, each checkpointed before the next is handled. False when interrupted by stop(). */
  private async deliverEach(batch: RecordedEvent[]): Promise<boolean> {
    // Events the filter skips need no checkpoint of their own; the next handled event's write, or one at the end of
    // the batch, covers them.
    let skipped: GlobalPosition | null = null;
    for (const event of batch) {
      if (this.stopping) {
        if (skipped !== null) await this.advance(skipped);
        return false;
      }
      if (!matchesFilter(this.options.handler.filter, event)) {
        skipped = event.position;
        continue;
      }
      if (!(await this.deliver(event))) {
        if (skipped !== null) await this.advance(skipped);
        return false;
      }
      skipped = null;
    }
    if (skipped !== null) await this.advance(skipped);
    return true;
  }

  /**
   * `checkpointPerBatch`: the batch's streams handled `concurrency` at a time, each stream's events in order, then
   * the position moved past the whole batch. A stop in the middle moves nothing: the batch is delivered again after
   * the restart, which idempotent handlers absorb.
   */
  private async deliverBatch(batch: RecordedEvent[]): Promise<boolean> {
    if (batch.length === 0) return true;
    const wanted = batch.filter((event) => matchesFilter(this.options.handler.filter, event));
    // One at a time keeps plain log order; otherwise one lane per stream.
    const lanes = new Map<string, RecordedEvent[]>();
    if (this.concurrency > 1) {
      for (const event of wanted) {
        const lane = lanes.get(event.stream);
        if (lane) lane.push(event);
        else lanes.set(event.stream, [event]);
      }
    }
    const queue = this.concurrency > 1 ? [...lanes.values()] : wanted.length > 0 ? [wanted] : [];
    let interrupted = false;
    const work = async () => {
      for (let lane = queue.shift(); lane && !interrupted; lane = queue.shift()) {
        for (const event of lane) {
          if (this.stopping || !(await this.deliverInBatch(event))) {
            interrupted = true;
            return;
          }
        }
      }
    };
    await this.handling.runExclusive(() =>
      Promise.all(Array.from({ length: Math.min(this.concurrency, queue.length) }, work)),
    );
    if (interrupted) return false;
    this.moved(batch[batch.length - 1].position);
    if (Date.now() - this.persistedAt >= this.checkpointIntervalMs) await this.persist();
    return true;
  }

  /** Handles (or, after the retries, parks) one event of a batch; no checkpoint. False when interrupted by stop(). */
  private async deliverInBatch(event: RecordedEvent): Promise<boolean> {
    const outcome = await this.attempt(event, () => this.options.handler.handle(event));
    if (outcome === 'stopped') return false;
    if (outcome === 'handled') return true;
    await this.parkedEvents.park(this.options.db, this.name, event, outcome.reason, this.retry.maxAttempts);
    this.recordParked(event, outcome.reason);
    return true;
  }

  /** Handles (or parks) one event and moves the checkpoint past it. False when interrupted by stop(). */
  private async deliver(event: RecordedEvent): Promise<boolean> {
    const outcome = await this.attempt(event, () =>
      this.handling.runExclusive(() => this.options.handler.handle(event)),
    );
    if (outcome === 'stopped') return false;
    if (outcome === 'handled') {
      // A failure here propagates: the event will be delivered again, as at-least-once allows.
      await this.advance(event.position);
      return true;
    }
    const expected = this.persisted;
    await this.options.db.transaction(async (tx) => {
      await this.parkedEvents.park(tx, this.name, event, outcome.reason, this.retry.maxAttempts);
      await this.checkpoints.advance(tx, this.name, expected, event.position);
    });
    this.persisted = event.position;
    this.persistedAt = Date.now();
    this.moved(event.position);
    this.recordParked(event, outcome.reason);
    return true;
  }

  /**
   * Runs the handler up to `retry.maxAttempts` times with backoff: `handled`, the last failure's reason once the
   * attempts are spent, or `stopped` when stop() came during a backoff (the event stays unhandled, to be delivered
   * again after the restart).
   */
  private async attempt(
    event: RecordedEvent,
    handle: () => Promise<void>,
  ): Promise<'handled' | 'stopped' | { reason: string }> {
    let failure: unknown;
    for (let attempt = 1; attempt <= this.retry.maxAttempts; attempt++) {
      try {
        await handle();
        this.delivered++;
        this.lastError = null;
        return 'handled';
      } catch (error) {
        failure = error;
      }
      this.lastError = describeError(failure);
      this.logger.warn({ eventId: event.id, position: event.position, attempt, err: failure }, 'handler failed');
      if (attempt < this.retry.maxAttempts) {
        await this.sleeper.sleep(backoffDelay(this.retry, attempt), { wakeable: false });
        if (this.stopping) return 'stopped';
      }
    }
    return { reason: describeError(failure) };
  }

  private recordParked(event: RecordedEvent, reason: string): void {
    this.parkedCount++;
    this.logger.error({ eventId: event.id, type: event.type, position: event.position, reason }, 'event parked');
  }

  /** Writes the checkpoint at `position` (before anything later is handled) and moves there. */
  /**
   * Per-event delivery: the checkpoint is stored before waiters hear of the position, so `waitUntilCaughtUp` means
   * "handled and checkpointed" there (a caller may read the stored checkpoint right after, as an operator would).
   */
  private async advance(position: GlobalPosition): Promise<void> {
    this.position = position;
    await this.persist();
  }

  /** Writes the in-memory position, conditional on the last one written (a stale instance finds out here). */
  private async persist(): Promise<void> {
    const target = this.position;
    if (target === null || target === this.persisted) return;
    await this.checkpoints.advance(this.options.db, this.name, this.persisted, target);
    this.persisted = target;
    this.persistedAt = Date.now();
    // Batches already told waiters when they were handled; a write that failed and succeeded later tells them now.
    this.tracker.advance(maxPosition(this.tracker.position, target)!);
  }

  private moved(position: GlobalPosition): void {
    this.position = position;
    this.tracker.advance(position);
  }
}
