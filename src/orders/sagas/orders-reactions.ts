import { Inject, Injectable, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER } from '../../app.tokens.js';
import { DurableSagaRunner } from '../../cqrs/durable-saga-runner.js';
import {
  DEFAULT_REACTOR_CHECKPOINT_INTERVAL_MS,
  DEFAULT_SAGA_CONCURRENCY,
  REACTORS_OPTIONS,
  type ReactorsOptions,
} from '../../cqrs/reactors-options.js';
import { SQL_DATABASE, type SqlDatabase } from '../../database/sql-database.port.js';
import { CheckpointedConsumer } from '../../event-store/consumers/checkpointed-consumer.js';
import { EVENT_STORE, type EventStore, type GlobalPosition } from '../../event-store/event-store.port.js';
import { maxPosition } from '../../event-store/projections/position-ordinal.js';
import type { Logger } from '../../logging/logger.js';
import { ActionResultsPoller, type ActionResultsReport } from '../integration/action-results-poller.js';
import {
  ActionRequestRetrySweeper,
  DeferredActionRequests,
  type ActionRequestRetryReport,
  type DeferredActionRequest,
} from '../integration/deferred-action-requests.js';
import { FollowUpIndex } from '../integration/follow-up-index.js';
import { ImportRetrySweeper, type ImportRetryReport } from '../integration/import-retry-sweeper.js';
import { PeriodicTask } from '../integration/periodic-task.js';
import { PACE_STALL_MS, waitWhileMoving, type ReactionsPace } from '../import/reactions-pace.js';
import { ORDERS_REACTIONS_OPTIONS, type OrdersReactionsOptions } from '../integration/reactions-options.js';
import { ShopChangeFeedPoller, type ShopFeedReport } from '../integration/shop-change-feed-poller.js';

/**
 * The reactions' moving parts besides the sagas: the follow-up index consumer (open action attempts, due import
 * retries; started at boot unless `followUpIndex: false`) and the four periodic pollers. Pollers run on their own
 * only with `pollers: true`; each also runs on demand (`pollShopChanges`, `pollActionResults`, `sweepImportRetries`,
 * `retryActionRequests`), e.g. at the end of an import run or in tests.
 */
@Injectable()
export class OrdersReactions implements ReactionsPace, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly indexConsumer: CheckpointedConsumer;
  private readonly tasks: PeriodicTask[];
  private head: GlobalPosition | null = null;

  constructor(
    index: FollowUpIndex,
    readonly shopFeed: ShopChangeFeedPoller,
    readonly actionResults: ActionResultsPoller,
    readonly importRetries: ImportRetrySweeper,
    readonly actionRequests: ActionRequestRetrySweeper,
    private readonly deferred: DeferredActionRequests,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_DATABASE) db: SqlDatabase,
    @Inject(LOGGER) logger: Logger,
    @Inject(ORDERS_REACTIONS_OPTIONS) private readonly options: OrdersReactionsOptions,
    @Optional() private readonly sagas?: DurableSagaRunner,
    @Optional() @Inject(REACTORS_OPTIONS) reactors?: ReactorsOptions,
  ) {
    this.indexConsumer = new CheckpointedConsumer({
      store,
      db,
      logger,
      pollIntervalMs: reactors?.pollIntervalMs,
      retry: reactors?.retry,
      // The index rows are rewritten from the stream on every event, so a redelivery is harmless.
      checkpointPerBatch: true,
      checkpointIntervalMs: reactors?.checkpointIntervalMs ?? DEFAULT_REACTOR_CHECKPOINT_INTERVAL_MS,
      concurrency: reactors?.sagaConcurrency ?? DEFAULT_SAGA_CONCURRENCY,
      standbyCheckMs: reactors?.standbyCheckMs,
      takeoverAfterMs: reactors?.takeoverAfterMs,
      handler: index.consumer(),
    });
    this.tasks = [
      new PeriodicTask('shop-change-feed', options.shopFeedIntervalMs, () => shopFeed.pollNow(), logger),
      new PeriodicTask('action-results', options.actionResultsIntervalMs, () => actionResults.pollNow(), logger),
      new PeriodicTask('import-retries', options.importRetryIntervalMs, () => importRetries.sweepNow(), logger),
      new PeriodicTask(
        'action-requests',
        options.actionRequestRetryIntervalMs,
        () => actionRequests.sweepNow(),
        logger,
      ),
    ];
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.followUpIndex) await this.indexConsumer.start();
    if (this.options.pollers) this.startPollers();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stopPollers();
    await this.indexConsumer.stop();
  }

  startPollers(): void {
    for (const task of this.tasks) task.start();
  }

  async stopPollers(): Promise<void> {
    await Promise.all(this.tasks.map((task) => task.stop()));
  }

  pollShopChanges(): Promise<ShopFeedReport> {
    return this.shopFeed.pollNow();
  }

  pollActionResults(): Promise<ActionResultsReport> {
    return this.actionResults.pollNow();
  }

  sweepImportRetries(): Promise<ImportRetryReport> {
    return this.importRetries.sweepNow();
  }

  /** Asks again for the Lengow actions of shop changes deferred while their definition could not be read. */
  retryActionRequests(): Promise<ActionRequestRetryReport> {
    return this.actionRequests.sweepNow();
  }

  /** The shop changes still waiting for their Lengow action to be requested, with why and when next. */
  deferredActionRequests(): Promise<DeferredActionRequest[]> {
    return this.deferred.list();
  }

  /**
   * Resolves once the sagas and the follow-up index have nothing left to do: each has read to the end of the log, and
   * the events their own commands appended meanwhile have been read too (repeated until the log stops growing).
   */
  async waitUntilIdle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let head = await this.logHead();
    for (;;) {
      await this.waitForConsumers(undefined, Math.max(1, deadline - Date.now()));
      const next = await this.logHead();
      if (next === head) return;
      head = next;
    }
  }

  /**
   * Resolves once the sagas and the follow-up index have handled the log up to `position` (a position the caller
   * knows was written, e.g. read back from a stream). On PostgreSQL this is the reliable wait: an idle read there stops
   * below transactions still open anywhere in the database, so "read to the end" does not prove an event was seen.
   */
  waitForPosition(position: GlobalPosition, timeoutMs = 30_000): Promise<void> {
    return this.waitForConsumers(position, timeoutMs);
  }

  mark(): Promise<GlobalPosition | null> {
    return this.logHead();
  }

  keepUpWith(mark: GlobalPosition, signal?: AbortSignal): Promise<void> {
    return waitWhileMoving(
      () => this.waitForConsumers(mark, PACE_STALL_MS),
      () => this.progress(),
      signal,
    );
  }

  /** Grows with every event a running reaction handles or parks; unchanged means none of them moved. */
  private progress(): number {
    return this.running().reduce((sum, consumer) => {
      const { delivered, parked } = consumer.status();
      return sum + delivered + parked;
    }, 0);
  }

  private running(): CheckpointedConsumer[] {
    // Only running consumers: a test may keep the sagas stopped and issue their commands itself.
    return [...(this.sagas?.names ?? []).map((name) => this.sagas!.consumer(name)!), this.indexConsumer].filter(
      (consumer) => consumer.status().state === 'running',
    );
  }

  private async waitForConsumers(position: GlobalPosition | undefined, timeoutMs: number): Promise<void> {
    const consumers = this.running();
    await Promise.all(
      consumers.map((consumer) =>
        consumer.waitUntilCaughtUp(position, { timeoutMs }).catch((error: unknown) => {
          // Another engine process on the same database took this consumer over; this one has nothing left to do.
          if (consumer.status().state !== 'superseded') throw error;
        }),
      ),
    );
  }

  /**
   * Position of the last event in the log, as the store reports it without reading events. Never moves back: a mark
   * once handed out stays the lower bound of the next ones.
   */
  private async logHead(): Promise<GlobalPosition | null> {
    this.head = maxPosition(this.head, await this.store.headPosition());
    return this.head;
  }

  /** The follow-up index's consumer, for an operator to list and replay what it parked. */
  get followUpIndexConsumer(): CheckpointedConsumer {
    return this.indexConsumer;
  }

  indexStatus() {
    return this.indexConsumer.status();
  }
}
