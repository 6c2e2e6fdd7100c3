import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { CommandBus, type ICommand } from '@nestjs/cqrs';
import { catchError, lastValueFrom, of, toArray, throwError } from 'rxjs';
import { LOGGER } from '../app.tokens.js';
import { SQL_DATABASE, type SqlDatabase } from '../database/sql-database.port.js';
import { CheckpointedConsumer } from '../event-store/consumers/checkpointed-consumer.js';
import {
  EVENT_STORE,
  type EventFilter,
  type EventStore,
  type GlobalPosition,
  type RecordedEvent,
} from '../event-store/event-store.port.js';
import type { Logger } from '../logging/logger.js';
import { DURABLE_SAGA_METADATA, type DurableSagaDeclaration, type DurableSagaFn } from './durable-saga.decorator.js';
import { eventTypeOf, rehydrate } from './event-class-registry.js';
import {
  DEFAULT_REACTOR_CHECKPOINT_INTERVAL_MS,
  DEFAULT_SAGA_CONCURRENCY,
  REACTORS_OPTIONS,
  type ReactorsOptions,
} from './reactors-options.js';

interface SagaGroup {
  name: string;
  /** Null for a saga that declared no event classes: it is shown every event. */
  sagas: Array<{ key: string; fn: DurableSagaFn; eventTypes: ReadonlySet<string> | null }>;
  /** The union of the sagas' event types, when every saga declared its own; the consumer skips the rest unread. */
  filter?: EventFilter;
}

/**
 * Runs every `@DurableSaga` from the event store: one checkpointed consumer per saga class. For each event the
 * commands its sagas emit are executed one after another and awaited; only then does the consumer's checkpoint move.
 * A crash replays the unfinished event and the (idempotent) commands absorb the repeat; an event whose commands keep
 * failing is parked with the reason and the saga goes on with the next one.
 */
@Injectable()
export class DurableSagaRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumers = new Map<string, CheckpointedConsumer>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly commandBus: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(REACTORS_OPTIONS) private readonly options: ReactorsOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const group of this.discoverSagas()) {
      const consumer = new CheckpointedConsumer({
        store: this.store,
        db: this.db,
        logger: this.logger,
        pollIntervalMs: this.options.pollIntervalMs,
        retry: this.options.retry,
        // Sagas and bus handlers are idempotent, so a redelivery after a crash is harmless: a checkpoint write per
        // interval is enough, and different orders can be worked on at once (their commands then share commits).
        checkpointPerBatch: true,
        checkpointIntervalMs: this.options.checkpointIntervalMs ?? DEFAULT_REACTOR_CHECKPOINT_INTERVAL_MS,
        concurrency: this.options.sagaConcurrency ?? DEFAULT_SAGA_CONCURRENCY,
        standbyCheckMs: this.options.standbyCheckMs,
        takeoverAfterMs: this.options.takeoverAfterMs,
        handler: { name: group.name, filter: group.filter, handle: (event) => this.react(group, event) },
      });
      this.consumers.set(group.name, consumer);
    }
    if (this.options.autoStart) await this.start();
  }

  async start(): Promise<void> {
    for (const consumer of this.consumers.values()) await consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.consumers.values()].map((c) => c.stop()));
  }

  /** Resolves once every saga has handled the log up to `position` (default: the end when called). */
  async waitUntilIdle(position?: GlobalPosition | null, timeoutMs = 30_000): Promise<void> {
    await Promise.all(
      [...this.consumers.values()].map((c) =>
        c.waitUntilCaughtUp(position, { timeoutMs }).catch((error: unknown) => {
          // Another engine process runs this saga on the same database and this one stood down: nothing is left for
          // it to do, so it counts as idle.
          if (c.status().state !== 'superseded') throw error;
        }),
      ),
    );
  }

  wake(): void {
    for (const consumer of this.consumers.values()) consumer.wake();
  }

  consumer(name: string): CheckpointedConsumer | undefined {
    return this.consumers.get(name);
  }

  get names(): string[] {
    return [...this.consumers.keys()];
  }

  private async react(group: SagaGroup, recorded: RecordedEvent): Promise<void> {
    let event: ReturnType<typeof rehydrate> | undefined;
    for (const saga of group.sagas) {
      if (saga.eventTypes && !saga.eventTypes.has(recorded.type)) continue;
      event ??= rehydrate(recorded);
      const commands = await lastValueFrom(
        saga.fn(of(event)).pipe(
          toArray(),
          catchError((error: unknown) =>
            throwError(
              () => new Error(`saga ${group.name}.${saga.key} failed on ${recorded.type}: ${(error as Error).message}`),
            ),
          ),
        ),
      );
      for (const command of commands as ICommand[]) {
        if (command) await this.commandBus.execute(command);
      }
    }
  }

  private discoverSagas(): SagaGroup[] {
    const groups: SagaGroup[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string | symbol, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const declared: DurableSagaDeclaration[] | undefined = Reflect.getMetadata(
        DURABLE_SAGA_METADATA,
        instance.constructor,
      );
      if (!declared?.length) continue;
      const name = `saga:${instance.constructor.name}`;
      const sagas = declared.map(({ key, reactsTo }) => ({
        key: String(key),
        fn: (instance[key] as DurableSagaFn).bind(instance),
        eventTypes: reactsTo.length > 0 ? new Set(reactsTo.map((cls) => typeOfDeclared(name, key, cls))) : null,
      }));
      const everyDeclared = sagas.every((saga) => saga.eventTypes !== null);
      const filter = everyDeclared
        ? { eventTypes: [...new Set(sagas.flatMap((saga) => [...saga.eventTypes!]))] }
        : undefined;
      groups.push({ name, sagas, filter });
    }
    return groups;
  }
}

function typeOfDeclared(group: string, key: string | symbol, eventClass: unknown): string {
  const type = eventTypeOf(eventClass);
  // A class made by hand would never match a stored event: better to refuse the boot than to miss events silently.
  if (type === undefined) {
    throw new Error(`${group}.${String(key)} declares a class that is not an event class (defineEventClass)`);
  }
  return type;
}
