import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '../commands/command-metadata.js';
import type { ProductNotInShop } from '../domain/product-not-in-shop.js';
import type { StockShortfallLine } from '../domain/stock-shortfall.js';

export type DecrementStockOutcome =
  | { readonly kind: 'decremented'; readonly applied: boolean }
  /** The shop had too few units; recorded on the order (`StockDecrementFailed`), nothing taken. */
  | { readonly kind: 'short'; readonly shortfall: readonly StockShortfallLine[] }
  /** The shop's catalogue no longer has products as the order names them; recorded likewise, nothing taken. */
  | { readonly kind: 'not_in_shop'; readonly products: readonly ProductNotInShop[] }
  /** Already recorded, waiting for the operator after a failure, or not the order's planned decrement. */
  | { readonly kind: 'skipped' };

/**
 * Takes an imported order's units from the shop's stock, once per order: the decrement its stream plans under `key`
 * (`OrderImported.stockDecrement`), first after the import, then again on each operator retry.
 */
export class DecrementStock extends Command<DecrementStockOutcome> {
  constructor(
    readonly stream: string,
    readonly key: string,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}
