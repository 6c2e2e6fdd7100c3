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
  shopOrdersCreated,
  spec,
  STREAM,
} from './testing/order-scenario.js';

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

  it('builds events at their current schema version', () => {
    expect(orderEvent('StockDecremented', { key: 'k', lines: [], at: later(0) }).schemaVersion).toBe(1);
  });
});
