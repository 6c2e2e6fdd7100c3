import { OrderDomainError } from './order-domain-error.js';

/** One product the shop could not cover, in the shop's own product id, so the operator knows what to restock. */
export interface StockShortfallLine {
  /** The shop's product id: `12`, or `12_3` for a variant. */
  readonly productId: string;
  /** Units the decrement asked for (the order's lines of that product, summed). */
  readonly ordered: number;
  /** Units the shop had; 0 when it was already below zero. */
  readonly inStock: number;
}

/** "product 12_3: 2 ordered, 1 in stock; product 40: 1 ordered, 0 in stock" */
export function stockShortfallMessage(lines: readonly StockShortfallLine[]): string {
  return lines.map((line) => `product ${line.productId}: ${line.ordered} ordered, ${line.inStock} in stock`).join('; ');
}

/** A shortfall as adapters report it, checked: a line that is no shortfall would make a message that misleads. */
export function checkStockShortfall(lines: unknown): StockShortfallLine[] {
  if (!Array.isArray(lines) || lines.length === 0)
    throw new OrderDomainError('INVALID_COMMAND', 'shortfall must list at least one product');
  return lines.map((line: unknown, index) => {
    const { productId, ordered, inStock } = (line ?? {}) as Partial<Record<keyof StockShortfallLine, unknown>>;
    const valid =
      typeof productId === 'string' &&
      productId.trim() !== '' &&
      Number.isSafeInteger(ordered) &&
      Number.isSafeInteger(inStock) &&
      (inStock as number) >= 0 &&
      (inStock as number) < (ordered as number);
    if (!valid)
      throw new OrderDomainError(
        'INVALID_COMMAND',
        `shortfall[${index}] must name a product with fewer units in stock than ordered`,
      );
    return { productId: (productId as string).trim(), ordered: ordered as number, inStock: inStock as number };
  });
}
