export interface StockLine {
  /** Shop product id, `12` or `12_3`. */
  productId: string;
  /** Positive; lines naming the same product are summed. */
  quantity: number;
}

export interface DecrementStockOptions {
  /**
   * The import's "force product" setting: when true, stock may go below zero and the shortfall is reported on the
   * line; when false (the default) a shortfall refuses the whole decrement with a StockShortfall (an
   * INSUFFICIENT_STOCK ShopError with the figures of every short product) and nothing is taken, so the key stays
   * unused and a retry after restocking succeeds.
   */
  allowNegative?: boolean;
}

export interface StockMovementLine {
  productId: string;
  quantity: number;
  stockBefore: number;
  stockAfter: number;
  /** How many units were missing (only with allowNegative); 0 when the stock covered the line. */
  shortfall: number;
}

export interface StockMovement {
  kind: 'decrement' | 'restore';
  key: string;
  /** false when the key had already been applied: the lines are what the first call did. */
  applied: boolean;
  lines: StockMovementLine[];
  at: string;
}
