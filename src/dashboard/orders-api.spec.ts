// @ts-expect-error -- the page's modules are plain JavaScript served as is, without type declarations.
import { countersFrom } from './public/orders-api.js';

describe('countersFrom (dashboard)', () => {
  const answer = (marketplaces: unknown[], stockFailed: number | null) => ({
    total: 10,
    importState: { imported: 9, not_imported: 1 },
    actionState: {},
    progress: {},
    stockFailed,
    marketplaces,
  });

  it('keeps each marketplace’s orders whose stock was not decremented, sorted by label', () => {
    const counters = countersFrom(
      answer(
        [
          { marketplace: 'cdiscount', label: 'Cdiscount', total: 6, stockFailed: 2 },
          { marketplace: 'amazon_fr', label: 'Amazon FR', total: 4, stockFailed: 0 },
        ],
        2,
      ),
    );
    expect(counters.byState.stock_failed).toBe(2);
    expect(counters.byMarketplace).toEqual([
      { marketplace: 'amazon_fr', label: 'Amazon FR', count: 4, stockFailed: 0 },
      { marketplace: 'cdiscount', label: 'Cdiscount', count: 6, stockFailed: 2 },
    ]);
  });

  it('keeps an uncounted share as null (unknown), never 0, also from an engine that does not send it', () => {
    const counters = countersFrom(
      answer(
        [
          { marketplace: 'cdiscount', label: 'Cdiscount', total: 6, stockFailed: null },
          { marketplace: 'amazon_fr', label: 'Amazon FR', total: 4 },
        ],
        null,
      ),
    );
    expect(counters.byState.stock_failed).toBeNull();
    expect(counters.byMarketplace.map((entry: { stockFailed: unknown }) => entry.stockFailed)).toEqual([null, null]);
  });
});
