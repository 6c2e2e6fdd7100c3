import { evolve } from './evolve.js';
import type { OrderEvent } from './order-events.js';
import { initialState, type OrderState } from './order-state.js';
import {
  actionSent,
  historyOf,
  importedHistory,
  importOrder,
  later,
  productsNotInShop,
  requestShip,
  retryStockDecrement,
  shipAttempt,
  shipped,
  shipRequestedHistory,
  shopChange,
  shopOrdersCreated,
  STOCK_KEY,
  stockDecremented,
  stockDecrementFailed,
  STREAM,
} from './testing/order-scenario.js';

const fold = (events: readonly OrderEvent[], from: OrderState = initialState()) => events.reduce(evolve, from);

describe('evolve', () => {
  it('starts from an order never seen', () => {
    expect(initialState()).toMatchObject({
      orderKey: null,
      import: { status: 'not_seen' },
      generation: 0,
      stock: { status: 'none' },
    });
  });

  it('folds an import into shop orders, a pending stock decrement and a pending moi', () => {
    const state = fold(importedHistory());
    expect(state).toMatchObject({
      orderKey: { marketplace: 'demo_market_fr', marketplaceOrderId: 'DM-2024-000123' },
      marketplaceStatus: 'ToShip',
      lengowStatus: 'waiting_shipment',
      import: { status: 'imported', generation: 1 },
      pendingImport: null,
      generation: 1,
      stock: { status: 'pending', plan: { key: `${STREAM}:stock` } },
      moi: [{ key: `${STREAM}:moi:1`, purpose: 'import', status: 'pending', merchantOrderIds: ['SO-1'] }],
    });
    expect(state.shopOrders.map((order) => [order.shopOrderId, order.status, order.generation])).toEqual([
      ['SO-1', 'active', 1],
    ]);
  });

  it('is idempotent: folding the same events twice changes nothing more', () => {
    const history = historyOf(
      importOrder(),
      shopOrdersCreated(),
      shopChange('chg-ship', shipped()),
      requestShip(),
      actionSent(shipAttempt('DM-1')),
    );
    const once = fold(history);
    const twice = fold(history, once);
    expect(twice.shopOrders).toEqual(once.shopOrders);
    expect(twice.shopChanges).toEqual(once.shopChanges);
    expect(twice.actionRequests).toEqual(once.actionRequests);
  });

  it('ignores events about things it does not know, and unknown event types, without throwing', () => {
    const state = fold(shipRequestedHistory());
    const strays = [
      {
        type: 'ActionSent',
        schemaVersion: 1,
        data: { actionType: 'ship', attemptKey: 'nope', lengowActionId: '1', via: 'posted', at: 'x' },
      },
      { type: 'MerchantOrderIdsSent', schemaVersion: 1, data: { key: 'nope', merchantOrderIds: [], at: 'x' } },
      { type: 'SomethingFromTheFuture', schemaVersion: 1, data: {} },
    ] as unknown as OrderEvent[];
    expect(fold(strays, state)).toEqual(state);
  });

  it('keeps attempts of a request per try and per line', () => {
    const state = fold(shipRequestedHistory());
    expect(state.actionRequests).toHaveLength(1);
    expect(state.actionRequests[0]?.tries[0]?.attempts.map((attempt) => [attempt.attemptKey, attempt.status])).toEqual([
      [shipAttempt('DM-1'), 'requested'],
      [shipAttempt('DM-2'), 'requested'],
    ]);
  });

  describe('stock', () => {
    const PLAN = {
      key: STOCK_KEY,
      lines: [
        { product: { productId: '1001', variantId: '3' }, quantity: 2 },
        { product: { productId: '2002', variantId: null }, quantity: 1 },
      ],
    };
    const failed = () => historyOf(importOrder(), shopOrdersCreated(), stockDecrementFailed());
    const retryCommands = () => [importOrder(), shopOrdersCreated(), stockDecrementFailed(), retryStockDecrement()];
    const retried = () => historyOf(...retryCommands());

    it('keeps a failed decrement with its plan, reason and time', () => {
      expect(fold(failed()).stock).toEqual({
        status: 'failed',
        plan: PLAN,
        code: 'STOCK_SHORTFALL',
        message: 'product 1001_3: 2 ordered, 1 in stock',
        shortfall: [{ productId: '1001_3', ordered: 2, inStock: 1 }],
        retries: 0,
        at: later(2),
      });
    });

    it('keeps a decrement refused for a product the catalogue no longer has, with the products and why', () => {
      const products = [
        { productId: '1001_3', reason: 'missing' as const },
        { productId: '2002', reason: 'has_variants' as const },
      ];
      expect(fold(historyOf(importOrder(), shopOrdersCreated(), productsNotInShop(products))).stock).toEqual({
        status: 'failed',
        plan: PLAN,
        code: 'PRODUCT_NOT_IN_SHOP',
        message:
          'product 1001_3 is no longer in the shop catalogue; ' +
          'product 2002 now has variants in the shop catalogue: stock is kept per variant',
        shortfall: [],
        products,
        retries: 0,
        at: later(2),
      });
    });

    it('keeps the operator’s retries across failures of either kind, each failure replacing the last', () => {
      const history = historyOf(
        ...retryCommands(),
        productsNotInShop(undefined, later(61)),
        retryStockDecrement(later(120)),
        stockDecrementFailed(undefined, later(121)),
      );
      expect(fold(history).stock).toEqual({
        status: 'failed',
        plan: PLAN,
        code: 'STOCK_SHORTFALL',
        message: 'product 1001_3: 2 ordered, 1 in stock',
        shortfall: [{ productId: '1001_3', ordered: 2, inStock: 1 }],
        retries: 2,
        at: later(121),
      });
    });

    it('goes back to pending on the operator’s retry, counting it, then to done when the retry takes the stock', () => {
      expect(fold(retried()).stock).toEqual({ status: 'pending', plan: PLAN, retries: 1 });
      const done = fold(historyOf(...retryCommands(), stockDecremented(later(61))));
      expect(done.stock).toEqual({ status: 'done', plan: PLAN, at: later(61) });
    });

    it('leaves the stock as it is for a failure or retry of another key, or after the decrement', () => {
      const strays = [
        {
          type: 'StockDecrementFailed',
          schemaVersion: 1,
          data: { key: 'nope', code: 'STOCK_SHORTFALL', message: 'm', shortfall: [], at: 'x' },
        },
        { type: 'StockDecrementRetryRequested', schemaVersion: 1, data: { key: 'nope', retry: 1, at: 'x' } },
      ] as unknown as OrderEvent[];
      expect(fold(strays, fold(failed())).stock).toEqual(fold(failed()).stock);
      const done = fold(historyOf(importOrder(), shopOrdersCreated(), stockDecremented()));
      expect(fold(retried().slice(-2), done).stock).toEqual(done.stock);
    });
  });
});
