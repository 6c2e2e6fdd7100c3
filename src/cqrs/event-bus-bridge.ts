import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { LOGGER } from '../app.tokens.js';
import { SQL_DATABASE, type SqlDatabase } from '../database/sql-database.port.js';
import { CheckpointedConsumer } from '../event-store/consumers/checkpointed-consumer.js';
import { EVENT_STORE, type EventStore, type GlobalPosition } from '../event-store/event-store.port.js';
import type { Logger } from '../logging/logger.js';
import { rehydrate } from './event-class-registry.js';
import { DEFAULT_REACTOR_CHECKPOINT_INTERVAL_MS, REACTORS_OPTIONS, type ReactorsOptions } from './reactors-options.js';

/**
 * The only thing that publishes to the @nestjs/cqrs EventBus: a checkpointed subscription to the event store, so
 * in-process `@EventsHandler`s see every stored event, in log order, after restarts too — never an event that was
 * only published in memory and not stored.
 */
@Injectable()
export class EventBusBridge implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: CheckpointedConsumer;

  constructor(
    private readonly eventBus: EventBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(REACTORS_OPTIONS) private readonly options: ReactorsOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = new CheckpointedConsumer({
      store: this.store,
      db: this.db,
      logger: this.logger,
      pollIntervalMs: this.options.pollIntervalMs,
      retry: this.options.retry,
      // In-process handlers are told events at least once; after a crash they may hear the last few again.
      checkpointPerBatch: true,
      checkpointIntervalMs: this.options.checkpointIntervalMs ?? DEFAULT_REACTOR_CHECKPOINT_INTERVAL_MS,
      standbyCheckMs: this.options.standbyCheckMs,
      takeoverAfterMs: this.options.takeoverAfterMs,
      handler: {
        name: 'event-bus',
        handle: async (recorded) => {
          this.eventBus.publish(rehydrate(recorded));
        },
      },
    });
    if (this.options.autoStart) await this.consumer.start();
  }

  async start(): Promise<void> {
    await this.consumer?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  /** The consumer behind the bridge, for an operator to list and replay what it parked; absent before bootstrap. */
  get checkpointedConsumer(): CheckpointedConsumer | undefined {
    return this.consumer;
  }

  waitUntilIdle(position?: GlobalPosition | null, timeoutMs = 30_000): Promise<void> {
    return this.consumer?.waitUntilCaughtUp(position, { timeoutMs }) ?? Promise.resolve();
  }
}
