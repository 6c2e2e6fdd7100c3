import { orderEvent } from './order-events.js';
import { evolve } from './evolve.js';
import { initialState } from './order-state.js';
import { line, lookups, pkg, snapshot } from './testing/order-fixtures.js';
import {
  historyOf,
  importOrder,
  later,
  ORDER_KEY,
  shopOrderKey,
  reimportOrder,
  shopOrdersCreated,
  spec,
  STOCK_KEY,
  stockDecremented,
  stockDecrementFailed,
  STREAM,
} from './testing/order-scenario.js';
import type { RecordShopOrdersCreated } from './order-commands.js';

describe('RecordShopOrdersCreated', () => {
  it('records the import with the created ids, the stock decrement and the first moi', () => {
    const [event] = spec.given(historyOf(importOrder())).when(shopOrdersCreated()).events();
    expect(event?.type).toBe('OrderImported');
    if (event?.type !== 'OrderImported') return;
    expect(event.data).toMatchObject({
      orderKey: ORDER_KEY,
      generation: 1,
      currency: 'EUR',
      lengowStatus: 'waiting_shipment',
      merchantOrderIds: { key: `${STREAM}:moi:1`, ids: ['SO-1'] },
      stockDecrement: {
        key: `${STREAM}:stock`,
        lines: [
          { product: { productId: '1001', variantId: '3' }, quantity: 2 },
          { product: { productId: '2002', variantId: null }, quantity: 1 },
        ],
      },
      at: later(1),
    });
    expect(event.data.shopOrders.map((order) => [order.key, order.shopOrderId, order.deliveryId])).toEqual([
      [shopOrderKey(), 'SO-1', '9002'],
    ]);
  });

  it('creates one shop order per package, each with its own id', () => {
    const twoPackages = snapshot({ packages: [pkg(), pkg({ deliveryId: '9005', lines: [line({ lineId: 'DM-3' })] })] });
    const products = lookups({ products: { ...lookups().products, 'DM-3': lookups().products['DM-1']! } });
    const history = historyOf(importOrder({ snapshot: twoPackages, lookups: products }));
    const [event] = spec
      .given(history)
      .when(shopOrdersCreated(1, { [shopOrderKey(0)]: 'SO-1', [shopOrderKey(1)]: 'SO-2' }))
      .events();
    expect(event?.type === 'OrderImported' && event.data.merchantOrderIds.ids).toEqual(['SO-1', 'SO-2']);
  });

  it('is a no-op when the same creation is recorded again', () => {
    spec.given(historyOf(importOrder(), shopOrdersCreated())).when(shopOrdersCreated()).thenNothingHappened();
  });

  it('refuses a creation nobody planned', () => {
    spec
      .given(historyOf(importOrder({ lookups: lookups({ products: {} }) })))
      .when(shopOrdersCreated())
      .thenThrows('NO_PENDING_IMPORT');
    spec.given([]).when(shopOrdersCreated()).thenThrows('ORDER_NOT_FOUND');
  });

  it('refuses ids for another generation or for other keys', () => {
    spec.given(historyOf(importOrder())).when(shopOrdersCreated(2)).thenThrows('IMPORT_GENERATION_MISMATCH');
    spec
      .given(historyOf(importOrder()))
      .when(shopOrdersCreated(1, { 'some-key': 'SO-1' }))
      .thenThrows('SHOP_ORDER_KEYS_MISMATCH');
    spec
      .given(historyOf(importOrder()))
      .when(shopOrdersCreated(1, { [shopOrderKey()]: ' ' }))
      .thenThrows('SHOP_ORDER_KEYS_MISMATCH');
  });

  it('imports after a transient failure without changing keys', () => {
    const history = historyOf(
      importOrder(),
      {
        type: 'RecordImportFailure',
        data: {
          orderKey: ORDER_KEY,
          generation: 1,
          kind: 'transient',
          failures: [{ code: 'SHOP_UNAVAILABLE', message: 'shop down' }],
          retryPolicy: { initialDelaySeconds: 60, maxDelaySeconds: 600, maxAttempts: 5 },
          configurationRevision: 'rev-1',
          now: later(1),
        },
      },
      importOrder({ now: later(3) }),
    );
    const [event] = spec
      .given(history)
      .when(shopOrdersCreated(1, undefined, later(4)))
      .events();
    expect(event?.type === 'OrderImported' && event.data.shopOrders[0]?.key).toBe(shopOrderKey());
    expect([...history, event!].reduce(evolve, initialState()).import.status).toBe('imported');
  });

  describe('with the stock tried in the same step', () => {
    const withStock = (stock: NonNullable<RecordShopOrdersCreated['data']['stock']>, generation = 1) => {
      const command = shopOrdersCreated(generation);
      return { ...command, data: { ...command.data, stock } };
    };

    it('records the import and the decrement together, marking the import so the stock saga leaves it', () => {
      const events = spec
        .given(historyOf(importOrder()))
        .when(withStock({ outcome: 'decremented', key: STOCK_KEY }))
        .events();
      expect(events.map((event) => event.type)).toEqual(['OrderImported', 'StockDecremented']);
      const [imported, decremented] = events;
      expect(imported?.type === 'OrderImported' && imported.data.stockDecrementTried).toBe(true);
      expect(decremented?.data).toEqual({
        key: STOCK_KEY,
        lines: [
          { product: { productId: '1001', variantId: '3' }, quantity: 2 },
          { product: { productId: '2002', variantId: null }, quantity: 1 },
        ],
        at: later(1),
      });
      const state = [...historyOf(importOrder()), ...events].reduce(evolve, initialState());
      expect(state.stock).toMatchObject({ status: 'done', at: later(1) });
    });

    it('is the same stream as the creation followed by the stock saga’s record, but for the mark', () => {
      const inOneStep = spec
        .given(historyOf(importOrder()))
        .when(withStock({ outcome: 'decremented', key: STOCK_KEY }))
        .events();
      const inTwoSteps = historyOf(importOrder(), shopOrdersCreated(), stockDecremented(later(1))).slice(1);
      const unmarked = inOneStep.map((event) => {
        if (event.type !== 'OrderImported') return event;
        const { stockDecrementTried: _mark, ...data } = event.data;
        return { ...event, data };
      });
      expect(unmarked).toEqual(inTwoSteps);
    });

    it('records a refusal with the import: nothing taken, the stock failed for the operator', () => {
      const events = spec
        .given(historyOf(importOrder()))
        .when(withStock({ outcome: 'refused', key: STOCK_KEY, failure: stockDecrementFailed().data.failure }))
        .events();
      expect(events.map((event) => event.type)).toEqual(['OrderImported', 'StockDecrementFailed']);
      expect(events[1]?.data).toMatchObject({
        code: 'STOCK_SHORTFALL',
        message: 'product 1001_3: 2 ordered, 1 in stock',
      });
      const state = [...historyOf(importOrder()), ...events].reduce(evolve, initialState());
      expect(state.stock).toMatchObject({ status: 'failed', code: 'STOCK_SHORTFALL' });
    });

    it('refuses a decrement the plan does not hold, and a malformed outcome, recording nothing', () => {
      spec
        .given(historyOf(importOrder()))
        .when(withStock({ outcome: 'decremented', key: 'another-key' }))
        .thenThrows('STOCK_DECREMENT_NOT_EXPECTED');
      spec
        .given(historyOf(importOrder()))
        .when(withStock({ outcome: 'taken', key: STOCK_KEY } as never))
        .thenThrows('INVALID_COMMAND');
    });

    it('refuses stock on a re-import, whose orders replace imported ones', () => {
      const history = historyOf(importOrder(), shopOrdersCreated(), stockDecremented(), reimportOrder());
      spec
        .given(history)
        .when(withStock({ outcome: 'decremented', key: STOCK_KEY }, 2))
        .thenThrows('STOCK_DECREMENT_NOT_EXPECTED');
    });

    it('appends nothing when the same outcome comes again', () => {
      const command = withStock({ outcome: 'decremented', key: STOCK_KEY });
      spec.given(historyOf(importOrder(), command)).when(command).thenNothingHappened();
    });
  });

  it('builds events at their current schema version', () => {
    expect(orderEvent('StockDecremented', { key: 'k', lines: [], at: later(0) }).schemaVersion).toBe(1);
  });
});
