import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '../commands/command-metadata.js';
import type { OrderKey } from '../domain/order-key.js';
import type { ShopOrderPlan } from '../domain/plan-shop-orders.js';

export type CreateShopOrdersOutcome =
  | {
      readonly kind: 'created';
      readonly shopOrderIds: Readonly<Record<string, string>>;
      readonly replayed: boolean;
      /**
       * The plan's stock decrement, tried with a first import's creation: taken, refused (recorded for the operator),
       * left to the stock saga (the shop could not answer), or not planned (a re-import, or no stock to take).
       */
      readonly stock: 'taken' | 'refused' | 'left_to_saga' | 'not_planned';
    }
  | { readonly kind: 'failed'; readonly transient: boolean; readonly reasons: readonly string[] }
  /** The plan is no longer the pending one (already created and recorded, or superseded). */
  | { readonly kind: 'stale' };

/** Creates the shop orders of an `OrderImportPlanned` plan and records the result on the order stream. */
export class CreateShopOrders extends Command<CreateShopOrdersOutcome> {
  constructor(
    readonly orderKey: OrderKey,
    readonly plan: ShopOrderPlan,
    /** Revision the plan was decided with; a failure is recorded with it (see OrderImportPlanned). */
    readonly configurationRevision: string | null,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}
