import { orderEvent } from './order-events.js';
import { colissimo } from './testing/order-fixtures.js';
import {
  historyOf,
  importedHistory,
  importOrder,
  later,
  reimportOrder,
  shipped,
  shopChange,
  shopOrdersCreated,
  spec,
} from './testing/order-scenario.js';

describe('RecordShopStatusChange', () => {
  it('records a shipment with carrier and tracking number', () => {
    spec
      .given(importedHistory())
      .when(shopChange('chg-1', shipped()))
      .then([
        orderEvent('ShopOrderShipped', {
          changeId: 'chg-1',
          shopOrderId: 'SO-1',
          carrier: colissimo,
          trackingNumber: 'TRK1',
          trackingUrl: null,
          returnCarrier: null,
          returnTrackingNumber: null,
          at: later(10),
        }),
      ]);
  });

  it('records cancel and refund', () => {
    spec
      .given(importedHistory())
      .when(shopChange('chg-2', { kind: 'canceled' }))
      .then([orderEvent('ShopOrderCanceled', { changeId: 'chg-2', shopOrderId: 'SO-1', at: later(10) })]);
    spec
      .given(importedHistory())
      .when(shopChange('chg-3', { kind: 'refunded' }))
      .then([orderEvent('ShopOrderRefunded', { changeId: 'chg-3', shopOrderId: 'SO-1', at: later(10) })]);
  });

  it('records the merchant’s cancel or refund reason, trimmed, for the action to send', () => {
    spec
      .given(importedHistory())
      .when(shopChange('chg-2', { kind: 'canceled', reason: ' CUSTOMER_REQUEST ' }))
      .then([
        orderEvent('ShopOrderCanceled', {
          changeId: 'chg-2',
          shopOrderId: 'SO-1',
          at: later(10),
          reason: 'CUSTOMER_REQUEST',
        }),
      ]);
    spec
      .given(importedHistory())
      .when(shopChange('chg-3', { kind: 'refunded', reason: 'Damaged product' }))
      .then([
        orderEvent('ShopOrderRefunded', {
          changeId: 'chg-3',
          shopOrderId: 'SO-1',
          at: later(10),
          reason: 'Damaged product',
        }),
      ]);
    spec
      .given(importedHistory())
      .when(
        shopChange('chg-4', {
          kind: 'line_refunded',
          lines: [{ marketplaceLineId: 'DM-1', quantity: 1 }],
          reason: 'DAMAGED',
        }),
      )
      .then([
        orderEvent('ShopOrderLineRefunded', {
          changeId: 'chg-4',
          shopOrderId: 'SO-1',
          at: later(10),
          reason: 'DAMAGED',
          lines: [{ marketplaceLineId: 'DM-1', quantity: 1 }],
        }),
      ]);
  });

  it('records no reason when the merchant gave none (null or blank): the marketplace’s default applies', () => {
    for (const reason of [null, '', '   ']) {
      spec
        .given(importedHistory())
        .when(shopChange('chg-2', { kind: 'canceled', reason }))
        .then([orderEvent('ShopOrderCanceled', { changeId: 'chg-2', shopOrderId: 'SO-1', at: later(10) })]);
    }
  });

  it('refuses a reason that is not text', () => {
    spec
      .given(importedHistory())
      .when(shopChange('chg-2', { kind: 'canceled', reason: 42 as unknown as string }))
      .thenThrows('INVALID_COMMAND');
  });

  it('records a partial refund of known lines within the ordered quantity', () => {
    spec
      .given(importedHistory())
      .when(shopChange('chg-4', { kind: 'line_refunded', lines: [{ marketplaceLineId: 'DM-1', quantity: 1 }] }))
      .then([
        orderEvent('ShopOrderLineRefunded', {
          changeId: 'chg-4',
          shopOrderId: 'SO-1',
          lines: [{ marketplaceLineId: 'DM-1', quantity: 1 }],
          at: later(10),
        }),
      ]);
  });

  it('refuses refunding more than was ordered, counting earlier refunds', () => {
    const once = historyOf(
      importOrder(),
      shopOrdersCreated(),
      shopChange('chg-4', { kind: 'line_refunded', lines: [{ marketplaceLineId: 'DM-1', quantity: 1 }] }),
    );
    spec
      .given(once)
      .when(shopChange('chg-5', { kind: 'line_refunded', lines: [{ marketplaceLineId: 'DM-1', quantity: 2 }] }))
      .thenThrows('REFUND_QUANTITY_EXCEEDED');
    const rest = spec
      .given(once)
      .when(shopChange('chg-5', { kind: 'line_refunded', lines: [{ marketplaceLineId: 'DM-1', quantity: 1 }] }))
      .events();
    expect(rest.map((event) => event.type)).toEqual(['ShopOrderLineRefunded']);
  });

  it('refuses unknown lines and impossible quantities', () => {
    spec
      .given(importedHistory())
      .when(shopChange('c', { kind: 'line_refunded', lines: [{ marketplaceLineId: 'NOPE', quantity: 1 }] }))
      .thenThrows('LINE_NOT_FOUND');
    spec
      .given(importedHistory())
      .when(shopChange('c', { kind: 'line_refunded', lines: [{ marketplaceLineId: 'DM-1', quantity: 0 }] }))
      .thenThrows('INVALID_COMMAND');
    spec
      .given(importedHistory())
      .when(shopChange('c', { kind: 'line_refunded', lines: [] }))
      .thenThrows('INVALID_COMMAND');
  });

  it('records each shop change once, and refuses a change id reused for something else', () => {
    const history = historyOf(importOrder(), shopOrdersCreated(), shopChange('chg-1', shipped()));
    spec.given(history).when(shopChange('chg-1', shipped())).thenNothingHappened();
    spec
      .given(history)
      .when(shopChange('chg-1', { kind: 'canceled' }))
      .thenThrows('SHOP_CHANGE_CONFLICT');
  });

  it('records a second shipment (a new tracking number) as a new change', () => {
    const history = historyOf(importOrder(), shopOrdersCreated(), shopChange('chg-1', shipped()));
    expect(
      spec
        .given(history)
        .when(shopChange('chg-2', shipped('TRK2')))
        .events()
        .map((event) => event.type),
    ).toEqual(['ShopOrderShipped']);
  });

  it('refuses changes of unknown or replaced shop orders', () => {
    spec
      .given(importedHistory())
      .when(shopChange('c', { kind: 'canceled' }, 'SO-404'))
      .thenThrows('SHOP_ORDER_NOT_FOUND');
    const reimported = historyOf(
      importOrder(),
      shopOrdersCreated(),
      reimportOrder(),
      shopOrdersCreated(2, undefined, later(61)),
    );
    spec
      .given(reimported)
      .when(shopChange('c', { kind: 'canceled' }, 'SO-1', later(62)))
      .thenThrows('SHOP_ORDER_REPLACED');
  });

  it('refuses changes before the order is imported, and a blank change id', () => {
    spec
      .given(historyOf(importOrder()))
      .when(shopChange('c', { kind: 'canceled' }))
      .thenThrows('ORDER_NOT_IMPORTED');
    spec
      .given(importedHistory())
      .when(shopChange(' ', { kind: 'canceled' }))
      .thenThrows('INVALID_COMMAND');
  });
});
