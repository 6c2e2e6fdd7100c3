import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '../commands/command-metadata.js';
import type { OrderKey } from '../domain/order-key.js';
import type { StockDecrementPlan } from '../domain/plan-shop-orders.js';

export type DecrementStockOutcome =
  | { readonly kind: 'decremented'; readonly applied: boolean }
  /** Already recorded, or not the order's planned decrement. */
  | { readonly kind: 'skipped' };

/** Takes an imported order's units from the shop's stock, once per order (`OrderImported.stockDecrement`). */
export class DecrementStock extends Command<DecrementStockOutcome> {
  constructor(
    readonly orderKey: OrderKey,
    readonly plan: StockDecrementPlan,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}
