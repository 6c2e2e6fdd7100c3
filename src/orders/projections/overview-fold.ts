import type { GlobalPosition, RecordedEvent } from '../../event-store/event-store.port.js';
import { toStoredOrderEvent } from '../commands/order-stream-reader.js';
import { evolve } from '../domain/evolve.js';
import type { OrderKey } from '../domain/order-key.js';
import { initialState, type OrderState } from '../domain/order-state.js';
import { summariseOrder } from '../domain/order-summary.js';
import { upcast } from '../domain/upcast.js';
import { evolveOrderFacts, initialOrderFacts, type OverviewFacts } from './order-facts.js';

/**
 * Everything one overview row is computed from: the domain state (folded by the domain's own `upcast` + `evolve`, so
 * the overview shows exactly what decisions see), the order facts, and where the stream stands. The projection
 * stores it per stream so the next event folds onto it without re-reading the stream; the audit folds it from the
 * stream to check the stored one.
 */
export interface OverviewFold {
  readonly stream: string;
  /** Revision of the last folded event; -1 before the first. */
  readonly revision: number;
  readonly position: GlobalPosition | null;
  readonly firstSeenAt: string | null;
  readonly lastEventAt: string | null;
  readonly lastEventType: string | null;
  /**
   * Events this code could not fold: unknown types or versions (written by a newer deployment) and data the domain
   * could not read. They are skipped, as `loadOrder` skips them, and counted so the overview can flag the order.
   */
  readonly unreadableEvents: number;
  readonly state: OrderState;
  readonly facts: OverviewFacts;
}

export function initialOverviewFold(stream: string): OverviewFold {
  return {
    stream,
    revision: -1,
    position: null,
    firstSeenAt: null,
    lastEventAt: null,
    lastEventType: null,
    unreadableEvents: 0,
    state: initialState(),
    facts: initialOrderFacts(),
  };
}

/** Folds one recorded event of the fold's stream. */
export function foldRecordedEvent(fold: OverviewFold, recorded: RecordedEvent): OverviewFold {
  const moved = {
    ...fold,
    revision: recorded.revision,
    position: recorded.position,
    firstSeenAt: fold.firstSeenAt ?? recorded.recordedAt,
    lastEventAt: recorded.recordedAt,
    lastEventType: recorded.type,
  };
  const event = upcast(toStoredOrderEvent(recorded));
  if (!event) return { ...moved, unreadableEvents: fold.unreadableEvents + 1 };
  try {
    const state = evolve(fold.state, event);
    // Some malformed data passes `evolve` (it stores what it is given) and only breaks the summary later; checked
    // here so that such an event is skipped like the others instead of failing every later row of the order.
    summariseOrder(state);
    if (state.orderKey !== null && !isOrderKey(state.orderKey)) throw new Error('malformed order key');
    return { ...moved, state, facts: evolveOrderFacts(fold.facts, event) };
  } catch {
    // `upcast` checks the envelope, not every nested field: a stored event whose data lacks what `evolve` reads must
    // not stop the whole overview. It is skipped and counted, exactly as a fresh fold in the audit will do.
    return { ...moved, unreadableEvents: fold.unreadableEvents + 1 };
  }
}

/** Folds a whole stream (or its first events), in revision order. */
export function foldOverview(stream: string, events: readonly RecordedEvent[]): OverviewFold {
  return events.reduce(foldRecordedEvent, initialOverviewFold(stream));
}

function isOrderKey(key: OrderKey): boolean {
  return (
    typeof key === 'object' &&
    typeof key.marketplace === 'string' &&
    key.marketplace !== '' &&
    typeof key.marketplaceOrderId === 'string' &&
    key.marketplaceOrderId !== ''
  );
}
