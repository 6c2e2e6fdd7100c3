import type { EventStore, EventToAppend, RecordedEvent } from '../../event-store/event-store.port.js';
import { WrongExpectedRevision } from '../../event-store/wrong-expected-revision.error.js';
import { decide } from '../domain/decide.js';
import { evolve } from '../domain/evolve.js';
import type { OrderCommand } from '../domain/order-commands.js';
import type { OrderEvent } from '../domain/order-events.js';
import type { OrderKey } from '../domain/order-key.js';
import type { OrderState } from '../domain/order-state.js';
import type { CommandMetadata } from './command-metadata.js';
import { commandOrderKey } from './command-order-key.js';
import { eventIdFor } from './order-event-ids.js';
import { OrderStreamReader } from './order-stream-reader.js';
import { requireOrderRevision } from './require-order-revision.js';
import { StaleOrderRevision } from './stale-order-revision.error.js';

export interface OrderCommandResult {
  orderKey: OrderKey;
  stream: string;
  /** Events this command appended; empty when its outcome already held (idempotent repeat). */
  appended: OrderEvent[];
  /** Stream revision after the command (-1: the stream still does not exist). */
  revision: number;
  state: OrderState;
}

export interface ExecuteOptions {
  /**
   * Optimistic concurrency from the caller (HTTP If-Match, the bus's `expectedRevision`): StaleOrderRevision unless the
   * stream is at this revision when the events are appended. Never retried.
   */
  expectedRevision?: number;
}

/**
 * Load → decide → append with the revision that was read. Two writers racing on one order: the loser re-reads and
 * decides again (decide is pure, so that is safe), a bounded number of times. Deterministic event ids make a repeated
 * command a no-op at the store too.
 *
 * Loads go through the reader's cache (one read of the events appended since). The events this command appends are
 * not put in the cache: the store answers a retried append (same event ids, already stored) with the original result,
 * so an acknowledged append does not prove that what is stored is this command's version of the events (their `now`
 * may differ). The next load reads them back instead, which costs the few rows just written.
 */
export class OrderCommandExecutor {
  /** `reader` must read `store`; the app shares one (OrderStreamsModule) with the integration handlers. */
  constructor(
    private readonly store: EventStore,
    private readonly reader: OrderStreamReader = new OrderStreamReader(store),
    private readonly maxConflictRetries = 5,
  ) {}

  async execute(
    command: OrderCommand,
    metadata: CommandMetadata,
    options: ExecuteOptions = {},
  ): Promise<OrderCommandResult> {
    const orderKey = commandOrderKey(command);
    for (let attempt = 0; ; attempt++) {
      const loaded = await this.reader.load(orderKey);
      requireOrderRevision(loaded.stream, options.expectedRevision, loaded.revision);
      const events = decide(command, loaded.state);
      if (events.length === 0) {
        return { orderKey, stream: loaded.stream, appended: [], revision: loaded.revision, state: loaded.state };
      }
      try {
        const result = await this.store.append(
          loaded.stream,
          events.map((e, i) => toAppend(e, i, metadata)),
          {
            expectedRevision: loaded.revision === -1 ? 'no_stream' : loaded.revision,
          },
        );
        const state = events.reduce(evolve, loaded.state);
        return { orderKey, stream: loaded.stream, appended: events, revision: result.nextExpectedRevision, state };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevision)) throw error;
        this.reader.forget(loaded.stream);
        // The stream moved between the load and the append: past the caller's revision, which no retry brings back,
        // so the caller hears what the load would have told it a moment later rather than "send it again".
        if (options.expectedRevision !== undefined) {
          const actual = error.actual === 'no_stream' ? -1 : error.actual;
          throw new StaleOrderRevision(loaded.stream, options.expectedRevision, actual);
        }
        if (attempt >= this.maxConflictRetries) throw error;
      }
    }
  }
}

function toAppend(event: OrderEvent, index: number, metadata: CommandMetadata): EventToAppend {
  return {
    id: eventIdFor(metadata.commandId, index),
    type: event.type,
    data: event.data as unknown as Record<string, unknown>,
    metadata: {
      correlationId: metadata.correlationId ?? metadata.commandId,
      causationId: metadata.causationId ?? metadata.commandId,
      actor: metadata.actor,
      commandId: metadata.commandId,
      schemaVersion: event.schemaVersion,
    },
  };
}

export type { RecordedEvent };
