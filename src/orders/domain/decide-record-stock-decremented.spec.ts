import { DEFAULT_IMPORT_SETTINGS } from './import-settings.js';
import { orderEvent } from './order-events.js';
import { snapshot } from './testing/order-fixtures.js';
import {
  historyOf,
  importedHistory,
  importOrder,
  later,
  ORDER_KEY,
  shopOrdersCreated,
  spec,
  STREAM,
} from './testing/order-scenario.js';

const decremented = (key = `${STREAM}:stock`, now = later(2)) => ({
  type: 'RecordStockDecremented' as const,
  data: { orderKey: ORDER_KEY, key, now },
});

describe('RecordStockDecremented', () => {
  it('records the planned decrement', () => {
    spec
      .given(importedHistory())
      .when(decremented())
      .then([
        orderEvent('StockDecremented', {
          key: `${STREAM}:stock`,
          lines: [
            { product: { productId: '1001', variantId: '3' }, quantity: 2 },
            { product: { productId: '2002', variantId: null }, quantity: 1 },
          ],
          at: later(2),
        }),
      ]);
  });

  it('records it exactly once', () => {
    spec
      .given(historyOf(importOrder(), shopOrdersCreated(), decremented()))
      .when(decremented(undefined, later(3)))
      .thenNothingHappened();
  });

  it('refuses a decrement that was not planned: unknown key, or marketplace-shipped order', () => {
    spec.given(importedHistory()).when(decremented('other-key')).thenThrows('STOCK_DECREMENT_NOT_EXPECTED');
    const fba = snapshot({ orderTypes: [{ type: 'is_delivered_by_marketplace', label: 'AFN' }] });
    const fbaHistory = historyOf(
      importOrder({ snapshot: fba, settings: { ...DEFAULT_IMPORT_SETTINGS, createShippedByMarketplace: true } }),
      shopOrdersCreated(),
    );
    spec.given(fbaHistory).when(decremented()).thenThrows('STOCK_DECREMENT_NOT_EXPECTED');
  });

  it('refuses before the order is imported', () => {
    spec.given(historyOf(importOrder())).when(decremented()).thenThrows('ORDER_NOT_IMPORTED');
  });
});
