import { historyOf, importedHistory, importOrder } from '../domain/testing/order-scenario.js';
import { address, snapshot } from '../domain/testing/order-fixtures.js';
import type { OrderEvent } from '../domain/order-events.js';
import { evolveOrderFacts, initialOrderFacts } from './order-facts.js';

const facts = (events: OrderEvent[]) => events.reduce(evolveOrderFacts, initialOrderFacts());

describe('order facts', () => {
  it('takes customer, country, total and currency from the plan, then from the created shop orders', () => {
    expect(facts(historyOf(importOrder()))).toEqual({
      customerName: 'Anne Martin',
      deliveryCountry: 'FR',
      totalAmount: 64.8,
      currency: 'EUR',
      orderDate: null,
    });
    expect(facts(importedHistory())).toMatchObject({ customerName: 'Anne Martin', totalAmount: 64.8 });
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
    ] as unknown as OrderEvent[];
    expect(broken.reduce(evolveOrderFacts, known)).toEqual(known);
  });
});
