import type { ActionType } from './marketplace-definition.js';
import { orderStreamName, type OrderKey } from './order-key.js';

/**
 * Deterministic keys for every side effect, derived from the order key and the stream's own counters, so a retried
 * command or a replayed saga produces the same key and the ports can deduplicate (event-sourcing-notes.md §5).
 * Packages are keyed by position, not by `delivery.id`, because Lengow changes delivery ids on existing orders.
 */
export const idempotencyKeys = {
  shopOrder: (key: OrderKey, packageIndex: number, generation: number) =>
    `${orderStreamName(key)}:shop-order:${packageIndex}:${generation}`,
  /** One per order, never per generation: a re-import must not decrement stock a second time. */
  stockDecrement: (key: OrderKey) => `${orderStreamName(key)}:stock`,
  merchantOrderIds: (key: OrderKey, generation: number) => `${orderStreamName(key)}:moi:${generation}`,
  resynchronisation: (key: OrderKey, generation: number, sequence: number) =>
    `${orderStreamName(key)}:moi:${generation}:resync:${sequence}`,
  actionRequest: (key: OrderKey, actionType: ActionType, sequence: number) =>
    `${orderStreamName(key)}:action:${actionType}:${sequence}`,
  /** A re-send is a new try of the same request, hence a new key: Lengow has no idempotency key of its own. */
  actionTry: (requestKey: string, tryNumber: number) => `${requestKey}:try:${tryNumber}`,
  actionAttempt: (tryKey: string, line: string | null) =>
    line === null ? `${tryKey}:order` : `${tryKey}:line:${line}`,
};
