import { AsyncMutex } from '../../database/async-mutex.js';
import type { SqlDatabase } from '../../database/sql-database.port.js';
import { silentLogger, type Logger } from '../../logging/logger.js';
import type { EventStore, GlobalPosition, RecordedEvent } from '../event-store.port.js';
import { CatchUpTracker } from '../projections/catch-up-tracker.js';
import { CheckpointConflictError } from '../projections/checkpoint-conflict.error.js';
import { describeError } from '../projections/describe-error.js';
import { InterruptibleSleep } from '../projections/interruptible-sleep.js';
import { matchesFilter } from '../projections/matches-filter.js';
import { backoffDelay, retryPolicy, type RetryPolicy } from '../projections/retry-policy.js';
import { StoppedError } from '../projections/stopped.error.js';
import { ConsumerCheckpoints } from './consumer-checkpoints.js';
import type { ConsumerHandler } from './consumer-handler.js';
import { ParkedEvents, type ParkedEvent } from './parked-events.js';

export interface CheckpointedConsumerOptions {
  store: EventStore;
  /** Holds `consumer_checkpoints` and `parked_events` (the read-model database). */
  db: SqlDatabase;
  handler: ConsumerHandler;
  /** Events read per batch; they are still handled one at a time. */
  batchSize?: number;
  /**
   * Write the checkpoint once per batch instead of after every handled event. Still at least once: a crash
   * redelivers the events handled since the last write (up to a batch), which idempotent handlers absorb; in exchange
   * a burst of events costs one checkpoint transaction (one fsync) per batch instead of one per event.
   */
  checkpointPerBatch?: boolean;
  pollIntervalMs?: number;
  /** Attempts per event before it is parked, and the backoff between them (also paces store-outage retries). */
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
}

/** `superseded`: another instance moved the checkpoint; this one stepped back. */
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
 * Store or database errors are retried without limit; a failed checkpoint write means the event is delivered again.
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
  private loop?: Promise<void>;
  private schema?: Promise<void>;
  private delivered = 0;
  private parked = 0;
  private lastError: string | null = null;

  constructor(private readonly options: CheckpointedConsumerOptions) {
    const name = options.handler.name;
    if (typeof name !== 'string' || name.length === 0 || name.length > 200) {
      throw new Error(`a consumer needs a name of 1 to 200 characters, got ${JSON.stringify(name)}`);
    }
    this.retry = retryPolicy(options.retry);
    this.batchSize = options.batchSize ?? 100;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.logger = (options.logger ?? silentLogger()).child({ consumer: name });
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1)
      throw new Error('batchSize must be a positive integer');
  }

  get name(): string {
    return this.options.handler.name;
  }

  async start(): Promise<void> {
    if (this.state === 'running') throw new Error(`consumer ${this.name} is already running`);
    await this.ensureSchema();
    const row = await this.checkpoints.load(this.options.db, this.name);
    this.position = row.position;
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
      parked: this.parked,
      lastError: this.lastError,
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
        if (idle) await this.sleeper.sleep(this.pollIntervalMs, { wakeable: true });
      } catch (error) {
        if (error instanceof CheckpointConflictError) {
          this.logger.error(error.message);
          this.state = 'superseded';
          this.lastError = error.message;
          this.tracker.fail(error);
          return;
        }
        infraFailures++;
        this.lastError = describeError(error);
        this.logger.warn({ err: error, attempt: infraFailures }, 'consumer cycle failed; retrying');
        await this.sleeper.sleep(backoffDelay(this.retry, infraFailures), { wakeable: false });
      }
    }
  }

  /** One batch; returns whether the read reached the end of the log. */
  private async cycle(): Promise<boolean> {
    const read = this.tracker.beginRead();
    const batch = await this.options.store.readAll({ fromPosition: this.position, maxCount: this.batchSize });
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
      const delivered = await this.deliver(event);
      if (this.options.checkpointPerBatch && delivered === 'handled') {
        skipped = event.position;
        continue;
      }
      if (!delivered) {
        if (skipped !== null) await this.advance(skipped);
        return false;
      }
      skipped = null;
    }
    if (skipped !== null) await this.advance(skipped);
    const idle = batch.length < this.batchSize;
    this.tracker.endRead(read, idle);
    return idle;
  }

  /**
   * Handles (or parks) one event and moves the checkpoint past it — unless `checkpointPerBatch`, where a handled
   * event's checkpoint is left to the end of the batch (`'handled'`). False when interrupted by stop().
   */
  private async deliver(event: RecordedEvent): Promise<boolean | 'handled'> {
    let failure: unknown;
    for (let attempt = 1; attempt <= this.retry.maxAttempts; attempt++) {
      let handled = false;
      try {
        await this.handling.runExclusive(() => this.options.handler.handle(event));
        handled = true;
      } catch (error) {
        failure = error;
      }
      if (handled) {
        this.delivered++;
        this.lastError = null;
        if (this.options.checkpointPerBatch) return 'handled';
        // A failure here propagates: the event will be delivered again, as at-least-once allows.
        await this.advance(event.position);
        return true;
      }
      this.lastError = describeError(failure);
      this.logger.warn({ eventId: event.id, position: event.position, attempt, err: failure }, 'handler failed');
      if (attempt < this.retry.maxAttempts) {
        await this.sleeper.sleep(backoffDelay(this.retry, attempt), { wakeable: false });
        // Stopping mid-retry leaves the event unhandled and the checkpoint before it: delivered again after restart.
        if (this.stopping) return false;
      }
    }
    const reason = describeError(failure);
    const expected = this.position;
    await this.options.db.transaction(async (tx) => {
      await this.parkedEvents.park(tx, this.name, event, reason, this.retry.maxAttempts);
      await this.checkpoints.advance(tx, this.name, expected, event.position);
    });
    this.moved(event.position);
    this.parked++;
    this.logger.error({ eventId: event.id, type: event.type, position: event.position, reason }, 'event parked');
    return true;
  }

  private async advance(position: GlobalPosition): Promise<void> {
    await this.checkpoints.advance(this.options.db, this.name, this.position, position);
    this.moved(position);
  }

  private moved(position: GlobalPosition): void {
    this.position = position;
    this.tracker.advance(position);
  }
}
