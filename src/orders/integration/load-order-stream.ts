import type { EventStore } from '../../event-store/event-store.port.js';
import { toStoredOrderEvent } from '../commands/order-stream-reader.js';
import { evolve } from '../domain/evolve.js';
import { initialState, type OrderState } from '../domain/order-state.js';
import { upcast } from '../domain/upcast.js';

/**
 * Folds an order stream found by name. Several events (shop changes, action outcomes) carry no order key, only the
 * stream they are in; the key is then read from the folded state.
 */
export async function loadOrderStream(store: EventStore, stream: string): Promise<OrderState> {
  let state = initialState();
  for (const recorded of await store.readStream(stream)) {
    const event = upcast(toStoredOrderEvent(recorded));
    if (event) state = evolve(state, event);
  }
  return state;
}
