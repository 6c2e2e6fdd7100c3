import { DEFAULT_IMPORT_SETTINGS } from './import-settings.js';
import { orderEvent } from './order-events.js';
import { snapshot } from './testing/order-fixtures.js';
import {
  historyOf,
  importedHistory,
  importOrder,
  later,
  retryStockDecrement,
  shopOrdersCreated,
  spec,
  STOCK_KEY,
  stockDecremented,
  stockDecrementFailed,
} from './testing/order-scenario.js';

const failedHistory = () => historyOf(importOrder(), shopOrdersCreated(), stockDecrementFailed());

describe('RetryStockDecrement', () => {
  it('asks for the failed decrement again, under its own key', () => {
    spec
      .given(failedHistory())
      .when(retryStockDecrement())
      .then([orderEvent('StockDecrementRetryRequested', { key: STOCK_KEY, retry: 1, at: later(60) })]);
  });

  it('changes nothing when asked again while the retry is under way', () => {
    spec
      .given(historyOf(importOrder(), shopOrdersCreated(), stockDecrementFailed(), retryStockDecrement()))
      .when(retryStockDecrement(later(61)))
      .thenNothingHappened();
  });

  it('counts the retries when the retry fails too', () => {
    const twice = historyOf(
      importOrder(),
      shopOrdersCreated(),
      stockDecrementFailed(),
      retryStockDecrement(),
      stockDecrementFailed(undefined, later(61)),
    );
    spec
      .given(twice)
      .when(retryStockDecrement(later(120)))
      .then([orderEvent('StockDecrementRetryRequested', { key: STOCK_KEY, retry: 2, at: later(120) })]);
  });

  it('refuses when the decrement has not failed (NO_FAILED_STOCK_DECREMENT)', () => {
    const error = spec.given(importedHistory()).when(retryStockDecrement()).thenThrows('NO_FAILED_STOCK_DECREMENT');
    expect(error.message).toBe('the stock decrement has not failed: it is still waiting for the shop');
  });

  it('refuses on an order whose import planned no decrement (marketplace-shipped)', () => {
    const fba = snapshot({ orderTypes: [{ type: 'is_delivered_by_marketplace', label: 'AFN' }] });
    const fbaHistory = historyOf(
      importOrder({ snapshot: fba, settings: { ...DEFAULT_IMPORT_SETTINGS, createShippedByMarketplace: true } }),
      shopOrdersCreated(),
    );
    spec.given(fbaHistory).when(retryStockDecrement()).thenThrows('NO_FAILED_STOCK_DECREMENT');
  });

  it('refuses once the stock was decremented, also after a failure the retry overcame', () => {
    spec
      .given(historyOf(importOrder(), shopOrdersCreated(), stockDecremented()))
      .when(retryStockDecrement())
      .thenThrows('STOCK_ALREADY_DECREMENTED');
    const recovered = historyOf(
      importOrder(),
      shopOrdersCreated(),
      stockDecrementFailed(),
      retryStockDecrement(),
      stockDecremented(later(61)),
    );
    spec
      .given(recovered)
      .when(retryStockDecrement(later(62)))
      .thenThrows('STOCK_ALREADY_DECREMENTED');
  });

  it('refuses before the order is imported', () => {
    spec.given(historyOf(importOrder())).when(retryStockDecrement()).thenThrows('ORDER_NOT_IMPORTED');
  });
});
