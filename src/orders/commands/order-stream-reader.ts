import type { EventStore, RecordedEvent } from '../../event-store/event-store.port.js';
import { evolve } from '../domain/evolve.js';
import type { OrderKey } from '../domain/order-key.js';
import { orderStreamName } from '../domain/order-key.js';
import { initialState, type OrderState } from '../domain/order-state.js';
import { upcast } from '../domain/upcast.js';

export interface LoadedOrder {
  stream: string;
  state: OrderState;
  /** Revision of the last event, or -1 for a stream that does not exist yet. */
  revision: number;
  events: RecordedEvent[];
}

/** Stored events carry their data shape version in metadata; the domain upcasts before folding. */
export function toStoredOrderEvent(event: RecordedEvent) {
  const version = event.metadata.schemaVersion;
  return { type: event.type, schemaVersion: typeof version === 'number' ? version : null, data: event.data };
}

/** Reads an order stream and folds it into the domain state, optionally only up to a revision. */
export async function loadOrder(store: EventStore, key: OrderKey, upToRevision?: number): Promise<LoadedOrder> {
  const stream = orderStreamName(key);
  const all = await store.readStream(stream);
  const events = upToRevision === undefined ? all : all.filter((e) => e.revision <= upToRevision);
  let state = initialState();
  for (const recorded of events) {
    const event = upcast(toStoredOrderEvent(recorded));
    if (event) state = evolve(state, event);
  }
  return { stream, state, revision: events.length === 0 ? -1 : events[events.length - 1].revision, events };
}
