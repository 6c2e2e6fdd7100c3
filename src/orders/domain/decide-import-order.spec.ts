import { DEFAULT_IMPORT_SETTINGS } from './import-settings.js';
import { orderEvent, type OrderEvent } from './order-events.js';
import {
  address,
  carrierMapping,
  definition,
  line,
  lookups,
  NOW,
  orderFacts,
  pkg,
  snapshot,
} from './testing/order-fixtures.js';
import {
  actionSent,
  historyOf,
  importedHistory,
  importOrder,
  later,
  ORDER_KEY,
  reimportOrder,
  requestShip,
  shipAttempt,
  shipped,
  shopChange,
  shopOrderKey,
  shopOrdersCreated,
  spec,
  STREAM,
} from './testing/order-scenario.js';

const failedOnProduct = () => historyOf(importOrder({ lookups: lookups({ products: {} }) }));

describe('ImportOrder', () => {
  describe('first sighting', () => {
    it('plans one shop order per package with deterministic keys, stock and moi intents', () => {
      const [event, ...rest] = spec.given([]).when(importOrder()).events();
      expect(rest).toEqual([]);
      expect(event?.type).toBe('OrderImportPlanned');
      if (event?.type !== 'OrderImportPlanned') return;
      expect(event.schemaVersion).toBe(1);
      expect(event.data).toMatchObject({ orderKey: ORDER_KEY, trigger: 'poll', at: NOW });
      expect(event.data.plan).toMatchObject({
        generation: 1,
        marketplaceStatus: 'ToShip',
        lengowStatus: 'waiting_shipment',
        currency: 'EUR',
        business: false,
        shippedByMarketplace: false,
        merchantOrderIdsKey: `${STREAM}:moi:1`,
        stockDecrement: { key: `${STREAM}:stock` },
      });
      expect(event.data.plan.shopOrders.map((order) => order.key)).toEqual([shopOrderKey(0, 1)]);
    });

    it('records an ignored order with the plugin message', () => {
      spec
        .given([])
        .when(importOrder({ snapshot: snapshot({ marketplaceStatus: 'Cancelled' }) }))
        .then([
          orderEvent('OrderImportIgnored', {
            orderKey: ORDER_KEY,
            code: 'STATUS_NOT_IMPORTABLE',
            message: "current order's status [Cancelled] makes it unavailable to import for marketplace demo_market_fr",
            marketplaceStatus: 'Cancelled',
            lengowStatus: 'canceled',
            facts: orderFacts({ marketplaceStatus: 'Cancelled', lengowStatus: 'canceled' }),
            at: NOW,
          }),
        ]);
    });

    it('records every validation failure as one permanent import failure', () => {
      spec
        .given([])
        .when(
          importOrder({
            snapshot: snapshot({ currency: 'XYZ' }),
            lookups: lookups({
              currencyAvailable: false,
              carrierMapping: carrierMapping({ carriers: [], defaults: [] }),
            }),
          }),
        )
        .then([
          orderEvent('OrderImportFailed', {
            orderKey: ORDER_KEY,
            generation: 1,
            kind: 'permanent',
            failures: [
              { code: 'CURRENCY_NOT_AVAILABLE', message: 'the XYZ currency is not available in your shop' },
              {
                code: 'NO_DEFAULT_CARRIER',
                message: 'You must select a default carrier for the country: FR and the marketplace: Demo Market FR',
              },
            ],
            attempt: 1,
            nextAttemptAt: null,
            parked: false,
            configurationRevision: 'rev-1',
            marketplaceStatus: 'ToShip',
            lengowStatus: 'waiting_shipment',
            filledIn: [],
            facts: orderFacts({ currency: 'XYZ' }),
            at: NOW,
          }),
        ]);
    });

    it('records what was filled in, e.g. a billing address copied from the delivery address', () => {
      const [event] = spec
        .given([])
        .when(importOrder({ snapshot: snapshot({ billingAddress: null }) }))
        .events();
      expect(event?.type === 'OrderImportPlanned' && event.data.plan.filledIn).toEqual([
        { address: 'billing', field: '*', value: 'copied from the delivery address' },
      ]);
    });

    it('does not plan a stock decrement for an order shipped by the marketplace by default', () => {
      const fba = snapshot({
        orderTypes: [{ type: 'is_delivered_by_marketplace', label: 'AFN' }],
        billingAddress: address({ firstName: null }),
      });
      const [event] = spec
        .given([])
        .when(
          importOrder({ snapshot: fba, settings: { ...DEFAULT_IMPORT_SETTINGS, createShippedByMarketplace: true } }),
        )
        .events();
      expect(event?.type === 'OrderImportPlanned' && event.data.plan).toMatchObject({
        shippedByMarketplace: true,
        stockDecrement: null,
        filledIn: [{ address: 'billing', field: 'firstName', value: 'not provided' }],
      });
    });

    describe('shipped by the marketplace, said only by the tracking flag (no order_types)', () => {
      const flagged = () => snapshot({ orderTypes: [], packages: [pkg({ deliveredByMarketplace: true })] });

      it('creates no shop order by default', () => {
        spec
          .given([])
          .when(importOrder({ snapshot: flagged() }))
          .then([
            orderEvent('OrderImportIgnored', {
              orderKey: ORDER_KEY,
              code: 'SHIPPED_BY_MARKETPLACE',
              message: 'order shipped by Demo Market FR',
              marketplaceStatus: 'ToShip',
              lengowStatus: 'waiting_shipment',
              facts: orderFacts({ shippedByMarketplace: true }),
              at: NOW,
            }),
          ]);
      });

      it('creates it without a stock decrement when such orders are created', () => {
        const [event] = spec
          .given([])
          .when(
            importOrder({
              snapshot: flagged(),
              settings: { ...DEFAULT_IMPORT_SETTINGS, createShippedByMarketplace: true },
            }),
          )
          .events();
        expect(event?.type === 'OrderImportPlanned' && event.data.plan).toMatchObject({
          shippedByMarketplace: true,
          stockDecrement: null,
        });
      });
    });

    it('refuses a malformed order key or timestamp with a typed error', () => {
      spec
        .given([])
        .when(importOrder({ snapshot: snapshot({ marketplaceOrderId: ' ' }) }))
        .thenThrows('INVALID_ORDER_KEY');
      spec
        .given([])
        .when(importOrder({ now: 'yesterday' }))
        .thenThrows('INVALID_TIMESTAMP');
    });

    it('refuses to decide for another order than the stream it was loaded from', () => {
      spec
        .given(importedHistory())
        .when(importOrder({ snapshot: snapshot({ marketplaceOrderId: 'OTHER' }) }))
        .thenThrows('ORDER_KEY_MISMATCH');
    });

    it('normalises the marketplace code of the stream key', () => {
      const [event] = spec
        .given([])
        .when(importOrder({ snapshot: snapshot({ marketplace: 'Demo_Market_FR' }) }))
        .events();
      expect(event?.type === 'OrderImportPlanned' && event.data.orderKey).toEqual(ORDER_KEY);
    });
  });

  describe('data the shop could not take as Lengow sent it', () => {
    const absurd = () =>
      snapshot({
        packages: [pkg({ lines: [line({ quantity: 1e12 }), line({ lineId: 'DM-2', quantity: 1, amount: 20 })] })],
      });

    it('given a line quantity past the shop limit, when imported, then a permanent failure names it and nothing is planned', () => {
      spec
        .given([])
        .when(importOrder({ snapshot: absurd() }))
        .then([
          orderEvent('OrderImportFailed', {
            orderKey: ORDER_KEY,
            generation: 1,
            kind: 'permanent',
            failures: [
              {
                code: 'INVALID_LINE',
                message:
                  'Lengow error: line DM-1 has an invalid quantity or amount: quantity 1000000000000 is more than the shop takes (1000000)',
              },
            ],
            attempt: 1,
            nextAttemptAt: null,
            parked: false,
            configurationRevision: 'rev-1',
            marketplaceStatus: 'ToShip',
            lengowStatus: 'waiting_shipment',
            filledIn: [],
            facts: orderFacts(),
            at: NOW,
          }),
        ]);
    });

    it('given that failure, when the same copy comes again, then nothing is appended; when Lengow corrects it, then it is planned', () => {
      const failed = historyOf(importOrder({ snapshot: absurd() }));
      spec
        .given(failed)
        .when(importOrder({ snapshot: absurd(), now: later(300) }))
        .thenNothingHappened();
      // The import wiring folds the order's own data into the revision: a corrected copy is a new one.
      const [event] = spec
        .given(failed)
        .when(importOrder({ snapshot: snapshot(), configurationRevision: 'rev-2', now: later(300) }))
        .events();
      expect(event?.type).toBe('OrderImportPlanned');
    });

    it('given control characters in the buyer name and street, when imported, then the plan has them cleaned and the raw values recorded', () => {
      const dirty = address({
        lastName: 'Mar\u0000tin',
        fullName: 'Anne\u0000 Mar\u0000tin',
        firstLine: '12 rue des Lilas\u0007',
      });
      const [event] = spec
        .given([])
        .when(importOrder({ snapshot: snapshot({ billingAddress: dirty }) }))
        .events();
      expect(event?.type).toBe('OrderImportPlanned');
      if (event?.type !== 'OrderImportPlanned') return;
      expect(event.data.plan.customer.billingAddress).toMatchObject({
        lastName: 'Martin',
        fullName: 'Anne Martin',
        firstLine: '12 rue des Lilas',
      });
      expect(event.data.plan.filledIn).toEqual([
        { address: 'billing', field: 'lastName', value: 'Martin', raw: 'Mar\u0000tin' },
        { address: 'billing', field: 'fullName', value: 'Anne Martin', raw: 'Anne\u0000 Mar\u0000tin' },
        { address: 'billing', field: 'firstLine', value: '12 rue des Lilas', raw: '12 rue des Lilas\u0007' },
      ]);
      expect(event.data.facts?.customerName).toBe('Anne Martin');
    });

    it('given a delivery street of nothing but controls, when imported, then the failure quotes it and nothing is planned', () => {
      const [event, ...rest] = spec
        .given([])
        .when(
          importOrder({
            snapshot: snapshot({ packages: [pkg({ deliveryAddress: address({ firstLine: '\u0000' }) })] }),
          }),
        )
        .events();
      expect(rest).toEqual([]);
      expect(event?.type === 'OrderImportFailed' && event.data).toMatchObject({
        kind: 'permanent',
        failures: [
          {
            code: 'INVALID_ADDRESS',
            message:
              'Lengow error: the delivery address is not valid: first_line "\\u0000" is blank once stripped of control characters and lone surrogates',
          },
        ],
        filledIn: [{ address: 'delivery:0', field: 'firstLine', value: '', raw: '\u0000' }],
      });
    });
  });

  describe('later polls', () => {
    it('does nothing while the shop orders are being created', () => {
      spec
        .given(historyOf(importOrder()))
        .when(importOrder({ now: later(1) }))
        .thenNothingHappened();
    });

    it('never imports an imported order again', () => {
      spec
        .given(importedHistory())
        .when(importOrder({ now: later(5) }))
        .thenNothingHappened();
    });

    it('does not repeat the same ignore verdict', () => {
      const cancelled = snapshot({ marketplaceStatus: 'Cancelled' });
      spec
        .given(historyOf(importOrder({ snapshot: cancelled })))
        .when(importOrder({ snapshot: cancelled, now: later(15) }))
        .thenNothingHappened();
    });

    it('imports an ignored order once its status allows it', () => {
      const waiting = snapshot({ marketplaceStatus: 'New' });
      const events = spec
        .given(historyOf(importOrder({ snapshot: waiting })))
        .when(importOrder({ now: later(15) }))
        .events();
      expect(events.map((event) => event.type)).toEqual(['OrderImportPlanned']);
    });

    it('keeps an anonymized order ignored even after its status changes', () => {
      const anonymized = snapshot({ anonymized: true });
      spec
        .given(historyOf(importOrder({ snapshot: anonymized })))
        .when(importOrder({ snapshot: anonymized, now: later(15) }))
        .thenNothingHappened();
    });

    it('does not retry a permanent failure on every poll', () => {
      spec
        .given(failedOnProduct())
        .when(importOrder({ lookups: lookups({ products: {} }), now: later(15) }))
        .thenNothingHappened();
    });

    it('retries a permanent failure when the configuration changed, and imports if it is fixed', () => {
      const events = spec
        .given(failedOnProduct())
        .when(importOrder({ configurationRevision: 'rev-2', now: later(15) }))
        .events();
      expect(events.map((event) => event.type)).toEqual(['OrderImportPlanned']);
    });

    it('records the new revision when the retry after a configuration change fails again', () => {
      const [event] = spec
        .given(failedOnProduct())
        .when(importOrder({ lookups: lookups({ products: {} }), configurationRevision: 'rev-2', now: later(15) }))
        .events();
      expect(event?.type === 'OrderImportFailed' && event.data).toMatchObject({
        attempt: 2,
        configurationRevision: 'rev-2',
      });
    });

    it('retries when the operator says the cause was fixed', () => {
      const events = spec
        .given(failedOnProduct())
        .when(importOrder({ retryAfterFix: true, now: later(15) }))
        .events();
      expect(events.map((event) => event.type)).toEqual(['OrderImportPlanned']);
    });

    it('closes a failed order that the marketplace canceled meanwhile', () => {
      const events = spec
        .given(failedOnProduct())
        .when(importOrder({ snapshot: snapshot({ marketplaceStatus: 'Cancelled' }), now: later(15) }))
        .events();
      expect(events.map((event) => event.type)).toEqual(['OrderImportIgnored']);
    });

    it('records a new marketplace status on an imported order', () => {
      spec
        .given(importedHistory())
        .when(importOrder({ snapshot: snapshot({ marketplaceStatus: 'Accepted' }), now: later(20) }))
        .then([
          orderEvent('LengowStatusChanged', {
            previousMarketplaceStatus: 'ToShip',
            marketplaceStatus: 'Accepted',
            lengowStatus: 'accepted',
            finishing: false,
            closedKeys: [],
            at: later(20),
          }),
        ]);
    });

    it('closes open actions when the order reaches a finishing status', () => {
      const history = historyOf(
        importOrder(),
        shopOrdersCreated(),
        shopChange('chg-ship', shipped()),
        requestShip(),
        actionSent(shipAttempt('DM-1')),
      );
      spec
        .given(history)
        .when(importOrder({ snapshot: snapshot({ marketplaceStatus: 'Sent' }), now: later(40) }))
        .then([
          orderEvent('LengowStatusChanged', {
            previousMarketplaceStatus: 'ToShip',
            marketplaceStatus: 'Sent',
            lengowStatus: 'shipped',
            finishing: true,
            closedKeys: [shipAttempt('DM-1'), shipAttempt('DM-2')],
            at: later(40),
          }),
        ]);
    });

    it('falls back to lengow_status for the status of an imported order when the marketplace list is missing', () => {
      const [event] = spec
        .given(importedHistory())
        .when(
          importOrder({
            definition: null,
            snapshot: snapshot({ marketplaceStatus: 'Sent', lengowStatus: 'shipped' }),
            now: later(20),
          }),
        )
        .events();
      expect(event?.type === 'LengowStatusChanged' && event.data.lengowStatus).toBe('shipped');
    });

    it('waits with a multi-line order while a line awaits acceptance', () => {
      const order = snapshot({
        packages: [pkg({ lines: [line(), line({ lineId: 'DM-2', marketplaceStatus: 'New' })] })],
      });
      const events = spec
        .given([])
        .when(importOrder({ snapshot: order }))
        .events();
      expect(events.map((event) => event.type === 'OrderImportIgnored' && event.data.code)).toEqual([
        'LINES_WAITING_ACCEPTANCE',
      ]);
    });
  });

  it('reads an order of an unknown marketplace as ignored', () => {
    const events = spec
      .given([])
      .when(importOrder({ definition: null }))
      .events();
    expect(events.map((event) => event.type === 'OrderImportIgnored' && event.data.message)).toEqual([
      'Lengow error: demo_market_fr does not feature in the marketplace list',
    ]);
  });

  it('uses the marketplace label of the definition in the shipped-by-marketplace message', () => {
    const fba = snapshot({ orderTypes: [{ type: 'is_delivered_by_marketplace', label: 'AFN' }] });
    const events = spec
      .given([])
      .when(importOrder({ snapshot: fba, definition: definition({ label: 'Amazon FR' }) }))
      .events();
    expect(events.map((event) => event.type === 'OrderImportIgnored' && event.data.message)).toEqual([
      'order shipped by Amazon FR',
    ]);
  });

  it('keeps the import idempotent across a creation that is replayed', () => {
    spec.given(importedHistory()).when(shopOrdersCreated()).thenNothingHappened();
  });

  describe('order facts', () => {
    const factsOf = (events: readonly OrderEvent[]) =>
      events.map((event) =>
        event.type === 'OrderImportIgnored' || event.type === 'OrderImportFailed' || event.type === 'OrderImportPlanned'
          ? [event.type, event.data.facts]
          : [event.type],
      );

    it('records date, customer, country, total and statuses on an ignored order', () => {
      const old = snapshot({
        orderDate: null,
        importedAt: '2023-11-20T08:00:00+01:00',
        marketplaceStatus: 'Sent',
        amounts: { total: 129.5, tax: 21.58, shipping: 0, processingFee: 0 },
        currency: 'eur',
        billingAddress: address({ fullName: null, firstName: 'Hélène', lastName: 'Dupré' }),
        packages: [pkg({ deliveryAddress: address({ countryIso2: 'be' }) })],
      });
      const events = spec
        .given([])
        .when(importOrder({ snapshot: old }))
        .events();
      expect(factsOf(events)).toEqual([
        [
          'OrderImportIgnored',
          orderFacts({
            orderDate: '2023-11-20T07:00:00.000Z',
            customerName: 'Hélène Dupré',
            deliveryCountry: 'BE',
            totalAmount: 129.5,
            marketplaceStatus: 'Sent',
            lengowStatus: 'shipped',
          }),
        ],
      ]);
      expect(events[0]?.type === 'OrderImportIgnored' && events[0].data.code).toBe('TOO_OLD');
    });

    it('records them on an order of an unknown marketplace, without a Lengow status', () => {
      const [event] = spec
        .given([])
        .when(importOrder({ definition: null }))
        .events();
      expect(event?.type === 'OrderImportIgnored' && event.data.facts).toEqual(orderFacts({ lengowStatus: null }));
    });

    it('records B2B and shipped-by-marketplace orders as such', () => {
      const fba = snapshot({
        orderTypes: [
          { type: 'is_delivered_by_marketplace', label: 'AFN' },
          { type: 'is_business', label: 'B2B' },
        ],
      });
      const [event] = spec
        .given([])
        .when(importOrder({ snapshot: fba }))
        .events();
      expect(event?.type === 'OrderImportIgnored' && event.data).toMatchObject({
        code: 'SHIPPED_BY_MARKETPLACE',
        facts: orderFacts({ business: true, shippedByMarketplace: true }),
      });
    });

    it('records them on a failed validation', () => {
      const events = spec
        .given([])
        .when(importOrder({ lookups: lookups({ products: {} }) }))
        .events();
      expect(factsOf(events)).toEqual([['OrderImportFailed', orderFacts()]]);
    });

    it('records them on a plan, with B2B as the plan decided it', () => {
      expect(factsOf(spec.given([]).when(importOrder()).events())).toEqual([['OrderImportPlanned', orderFacts()]]);
      const company = snapshot({
        billingAddress: null,
        packages: [pkg({ deliveryAddress: address({ company: 'ACME SAS', vatNumber: 'FR12345678901' }) })],
      });
      const [event] = spec
        .given([])
        .when(importOrder({ snapshot: company }))
        .events();
      expect(event?.type === 'OrderImportPlanned' && [event.data.plan.business, event.data.facts]).toEqual([
        true,
        orderFacts({ business: true }),
      ]);
    });

    it('records them on a re-import, and not on a status change of an imported order', () => {
      const reimported = spec
        .given(importedHistory())
        .when(
          reimportOrder({
            snapshot: snapshot({ amounts: { total: 70, tax: 11.67, shipping: 4.9, processingFee: 0 } }),
          }),
        )
        .events();
      expect(factsOf(reimported)).toEqual([['OrderImportPlanned', orderFacts({ totalAmount: 70 })]]);
      const changed = spec
        .given(importedHistory())
        .when(importOrder({ snapshot: snapshot({ marketplaceStatus: 'Sent' }), now: later(30) }))
        .events();
      expect(factsOf(changed)).toEqual([['LengowStatusChanged']]);
    });
  });
});
