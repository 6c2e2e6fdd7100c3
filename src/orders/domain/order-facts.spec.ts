import type { MarketplaceOrderSnapshot } from './marketplace-order-snapshot.js';
import { orderFactsOf } from './order-facts.js';
import { address, orderFacts, pkg, snapshot } from './testing/order-fixtures.js';

const factsOf = (overrides: Partial<MarketplaceOrderSnapshot> = {}, lengowStatus: string | null = 'waiting_shipment') =>
  orderFactsOf(snapshot(overrides), lengowStatus);

describe('orderFactsOf', () => {
  it('takes date, customer, country, total, currency and statuses from the snapshot', () => {
    expect(factsOf()).toEqual(orderFacts());
  });

  it("reads the marketplace order date, else Lengow's import date, in canonical UTC", () => {
    expect(factsOf({ orderDate: '2024-05-02T11:15:00+02:00' }).orderDate).toBe('2024-05-02T09:15:00.000Z');
    expect(factsOf({ orderDate: null, importedAt: '2024-05-01T22:00:00Z' }).orderDate).toBe('2024-05-01T22:00:00.000Z');
    expect(factsOf({ orderDate: 'soon', importedAt: '2024-05-01T22:00:00Z' }).orderDate).toBe(
      '2024-05-01T22:00:00.000Z',
    );
    expect(factsOf({ orderDate: null, importedAt: null }).orderDate).toBeNull();
  });

  it('names the billing customer, else the delivery one: full name, else first and last name, else company', () => {
    expect(factsOf({ billingAddress: address({ fullName: '  Anne   Martin ' }) }).customerName).toBe('Anne Martin');
    expect(factsOf({ billingAddress: address({ fullName: null, firstName: null }) }).customerName).toBe('Martin');
    const company = address({ fullName: '', firstName: ' ', lastName: null, company: 'ACME SAS' });
    expect(factsOf({ billingAddress: company }).customerName).toBe('ACME SAS');
    const delivery = pkg({ deliveryAddress: address({ fullName: 'Paul Durand' }) });
    expect(factsOf({ billingAddress: null, packages: [delivery] }).customerName).toBe('Paul Durand');
    const nameless = address({ fullName: null, firstName: null, lastName: null, company: null });
    expect(factsOf({ billingAddress: nameless, packages: [delivery] }).customerName).toBe('Paul Durand');
  });

  it('keeps personal data to the name: no e-mail, phone or street', () => {
    const recorded = JSON.stringify(factsOf());
    expect(recorded).not.toContain('buyer-778@relay.example');
    expect(recorded).not.toContain('+33600000000');
    expect(recorded).not.toContain('rue des Lilas');
  });

  it('takes the country of the first package with a delivery address, upper case', () => {
    expect(factsOf({ packages: [pkg({ deliveryAddress: address({ countryIso2: 'de' }) })] }).deliveryCountry).toBe(
      'DE',
    );
    const second = [pkg({ deliveryAddress: null }), pkg({ deliveryAddress: address({ countryIso2: 'BE' }) })];
    expect(factsOf({ packages: second }).deliveryCountry).toBe('BE');
    expect(factsOf({ packages: [] }).deliveryCountry).toBeNull();
  });

  it('has no total when Lengow had no exchange rate', () => {
    expect(factsOf({ amounts: { total: -1, tax: 0, shipping: 0, processingFee: 0 } }).totalAmount).toBeNull();
    expect(factsOf({ amounts: { total: 0, tax: 0, shipping: 0, processingFee: 0 } }).totalAmount).toBe(0);
    expect(factsOf({ currency: ' usd ' }).currency).toBe('USD');
  });

  it('flags B2B and marketplace-shipped orders', () => {
    expect(factsOf({ orderTypes: [{ type: 'is_business', label: null }] }).business).toBe(true);
    expect(factsOf({ billingAddress: address({ company: 'ACME', vatNumber: 'FR1' }) }).business).toBe(true);
    const fba = factsOf({ orderTypes: [{ type: 'is_delivered_by_marketplace', label: 'AFN' }] });
    expect([fba.business, fba.shippedByMarketplace]).toEqual([false, true]);
  });

  it('records the Lengow status it is given, null when unmapped', () => {
    expect(factsOf({ marketplaceStatus: 'Weird' }, null)).toMatchObject({
      marketplaceStatus: 'Weird',
      lengowStatus: null,
    });
  });

  it('gives nulls rather than failing on data the mapper could not normalise', () => {
    const garbled = {
      ...snapshot(),
      orderDate: 42,
      importedAt: undefined,
      billingAddress: 'nobody',
      packages: [null, { deliveryAddress: [] }],
      amounts: undefined,
      currency: 978,
      orderTypes: undefined,
      payments: undefined,
      marketplaceStatus: undefined,
    } as unknown as MarketplaceOrderSnapshot;
    expect(orderFactsOf(garbled, null)).toEqual({
      orderDate: null,
      customerName: null,
      deliveryCountry: null,
      totalAmount: null,
      currency: null,
      marketplaceStatus: null,
      lengowStatus: null,
      business: false,
      shippedByMarketplace: false,
    });
  });
});
