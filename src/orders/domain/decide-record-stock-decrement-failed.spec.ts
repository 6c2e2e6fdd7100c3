import { DEFAULT_IMPORT_SETTINGS } from './import-settings.js';
import { orderEvent } from './order-events.js';
import { snapshot } from './testing/order-fixtures.js';
import {
  historyOf,
  importedHistory,
  importOrder,
  later,
  productsNotInShop,
  retryStockDecrement,
  shopOrdersCreated,
  spec,
  STOCK_KEY,
  stockDecremented,
  stockDecrementFailed,
  stockDecrementFailure,
} from './testing/order-scenario.js';

const failedHistory = () => historyOf(importOrder(), shopOrdersCreated(), stockDecrementFailed());

describe('RecordStockDecrementFailed', () => {
  it('records the shortfall with a message naming each short product, what was ordered and what is in stock', () => {
    const shortfall = [
      { productId: '1001_3', ordered: 2, inStock: 1 },
      { productId: '2002', ordered: 1, inStock: 0 },
    ];
    spec
      .given(importedHistory())
      .when(stockDecrementFailed(shortfall))
      .then([
        orderEvent('StockDecrementFailed', {
          key: STOCK_KEY,
          code: 'STOCK_SHORTFALL',
          message: 'product 1001_3: 2 ordered, 1 in stock; product 2002: 1 ordered, 0 in stock',
          shortfall,
          at: later(2),
        }),
      ]);
  });

  it('records the same failure once', () => {
    spec
      .given(failedHistory())
      .when(stockDecrementFailed(undefined, later(3)))
      .thenNothingHappened();
  });

  it('records other figures of a failed decrement: the stream shows what the shop said last', () => {
    const events = spec
      .given(failedHistory())
      .when(stockDecrementFailed([{ productId: '1001_3', ordered: 2, inStock: 0 }], later(3)))
      .events();
    expect(events.map((event) => [event.type, (event.data as { message: string }).message])).toEqual([
      ['StockDecrementFailed', 'product 1001_3: 2 ordered, 0 in stock'],
    ]);
  });

  it('records a failure of the operator’s retry', () => {
    const retried = historyOf(importOrder(), shopOrdersCreated(), stockDecrementFailed(), retryStockDecrement());
    expect(
      spec
        .given(retried)
        .when(stockDecrementFailed(undefined, later(61)))
        .events(),
    ).toHaveLength(1);
  });

  it('refuses a failure once the stock was decremented', () => {
    spec
      .given(historyOf(importOrder(), shopOrdersCreated(), stockDecremented()))
      .when(stockDecrementFailed(undefined, later(3)))
      .thenThrows('STOCK_ALREADY_DECREMENTED');
  });

  it('refuses a decrement that is not the planned one: unknown key, or marketplace-shipped order', () => {
    spec
      .given(importedHistory())
      .when(stockDecrementFailed(undefined, undefined, 'other-key'))
      .thenThrows('STOCK_DECREMENT_NOT_EXPECTED');
    const fba = snapshot({ orderTypes: [{ type: 'is_delivered_by_marketplace', label: 'AFN' }] });
    const fbaHistory = historyOf(
      importOrder({ snapshot: fba, settings: { ...DEFAULT_IMPORT_SETTINGS, createShippedByMarketplace: true } }),
      shopOrdersCreated(),
    );
    spec.given(fbaHistory).when(stockDecrementFailed()).thenThrows('STOCK_DECREMENT_NOT_EXPECTED');
  });

  it('refuses before the order is imported', () => {
    spec.given(historyOf(importOrder())).when(stockDecrementFailed()).thenThrows('ORDER_NOT_IMPORTED');
  });

  it.each([
    ['no line', []],
    ['a line that is no shortfall', [{ productId: '1001_3', ordered: 2, inStock: 2 }]],
    ['a negative stock', [{ productId: '1001_3', ordered: 2, inStock: -1 }]],
    ['a blank product id', [{ productId: ' ', ordered: 2, inStock: 1 }]],
    ['a fractional quantity', [{ productId: '1001_3', ordered: 1.5, inStock: 1 }]],
  ])('refuses a shortfall with %s', (_name, shortfall) => {
    spec.given(importedHistory()).when(stockDecrementFailed(shortfall)).thenThrows('INVALID_COMMAND');
  });

  describe('a product the shop catalogue no longer has', () => {
    const notInShopHistory = () => historyOf(importOrder(), shopOrdersCreated(), productsNotInShop());

    it('is recorded with its own code and a message naming each product and why', () => {
      const products = [
        { productId: '1001_3', reason: 'missing' as const },
        { productId: '2002', reason: 'has_variants' as const },
      ];
      spec
        .given(importedHistory())
        .when(productsNotInShop(products))
        .then([
          orderEvent('StockDecrementFailed', {
            key: STOCK_KEY,
            code: 'PRODUCT_NOT_IN_SHOP',
            message:
              'product 1001_3 is no longer in the shop catalogue; ' +
              'product 2002 now has variants in the shop catalogue: stock is kept per variant',
            shortfall: [],
            products,
            at: later(2),
          }),
        ]);
    });

    it('is recorded once', () => {
      spec
        .given(notInShopHistory())
        .when(productsNotInShop(undefined, later(3)))
        .thenNothingHappened();
    });

    it('is recorded after a shortfall, and a shortfall after it: the stream shows what the shop said last', () => {
      const afterShortfall = spec
        .given(failedHistory())
        .when(productsNotInShop(undefined, later(3)))
        .events();
      expect(afterShortfall.map((event) => [event.type, (event.data as { code: string }).code])).toEqual([
        ['StockDecrementFailed', 'PRODUCT_NOT_IN_SHOP'],
      ]);
      const afterMissing = spec
        .given(notInShopHistory())
        .when(stockDecrementFailed(undefined, later(3)))
        .events();
      expect(afterMissing.map((event) => [event.type, (event.data as { code: string }).code])).toEqual([
        ['StockDecrementFailed', 'STOCK_SHORTFALL'],
      ]);
    });

    it('is recorded when the operator’s retry meets it again', () => {
      const retried = historyOf(importOrder(), shopOrdersCreated(), productsNotInShop(), retryStockDecrement());
      expect(
        spec
          .given(retried)
          .when(productsNotInShop(undefined, later(61)))
          .events(),
      ).toHaveLength(1);
    });

    it('is refused once the stock was decremented', () => {
      spec
        .given(historyOf(importOrder(), shopOrdersCreated(), stockDecremented()))
        .when(productsNotInShop(undefined, later(3)))
        .thenThrows('STOCK_ALREADY_DECREMENTED');
    });

    it.each([
      ['no product', []],
      ['a blank product id', [{ productId: ' ', reason: 'missing' }]],
      ['no reason', [{ productId: '1001_3' }]],
      ['an unknown reason', [{ productId: '1001_3', reason: 'out_of_fashion' }]],
      [
        'a product named twice',
        [
          { productId: '1001_3', reason: 'missing' },
          { productId: '1001_3 ', reason: 'has_variants' },
        ],
      ],
    ])('refuses products with %s', (_name, products) => {
      spec
        .given(importedHistory())
        .when(productsNotInShop(products as never))
        .thenThrows('INVALID_COMMAND');
    });
  });

  it.each([
    ['no failure', undefined],
    ['an unknown code', { code: 'SHOP_ON_FIRE', shortfall: [{ productId: '1001_3', ordered: 2, inStock: 1 }] }],
    ['a shortfall without its figures', { code: 'STOCK_SHORTFALL', products: [{ productId: '1', reason: 'missing' }] }],
  ])('refuses %s', (_name, failure) => {
    spec
      .given(importedHistory())
      .when(stockDecrementFailure(failure as never))
      .thenThrows('INVALID_COMMAND');
  });

  it('lets the decrement be recorded after a failure: a retry of the shop call went through', () => {
    spec
      .given(failedHistory())
      .when(stockDecremented(later(90)))
      .then([
        orderEvent('StockDecremented', {
          key: STOCK_KEY,
          lines: [
            { product: { productId: '1001', variantId: '3' }, quantity: 2 },
            { product: { productId: '2002', variantId: null }, quantity: 1 },
          ],
          at: later(90),
        }),
      ]);
  });
});
