import { evolve } from './evolve.js';
import { CURRENT_SCHEMA_VERSIONS, type OrderEvent, type OrderEventType } from './order-events.js';
import { initialState, type OrderState } from './order-state.js';

/** An event as read back from the store: its data is whatever JSON was written by whichever version of the code. */
export interface StoredOrderEvent {
  readonly type: string;
  /** Absent on events written before versioning: those are version 1. */
  readonly schemaVersion?: number | null;
  readonly data: unknown;
}

/** Turns version n of an event's data into version n + 1. */
export type UpcastStep = (data: Record<string, unknown>) => Record<string, unknown>;
export type UpcasterTable = Partial<Record<string, Readonly<Record<number, UpcastStep>>>>;

/**
 * No order event has changed shape incompatibly yet, so the table is empty (added optional fields keep the version:
 * see CURRENT_SCHEMA_VERSIONS). When one does: bump its version in CURRENT_SCHEMA_VERSIONS and add the step from the
 * old version here, keyed by the old version number.
 */
export const ORDER_EVENT_UPCASTERS: UpcasterTable = {};

/**
 * Builds an upcaster for a version table. Unknown types, malformed data and versions newer than this code (written by a
 * newer deployment) come back as null: the caller skips them and should alert, rather than `evolve` guessing.
 */
export function createUpcaster(currentVersions: Readonly<Record<string, number>>, steps: UpcasterTable) {
  return (stored: StoredOrderEvent): OrderEvent | null => {
    if (!stored || typeof stored.type !== 'string' || !Object.hasOwn(currentVersions, stored.type)) return null;
    if (typeof stored.data !== 'object' || stored.data === null || Array.isArray(stored.data)) return null;
    const current = currentVersions[stored.type]!;
    let version = stored.schemaVersion ?? 1;
    if (!Number.isInteger(version) || version < 1 || version > current) return null;
    let data = stored.data as Record<string, unknown>;
    while (version < current) {
      const step = steps[stored.type]?.[version];
      if (!step) return null;
      data = step(data);
      version += 1;
    }
    return { type: stored.type as OrderEventType, schemaVersion: current, data } as OrderEvent;
  };
}

export const upcast = createUpcaster(CURRENT_SCHEMA_VERSIONS, ORDER_EVENT_UPCASTERS);

/** Rebuilds an order's state from its stored stream. */
export function foldOrderEvents(stored: readonly StoredOrderEvent[]): OrderState {
  let state = initialState();
  for (const event of stored) {
    const upcasted = upcast(event);
    if (upcasted) state = evolve(state, upcasted);
  }
  return state;
}
