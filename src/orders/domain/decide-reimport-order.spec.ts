import { evolve } from './evolve.js';
import { orderEvent } from './order-events.js';
import { initialState } from './order-state.js';
import { summariseOrder } from './order-summary.js';
import { lookups, orderFacts, snapshot } from './testing/order-fixtures.js';
import {
  historyOf,
  importedHistory,
  importFailure,
  importOrder,
  later,
  ORDER_KEY,
  reimportOrder,
  shopOrderKey,
  shopOrdersCreated,
  spec,
  STREAM,
} from './testing/order-scenario.js';

const fold = (events: ReturnType<typeof historyOf>) => events.reduce(evolve, initialState());

describe('ReimportOrder', () => {
  it('refuses an order never seen', () => {
    spec.given([]).when(reimportOrder()).thenThrows('ORDER_NOT_FOUND');
  });

  it('refuses while an import is in progress', () => {
    spec.given(historyOf(importOrder())).when(reimportOrder()).thenThrows('IMPORT_IN_PROGRESS');
  });

  it('tries a failed order again now, with the new lookups and the same generation', () => {
    const failed = historyOf(importOrder({ lookups: lookups({ products: {} }) }));
    const [event] = spec.given(failed).when(reimportOrder()).events();
    expect(event?.type).toBe('OrderImportPlanned');
    expect(
      event?.type === 'OrderImportPlanned' && [
        event.data.trigger,
        event.data.plan.generation,
        event.data.plan.stockDecrement?.key,
      ],
    ).toEqual(['reimport', 1, `${STREAM}:stock`]);
  });

  it('tries a transiently failed order again before its backoff is over', () => {
    const failed = historyOf(importOrder(), importFailure({ generation: 1 }));
    expect(
      spec
        .given(failed)
        .when(reimportOrder({ now: later(2) }))
        .events()
        .map((event) => event.type),
    ).toEqual(['OrderImportPlanned']);
  });

  it('plans new shop orders of a new generation for an imported order, without stock', () => {
    const [event] = spec.given(importedHistory()).when(reimportOrder()).events();
    expect(event?.type === 'OrderImportPlanned' && event.data.plan).toMatchObject({
      generation: 2,
      stockDecrement: null,
      merchantOrderIdsKey: `${STREAM}:moi:2`,
      shopOrders: [{ key: shopOrderKey(0, 2) }],
    });
  });

  it('replaces the old shop orders once the new ones exist', () => {
    const history = [...importedHistory(), ...historyOf(importOrder(), shopOrdersCreated(), reimportOrder()).slice(2)];
    const [event] = spec
      .given(history)
      .when(shopOrdersCreated(2, undefined, later(61)))
      .events();
    expect(event?.type).toBe('OrderReimported');
    expect(event?.type === 'OrderReimported' && event.data).toMatchObject({
      generation: 2,
      replacedShopOrderIds: ['SO-1'],
      merchantOrderIds: { key: `${STREAM}:moi:2`, ids: ['SO-2'] },
    });
    expect(event && 'stockDecrement' in event.data).toBe(false);
  });

  it('never decrements stock a second time after a re-import', () => {
    const history = historyOf(
      importOrder(),
      shopOrdersCreated(),
      { type: 'RecordStockDecremented', data: { orderKey: ORDER_KEY, key: `${STREAM}:stock`, now: later(2) } },
      reimportOrder(),
      shopOrdersCreated(2, undefined, later(61)),
    );
    spec
      .given(history)
      .when({ type: 'RecordStockDecremented', data: { orderKey: ORDER_KEY, key: `${STREAM}:stock`, now: later(62) } })
      .thenNothingHappened();
    expect(fold(history).stock).toMatchObject({ status: 'done' });
  });

  it('shows only the current shop orders after a re-import', () => {
    const history = historyOf(
      importOrder(),
      shopOrdersCreated(),
      reimportOrder(),
      shopOrdersCreated(2, undefined, later(61)),
    );
    expect(summariseOrder(fold(history)).shopOrderIds).toEqual(['SO-2']);
  });

  it('refuses to re-import an imported order whose status is no longer importable', () => {
    const error = spec
      .given(importedHistory())
      .when(reimportOrder({ snapshot: snapshot({ marketplaceStatus: 'Cancelled' }) }))
      .thenThrows('REIMPORT_NOT_ALLOWED');
    expect(error.message).toBe(
      "current order's status [Cancelled] makes it unavailable to import for marketplace demo_market_fr",
    );
  });

  it('keeps an imported order imported when its re-import fails validation', () => {
    const events = spec
      .given(importedHistory())
      .when(reimportOrder({ lookups: lookups({ products: {} }) }))
      .events();
    expect(events.map((event) => event.type === 'OrderImportFailed' && event.data.generation)).toEqual([2]);
    const summary = summariseOrder(fold([...importedHistory(), ...events]));
    expect(summary.import).toEqual({
      status: 'imported',
      generation: 1,
      reimportFailure: ['product 1001_3 could not be found', 'product REF-2002 could not be found'],
    });
    expect(summary.shopOrderIds).toEqual(['SO-1']);
  });

  it('records an ignored verdict for an order that was never created', () => {
    const failed = historyOf(importOrder({ lookups: lookups({ products: {} }) }));
    spec
      .given(failed)
      .when(reimportOrder({ snapshot: snapshot({ marketplaceStatus: 'Refunded' }) }))
      .then([
        orderEvent('OrderImportIgnored', {
          orderKey: ORDER_KEY,
          code: 'STATUS_NOT_IMPORTABLE',
          message: "current order's status [Refunded] makes it unavailable to import for marketplace demo_market_fr",
          marketplaceStatus: 'Refunded',
          lengowStatus: 'refunded',
          facts: orderFacts({ marketplaceStatus: 'Refunded', lengowStatus: 'refunded' }),
          at: later(60),
        }),
      ]);
  });
});
