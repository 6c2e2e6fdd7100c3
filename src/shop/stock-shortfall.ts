import { ShopError } from './shop-error.js';

/** One product a decrement could not cover. */
export interface StockShortfallLine {
  productId: string;
  /** Units the decrement asked for (lines naming the product summed). */
  requested: number;
  /** Units in stock before the call; below zero when earlier forced decrements oversold the product. */
  available: number;
}

/**
 * A decrement refused for want of units (negative stock not allowed): nothing was taken and the key stays unused.
 * Still an INSUFFICIENT_STOCK ShopError for callers that only know those; the lines give the figures typed, so a
 * caller can record the shortfall instead of parsing messages.
 */
export class StockShortfall extends ShopError {
  readonly lines: readonly StockShortfallLine[];

  constructor(lines: readonly StockShortfallLine[]) {
    super(
      lines.map((line) => ({
        code: 'INSUFFICIENT_STOCK' as const,
        message: `product ${line.productId}: ${line.requested} requested, ${Math.max(line.available, 0)} in stock`,
        productId: line.productId,
        requested: line.requested,
        available: line.available,
      })),
    );
    this.name = 'StockShortfall';
    this.lines = lines.map((line) => ({ ...line }));
  }
}
