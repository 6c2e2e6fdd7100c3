import {
  historyOf,
  importedHistory,
  importFailure,
  importOrder,
  reimportOrder,
  shopOrdersCreated,
} from '../domain/testing/order-scenario.js';
import { address, lookups, pkg, snapshot } from '../domain/testing/order-fixtures.js';
import type { OrderEvent } from '../domain/order-events.js';
import { evolveOrderFacts, initialOrderFacts } from './order-facts.js';

const facts = (events: OrderEvent[]) => events.reduce(evolveOrderFacts, initialOrderFacts());
/** As stored before import events recorded the order facts. */
const withoutFacts = (events: OrderEvent[]) =>
  events.map((event) => {
    if (!('facts' in event.data)) return event;
    const { facts: _facts, ...data } = event.data;
    return { ...event, data } as OrderEvent;
  });

const ORDER_DATE = '2024-05-02T09:15:00.000Z';

describe('order facts', () => {
  it('takes customer, country, total and currency from the plan, then from the created shop orders', () => {
    expect(facts(historyOf(importOrder()))).toEqual({
      customerName: 'Anne Martin',
      deliveryCountry: 'FR',
      totalAmount: 64.8,
      currency: 'EUR',
      orderDate: ORDER_DATE,
      totalFromShopOrders: true,
    });
    expect(facts(importedHistory())).toMatchObject({ customerName: 'Anne Martin', totalAmount: 64.8 });
  });

  it("shows an ignored order's date, customer, country and the marketplace's total", () => {
    const ignored = snapshot({
      anonymized: true,
      orderDate: null,
      importedAt: '2024-05-01T23:30:00+02:00',
      amounts: { total: 99.9, tax: 16.65, shipping: 0, processingFee: 0 },
      billingAddress: address({ fullName: 'Hélène Dupré' }),
      packages: [pkg({ deliveryAddress: address({ countryIso2: 'be' }) })],
    });
    expect(facts(historyOf(importOrder({ snapshot: ignored })))).toEqual({
      customerName: 'Hélène Dupré',
      deliveryCountry: 'BE',
      totalAmount: 99.9,
      currency: 'EUR',
      orderDate: '2024-05-01T21:30:00.000Z',
      totalFromShopOrders: false,
    });
  });

  it('shows a failed order the same way, whether validation or the wiring recorded the failure', () => {
    const expected = {
      customerName: 'Anne Martin',
      deliveryCountry: 'FR',
      totalAmount: 64.8,
      currency: 'EUR',
      orderDate: ORDER_DATE,
      totalFromShopOrders: false,
    };
    expect(facts(historyOf(importOrder({ lookups: lookups({ products: {} }) })))).toEqual(expected);
    expect(facts(historyOf(importFailure({ snapshot: snapshot() })))).toEqual(expected);
    expect(facts(historyOf(importFailure()))).toEqual(initialOrderFacts());
  });

  it("keeps the shop orders' total when a later re-import fails, and takes the other facts from it", () => {
    const imported = historyOf(
      importOrder(),
      shopOrdersCreated(),
      reimportOrder({
        snapshot: snapshot({
          amounts: { total: 70, tax: 0, shipping: 0, processingFee: 0 },
          billingAddress: address({ fullName: 'Anne Martin-Durand' }),
        }),
        lookups: lookups({ products: {} }),
      }),
    );
    expect(imported.map((event) => event.type)).toEqual(['OrderImportPlanned', 'OrderImported', 'OrderImportFailed']);
    expect(facts(imported)).toMatchObject({ totalAmount: 64.8, customerName: 'Anne Martin-Durand' });
  });

  it('folds events stored before they carried facts: nulls for ignored and failed orders, the plan for the rest', () => {
    const anonymized = importOrder({ snapshot: snapshot({ anonymized: true }) });
    expect(facts(withoutFacts(historyOf(anonymized)))).toEqual(initialOrderFacts());
    expect(facts(withoutFacts(historyOf(importOrder())))).toEqual({
      ...facts(historyOf(importOrder())),
      orderDate: null,
    });
  });

  it('falls back to first and last name, then company', () => {
    const named = (billing: Parameters<typeof address>[0]) =>
      facts(historyOf(importOrder({ snapshot: snapshot({ billingAddress: address(billing) }) }))).customerName;
    expect(named({ fullName: null })).toBe('Anne Martin');
    expect(named({ fullName: ' ', firstName: null, lastName: null, company: 'ACME SAS' })).toBe('ACME SAS');
  });

  it('keeps what it knows when an event carries malformed data', () => {
    const known = facts(historyOf(importOrder()));
    const broken = [
      { type: 'OrderImported', schemaVersion: 1, data: { customer: 'nobody', shopOrders: 'none', currency: 12 } },
      { type: 'OrderImportPlanned', schemaVersion: 1, data: { plan: { shopOrders: [{ amounts: { total: 'x' } }] } } },
      { type: 'OrderImportIgnored', schemaVersion: 1, data: { facts: 'none' } },
      {
        type: 'OrderImportFailed',
        schemaVersion: 1,
        data: { facts: { orderDate: 'yesterday', customerName: 7, deliveryCountry: [], totalAmount: '12' } },
      },
      { type: 'OrderImportIgnored', schemaVersion: 1, data: null },
    ] as unknown as OrderEvent[];
    expect(broken.reduce(evolveOrderFacts, known)).toEqual(known);
  });
});
