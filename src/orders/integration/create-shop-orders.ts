import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '../commands/command-metadata.js';
import type { OrderKey } from '../domain/order-key.js';
import type { ShopOrderPlan } from '../domain/plan-shop-orders.js';

export type CreateShopOrdersOutcome =
  | { readonly kind: 'created'; readonly shopOrderIds: Readonly<Record<string, string>>; readonly replayed: boolean }
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
