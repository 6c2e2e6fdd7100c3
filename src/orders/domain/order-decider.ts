import { decide } from './decide.js';
import { evolve } from './evolve.js';
import type { OrderCommand } from './order-commands.js';
import type { OrderEvent } from './order-events.js';
import { initialState, type OrderState } from './order-state.js';

export interface Decider<Command, Event, State> {
  readonly decide: (command: Command, state: State) => Event[];
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: () => State;
}

/** The order lifecycle as a decider: load the stream, fold `evolve` from `initialState`, `decide`, append. */
export const orderDecider: Decider<OrderCommand, OrderEvent, OrderState> = { decide, evolve, initialState };
