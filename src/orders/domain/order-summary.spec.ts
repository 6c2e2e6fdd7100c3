import { DEFAULT_IMPORT_SETTINGS } from './import-settings.js';
import { evolve } from './evolve.js';
import { initialState } from './order-state.js';
import { summariseOrder } from './order-summary.js';
import type { OrderEvent } from './order-events.js';
import { line, lookups, pkg, snapshot } from './testing/order-fixtures.js';
import {
  actionSent,
  historyOf,
  importedHistory,
  importFailure,
  importOrder,
  later,
  productsNotInShop,
  requestCancel,
  requestRefund,
  requestShip,
  resend,
  retryStockDecrement,
  shipped,
  shipRequestedHistory,
  shopChange,
  shopOrderKey,
  shopOrdersCreated,
  spec,
  STREAM,
  stockDecremented,
  stockDecrementFailed,
} from './testing/order-scenario.js';

const summary = (events: OrderEvent[]) => summariseOrder(events.reduce(evolve, initialState()));

describe('summariseOrder', () => {
  it('shows an order never seen', () => {
    expect(summary([])).toEqual({
      import: { status: 'not_seen' },
      stock: { status: 'none' },
      actions: { ship: { status: 'none' }, cancel: { status: 'none' }, refund: { status: 'none' } },
      shopOrderIds: [],
      marketplaceStatus: null,
      lengowStatus: null,
      progress: 'in_progress',
    });
  });

  it('shows an import in progress, then imported with its shop orders', () => {
    expect(summary(historyOf(importOrder())).import).toEqual({
      status: 'importing',
      since: '2024-05-02T10:00:00.000Z',
    });
    expect(summary(importedHistory())).toMatchObject({
      import: { status: 'imported', generation: 1, reimportFailure: null },
      shopOrderIds: ['SO-1'],
    });
  });

  it('shows "not imported" with every message, and how it will be retried', () => {
    expect(summary(historyOf(importOrder({ lookups: lookups({ currencyAvailable: false }) }))).import).toEqual({
      status: 'not_imported',
      messages: ['the EUR currency is not available in your shop'],
      retry: 'after_fix',
      nextAttemptAt: null,
    });
    expect(summary(historyOf(importFailure())).import).toEqual({
      status: 'not_imported',
      messages: ['the shop did not answer'],
      retry: 'automatic',
      nextAttemptAt: later(2),
    });
  });

  it('shows an ignored order with its reason, closed when the marketplace ships it', () => {
    const fba = snapshot({ orderTypes: [{ type: 'is_delivered_by_marketplace', label: 'AFN' }] });
    expect(summary(historyOf(importOrder({ snapshot: fba, settings: DEFAULT_IMPORT_SETTINGS })))).toMatchObject({
      import: { status: 'ignored', code: 'SHIPPED_BY_MARKETPLACE', reason: 'order shipped by Demo Market FR' },
      progress: 'closed',
    });
  });

  it('given a marketplace status with NUL, when summarised, then the status is shown escaped and bounded, as the reason quotes it', () => {
    const status = `To\u0000Ship${'x'.repeat(200)}`;
    const shown = summary(historyOf(importOrder({ snapshot: snapshot({ marketplaceStatus: status }) })));
    expect(shown.marketplaceStatus).toBe(`To\\u0000Ship${'x'.repeat(93)}… (207 characters)`);
    expect(shown.import).toMatchObject({
      status: 'ignored',
      reason: `current order's status [${shown.marketplaceStatus}] makes it unavailable to import for marketplace demo_market_fr`,
    });
  });

  it('shows an open action as waiting, and the order closed once Lengow reports a finishing status', () => {
    expect(summary(shipRequestedHistory()).actions.ship).toEqual({ status: 'waiting', since: later(11) });
    const canceled = historyOf(importOrder({ snapshot: snapshot({ marketplaceStatus: 'Cancelled' }) }));
    expect(summary(canceled).progress).toBe('closed');
    expect(summary(importedHistory()).progress).toBe('in_progress');
  });

  it('closes the order and its sent refund once Lengow reports refunding (process state 2 since PS 4.0.2)', () => {
    const refundAttempt = (line: string) => `${STREAM}:action:refund:1:try:1:line:${line}`;
    const refundSent = historyOf(
      importOrder(),
      shopOrdersCreated(),
      shopChange('chg-refund', { kind: 'refunded' }),
      requestRefund('chg-refund', { choices: { refund_reason: 'RETURN' } }),
      actionSent(refundAttempt('DM-1')),
      actionSent(refundAttempt('DM-2'), '5002'),
    );
    expect(summary(refundSent)).toMatchObject({ actions: { refund: { status: 'waiting' } }, progress: 'in_progress' });
    const refunding = [
      ...refundSent,
      ...spec
        .given(refundSent)
        .when(importOrder({ snapshot: snapshot({ marketplaceStatus: 'RefundPending' }), now: later(40) }))
        .events(),
    ];
    expect(refunding.at(-1)).toMatchObject({
      type: 'LengowStatusChanged',
      data: { lengowStatus: 'refunding', finishing: true, closedKeys: [refundAttempt('DM-1'), refundAttempt('DM-2')] },
    });
    expect(summary(refunding)).toMatchObject({ actions: { refund: { status: 'done' } }, progress: 'closed' });
  });

  it('given a line refund closed by refunding, when Lengow then says partial_refunded, then it is done', () => {
    const refundAttempt = (line: string) => `${STREAM}:action:refund:1:try:1:line:${line}`;
    const closedThenPartial = (refund: Parameters<typeof shopChange>[1], attempts: string[]) =>
      historyOf(
        importOrder(),
        shopOrdersCreated(),
        shopChange('chg-refund', refund),
        requestRefund('chg-refund'),
        ...attempts.map((line, index) => actionSent(refundAttempt(line), `500${index}`)),
        importOrder({ snapshot: snapshot({ marketplaceStatus: 'RefundPending' }), now: later(40) }),
        importOrder({ snapshot: snapshot({ marketplaceStatus: 'PartiallyRefunded' }), now: later(50) }),
      );
    const lines = closedThenPartial({ kind: 'line_refunded', lines: [{ marketplaceLineId: 'DM-1', quantity: 1 }] }, [
      'DM-1',
    ]);
    expect(summary(lines).actions.refund).toEqual({ status: 'done' });
    // A whole-order refund is not what partial_refunded shows.
    const whole = closedThenPartial({ kind: 'refunded' }, ['DM-1', 'DM-2']);
    expect(summary(whole).actions.refund).toEqual({ status: 'closed' });
  });
});

describe('summariseOrder with actions', () => {
  const twoPackages = () => {
    const order = snapshot({ packages: [pkg(), pkg({ deliveryId: '9005', lines: [line({ lineId: 'DM-3' })] })] });
    const products = lookups({ products: { ...lookups().products, 'DM-3': lookups().products['DM-1']! } });
    return [
      importOrder({ snapshot: order, lookups: products }),
      shopOrdersCreated(1, { [shopOrderKey(0)]: 'SO-1', [shopOrderKey(1)]: 'SO-2' }),
    ] as const;
  };

  it('does not let a newer request of one package hide the failure of another', () => {
    const history = historyOf(
      ...twoPackages(),
      shopChange('chg-1', shipped(null), 'SO-1'),
      requestShip('chg-1'),
      shopChange('chg-2', shipped(), 'SO-2', later(20)),
      requestShip('chg-2', { now: later(21) }),
    );
    expect(summary(history).actions.ship).toEqual({
      status: 'failed',
      messages: ["can't send action: tracking_number is required"],
    });
    const [resent] = spec.given(history).when(resend()).events();
    expect(resent?.type === 'ActionRejected' && resent.data.source === 'engine' && resent.data.shopOrderId).toBe(
      'SO-1',
    );
  });

  it('shows a failed cancel closed, not done, when the marketplace ships the order instead', () => {
    const history = historyOf(
      importOrder(),
      shopOrdersCreated(),
      shopChange('chg-cancel', { kind: 'canceled' }),
      requestCancel('chg-cancel', { choices: { reason: 'BORED' } }),
      importOrder({ snapshot: snapshot({ marketplaceStatus: 'Sent' }), now: later(60) }),
    );
    expect(summary(history).actions.cancel).toEqual({ status: 'closed' });
  });

  it('shows a cancel done when Lengow reports the order canceled while it was waiting', () => {
    const history = historyOf(
      importOrder(),
      shopOrdersCreated(),
      shopChange('chg-cancel', { kind: 'canceled' }),
      requestCancel('chg-cancel'),
      importOrder({ snapshot: snapshot({ marketplaceStatus: 'Cancelled' }), now: later(60) }),
    );
    expect(summary(history).actions.cancel).toEqual({ status: 'done' });
  });

  it('shows the stock as pending, "not decremented" with the shortfall, pending again on retry, then done', () => {
    expect(summary(importedHistory()).stock).toEqual({ status: 'pending' });
    const failed = [importOrder(), shopOrdersCreated(), stockDecrementFailed()];
    expect(summary(historyOf(...failed)).stock).toEqual({
      status: 'failed',
      code: 'STOCK_SHORTFALL',
      messages: ['product 1001_3: 2 ordered, 1 in stock'],
      since: later(2),
    });
    expect(summary(historyOf(...failed, retryStockDecrement())).stock).toEqual({ status: 'pending' });
    expect(summary(historyOf(...failed, retryStockDecrement(), stockDecremented(later(61)))).stock).toEqual({
      status: 'done',
    });
  });

  it('shows "not decremented" for a product the catalogue no longer has, with its own code for the operator', () => {
    const history = historyOf(importOrder(), shopOrdersCreated(), productsNotInShop());
    expect(summary(history).stock).toEqual({
      status: 'failed',
      code: 'PRODUCT_NOT_IN_SHOP',
      messages: ['product 1001_3 is no longer in the shop catalogue'],
      since: later(2),
    });
  });
});
