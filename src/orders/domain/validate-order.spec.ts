import { SHOP_LIMITS } from '../../shop/shop-limits.js';
import { DEFAULT_IMPORT_SETTINGS } from './import-settings.js';
import type { MarketplaceOrderSnapshot } from './marketplace-order-snapshot.js';
import { validateOrder, type ValidateOrderInput } from './validate-order.js';
import {
  address,
  carrierMapping,
  colissimo,
  definition,
  line,
  lookups,
  pkg,
  snapshot,
} from './testing/order-fixtures.js';

const validate = (order: MarketplaceOrderSnapshot, overrides: Partial<ValidateOrderInput> = {}) =>
  validateOrder({
    snapshot: order,
    definition: definition(),
    lookups: lookups(),
    settings: DEFAULT_IMPORT_SETTINGS,
    shippedByMarketplace: false,
    ...overrides,
  });

const messages = (order: MarketplaceOrderSnapshot, overrides: Partial<ValidateOrderInput> = {}) => {
  const result = validate(order, overrides);
  return result.ok ? [] : result.failures.map((failure) => `${failure.code}: ${failure.message}`);
};

describe('validateOrder', () => {
  it('accepts a well-formed order and resolves products and carriers per package', () => {
    const result = validate(snapshot());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.packages).toHaveLength(1);
    expect(result.packages[0]).toMatchObject({
      packageIndex: 0,
      deliveryId: '9002',
      carrier: colissimo,
      carrierResolvedBy: 'carrier_code',
    });
    expect(result.packages[0]?.lines.map((validated) => validated.product)).toEqual([
      { productId: '1001', variantId: '3' },
      { productId: '2002', variantId: null },
    ]);
  });

  it('reports an order without packages as not formatted', () => {
    expect(messages(snapshot({ packages: [], billingAddress: address() }))).toEqual([
      'NO_PACKAGE: Lengow error: no package in the order',
    ]);
  });

  it('reports a package without delivery id', () => {
    expect(messages(snapshot({ packages: [pkg({ deliveryId: null })] }))).toEqual([
      'NO_DELIVERY_ADDRESS: Lengow error: no delivery address in the order',
    ]);
  });

  it('reports an empty cart once canceled and refused lines are dropped', () => {
    const order = snapshot({
      packages: [
        pkg({
          lines: [line({ marketplaceStatus: 'Cancelled' }), line({ lineId: 'DM-2', marketplaceStatus: 'Rejected' })],
        }),
      ],
    });
    expect(messages(order)).toEqual(['NO_PRODUCTS: Lengow error: no products in the order']);
  });

  it('does not look up products of dropped lines', () => {
    const order = snapshot({
      packages: [pkg({ lines: [line(), line({ lineId: 'GONE', marketplaceStatus: 'Cancelled' })] })],
    });
    expect(validate(order).ok).toBe(true);
  });

  it('reports each product that cannot be found, by its merchant id without the _FBA suffix', () => {
    const order = snapshot({
      packages: [
        pkg({ lines: [line({ merchantProductId: { id: 'SKU-9_FBA', field: 'id' } }), line({ lineId: 'DM-2' })] }),
      ],
    });
    const result = messages(order, { lookups: lookups({ products: {} }) });
    expect(result).toEqual([
      'PRODUCT_NOT_FOUND: product SKU-9 could not be found',
      'PRODUCT_NOT_FOUND: product 1001_3 could not be found',
    ]);
  });

  it('reports a parent product without variant', () => {
    const result = messages(snapshot({ packages: [pkg({ lines: [line()] })] }), {
      lookups: lookups({ products: { 'DM-1': { kind: 'parent_without_variant', productId: '1001' } } }),
    });
    expect(result).toEqual(['PRODUCT_IS_PARENT: product 1001_3 is a parent ID. Product variation is needed']);
  });

  it('reports an id the catalogue cannot parse, and a line without any product id', () => {
    const order = snapshot({
      packages: [
        pkg({ lines: [line(), line({ lineId: 'DM-2', merchantProductId: null, marketplaceProductId: null })] }),
      ],
    });
    const result = messages(order, { lookups: lookups({ products: { 'DM-1': { kind: 'invalid_id' } } }) });
    expect(result).toEqual([
      'INVALID_PRODUCT_ID: cannot add product 1001_3 to cart (invalid ID format)',
      'INVALID_PRODUCT_ID: cannot add product DM-2 to cart (invalid ID format)',
    ]);
  });

  it('refuses unavailable products only when products are not forced', () => {
    const unavailable = lookups({
      products: {
        'DM-1': {
          kind: 'found',
          product: { productId: '1001', variantId: '3' },
          matchedBy: 'merchant_id',
          available: false,
        },
      },
    });
    const order = snapshot({ packages: [pkg({ lines: [line()] })] });
    expect(validate(order, { lookups: unavailable }).ok).toBe(true);
    expect(messages(order, { lookups: unavailable, settings: { forceProduct: false } })).toEqual([
      'PRODUCT_NOT_ADDABLE: product 1001_3 could not be added to cart. Make sure it is available to order or that there is enough in stock',
    ]);
  });

  it('reports lines with an impossible quantity or amount instead of crashing, saying which and why', () => {
    const order = snapshot({
      packages: [
        pkg({
          lines: [
            line({ quantity: 0 }),
            line({ lineId: 'DM-2', amount: Number.NaN }),
            line({ lineId: 'DM-3', quantity: 1.5 }),
            line({ lineId: 'DM-4', amount: -3 }),
            line({ lineId: 'DM-5', amount: Number.POSITIVE_INFINITY }),
            line({ lineId: 'DM-6', quantity: 2 ** 53 }),
          ],
        }),
      ],
    });
    expect(messages(order)).toEqual([
      'INVALID_LINE: Lengow error: line DM-1 has an invalid quantity or amount: quantity 0 is not a positive integer',
      'INVALID_LINE: Lengow error: line DM-2 has an invalid quantity or amount: amount is missing',
      'INVALID_LINE: Lengow error: line DM-3 has an invalid quantity or amount: quantity 1.5 is not a positive integer',
      'INVALID_LINE: Lengow error: line DM-4 has an invalid quantity or amount: amount -3 is negative',
      'INVALID_LINE: Lengow error: line DM-5 has an invalid quantity or amount: amount Infinity is not a finite number',
      'INVALID_LINE: Lengow error: line DM-6 has an invalid quantity or amount: quantity 9007199254740992 is not a positive integer',
    ]);
  });

  it('quotes a huge id from Lengow shortened, so one order cannot bloat every message about it', () => {
    const id = 'P'.repeat(100_000);
    const [message] = messages(
      snapshot({ packages: [pkg({ lines: [line({ merchantProductId: { id, field: 'id' } })] })] }),
      { lookups: lookups({ products: {} }) },
    );
    expect(message).toBe(`PRODUCT_NOT_FOUND: product ${'P'.repeat(100)}… (100000 characters) could not be found`);
  });

  it('reports a missing currency and a currency the shop does not offer', () => {
    expect(messages(snapshot({ currency: null }))).toEqual(['NO_CURRENCY: Lengow error: no currency in the order']);
    expect(messages(snapshot({ currency: 'xyz' }), { lookups: lookups({ currencyAvailable: false }) })).toEqual([
      'CURRENCY_NOT_AVAILABLE: the XYZ currency is not available in your shop',
    ]);
  });

  it('reports a total of -1 as missing exchange rates', () => {
    expect(messages(snapshot({ amounts: { total: -1, tax: 0, shipping: 0, processingFee: 0 } }))).toEqual([
      'NO_EXCHANGE_RATE: Lengow error: no exchange rates available for order prices',
    ]);
  });

  it('reports amounts that are not numbers instead of planning NaN totals, naming the fields', () => {
    expect(messages(snapshot({ amounts: { total: 10, tax: 0, shipping: Number.NaN, processingFee: 0 } }))).toEqual([
      'INVALID_AMOUNTS: Lengow error: the order amounts are not valid: shipping is missing',
    ]);
    expect(
      messages(
        snapshot({ amounts: { total: Number.NaN, tax: 0, shipping: 0, processingFee: Number.NEGATIVE_INFINITY } }),
      ),
    ).toEqual([
      'INVALID_AMOUNTS: Lengow error: the order amounts are not valid: total_order is missing; processing_fee -Infinity is not a finite number',
    ]);
  });

  it('refuses negative charges before planning them, rather than leave the shop to refuse the plan', () => {
    expect(messages(snapshot({ amounts: { total: 10, tax: 0, shipping: -4.9, processingFee: -1 } }))).toEqual([
      'INVALID_AMOUNTS: Lengow error: the order amounts are not valid: shipping -4.9 is negative; processing_fee -1 is negative',
    ]);
  });

  it('reports an order without exchange rate once, whose charges Lengow sends as -1 too', () => {
    expect(messages(snapshot({ amounts: { total: -1, tax: -1, shipping: -1, processingFee: -1 } }))).toEqual([
      'NO_EXCHANGE_RATE: Lengow error: no exchange rates available for order prices',
    ]);
  });

  it('fills a missing billing address from the delivery address instead of failing', () => {
    const result = validate(snapshot({ billingAddress: null }));
    expect(result.ok).toBe(true);
    expect(result.filledIn).toContainEqual({
      address: 'billing',
      field: '*',
      value: 'copied from the delivery address',
    });
  });

  it('reports a missing billing address when there is no delivery address to copy', () => {
    expect(messages(snapshot({ billingAddress: null, packages: [pkg({ deliveryAddress: null })] }))).toEqual([
      'NO_BILLING_ADDRESS: Lengow error: no billing address in the order',
      'NO_DELIVERY_ADDRESS: Lengow error: no delivery address in the order',
    ]);
  });

  it('reports addresses without country', () => {
    expect(messages(snapshot({ billingAddress: address({ countryIso2: null }) }))).toEqual([
      "BILLING_WITHOUT_COUNTRY: Lengow error: billing address doesn't contain the country",
    ]);
    expect(messages(snapshot({ packages: [pkg({ deliveryAddress: address({ countryIso2: '' }) })] }))).toEqual([
      "DELIVERY_WITHOUT_COUNTRY: Lengow error: delivery address doesn't contain the country",
    ]);
  });

  it('reports a country that is no ISO alpha-2 code, instead of asking for a default carrier for it', () => {
    expect(
      messages(
        snapshot({
          billingAddress: address({ countryIso2: '0' }),
          packages: [pkg({ deliveryAddress: address({ countryIso2: 'FRA' }) })],
        }),
      ),
    ).toEqual([
      'INVALID_COUNTRY: Lengow error: the billing address\'s country "0" is not an ISO 3166-1 alpha-2 code',
      'INVALID_COUNTRY: Lengow error: the delivery address\'s country "FRA" is not an ISO 3166-1 alpha-2 code',
    ]);
  });

  it('reports a delivery country that is disabled in the shop', () => {
    expect(
      messages(snapshot(), { lookups: lookups({ countries: { FR: { name: 'France', active: false } } }) }),
    ).toEqual(['DELIVERY_COUNTRY_NOT_ACTIVE: the country France in the delivery address is not active']);
  });

  it('reports an unresolvable carrier with the plugin message', () => {
    const result = messages(snapshot(), {
      lookups: lookups({ carrierMapping: carrierMapping({ carriers: [], defaults: [] }) }),
    });
    expect(result).toEqual([
      'NO_DEFAULT_CARRIER: You must select a default carrier for the country: FR and the marketplace: Demo Market FR',
    ]);
  });

  it('collects every failure at once, each reported once', () => {
    const order = snapshot({
      currency: 'XYZ',
      amounts: { total: -1, tax: 0, shipping: 0, processingFee: 0 },
      billingAddress: address({ countryIso2: null }),
      packages: [pkg(), pkg({ deliveryId: '9003' })],
    });
    const result = messages(order, {
      lookups: lookups({
        currencyAvailable: false,
        products: {},
        carrierMapping: carrierMapping({ carriers: [], defaults: [] }),
      }),
    });
    expect(result).toEqual([
      "BILLING_WITHOUT_COUNTRY: Lengow error: billing address doesn't contain the country",
      'CURRENCY_NOT_AVAILABLE: the XYZ currency is not available in your shop',
      'NO_EXCHANGE_RATE: Lengow error: no exchange rates available for order prices',
      'PRODUCT_NOT_FOUND: product 1001_3 could not be found',
      'PRODUCT_NOT_FOUND: product REF-2002 could not be found',
      'NO_DEFAULT_CARRIER: You must select a default carrier for the country: FR and the marketplace: Demo Market FR',
    ]);
  });

  describe('figures past what the shop stores (SHOP_LIMITS, which the shop itself enforces too)', () => {
    const found = (productId: string) => ({
      kind: 'found' as const,
      product: { productId, variantId: null },
      matchedBy: 'merchant_id' as const,
      available: true,
    });

    it('given a line quantity past the shop limit, when validated, then that line is refused, naming the quantity', () => {
      const order = snapshot({ packages: [pkg({ lines: [line({ quantity: 1e12 }), line({ lineId: 'DM-2' })] })] });
      expect(messages(order)).toEqual([
        'INVALID_LINE: Lengow error: line DM-1 has an invalid quantity or amount: quantity 1000000000000 is more than the shop takes (1000000)',
      ]);
      const atTheLimit = snapshot({ packages: [pkg({ lines: [line({ quantity: SHOP_LIMITS.maxQuantity })] })] });
      expect(validate(atTheLimit).ok).toBe(true);
    });

    it('given a line amount too large, when validated, then the line says which and why; one finer than a cent is taken', () => {
      const order = snapshot({
        packages: [
          pkg({
            lines: [line({ amount: 1e16 }), line({ lineId: 'DM-2', amount: 12.345 })],
          }),
        ],
      });
      expect(messages(order)).toEqual([
        'INVALID_LINE: Lengow error: line DM-1 has an invalid quantity or amount: amount 10000000000000000 is more than the shop can store (10000000000)',
      ]);
    });

    it('given the largest amount the shop stores, or binary noise past the cent, when validated, then the line is taken', () => {
      const order = snapshot({
        packages: [
          pkg({
            lines: [line({ amount: 10_000_000_000 }), line({ lineId: 'DM-2', amount: 0.1 + 0.2 + 19.69 })],
          }),
        ],
      });
      expect(messages(order)).toEqual([]);
    });

    it('given charges too large and an absurd total, when validated, then INVALID_AMOUNTS names each; a fraction of a cent is taken', () => {
      const order = snapshot({ amounts: { total: 1e21, tax: 0, shipping: 1e16, processingFee: 0.005 } });
      expect(messages(order)).toEqual([
        'INVALID_AMOUNTS: Lengow error: the order amounts are not valid: total_order 1e+21 is more than the shop can store (10000000000); shipping 10000000000000000 is more than the shop can store (10000000000)',
      ]);
    });

    it('given amounts with more decimals than a cent, when validated, then they are taken: the shop rounds them', () => {
      expect(messages(snapshot({ amounts: { total: 64.805, tax: 0, shipping: 4.995, processingFee: 0.005 } }))).toEqual(
        [],
      );
    });

    it('given lines of one product that add up past the limit, when validated, then they are refused together', () => {
      const order = snapshot({
        packages: [
          pkg({
            lines: [line({ quantity: 600_000, amount: 6e9 }), line({ lineId: 'DM-2', quantity: 600_000, amount: 6e9 })],
          }),
        ],
      });
      const sameProduct = lookups({ products: { 'DM-1': found('1001'), 'DM-2': found('1001') } });
      expect(messages(order, { lookups: sameProduct })).toEqual([
        'INVALID_LINE: Lengow error: lines DM-1, DM-2 of product 1001_3 add up to an invalid quantity or amount: quantity 1200000 is more than the shop takes (1000000); amount 12000000000 is more than the shop can store (10000000000)',
      ]);
    });

    it('given one marketplace line listed in two packages, when validated, then it counts once, as the plan counts it', () => {
      const big = line({ quantity: 600_000, amount: 100 });
      const order = snapshot({
        packages: [pkg({ lines: [big] }), pkg({ deliveryId: '9003', lines: [big] })],
      });
      expect(messages(order, { lookups: lookups({ products: { 'DM-1': found('1001') } }) })).toEqual([]);
    });
  });

  describe('addresses the shop cannot store', () => {
    it('given a delivery city of nothing but control characters, when validated, then INVALID_ADDRESS quotes what was sent', () => {
      const order = snapshot({ packages: [pkg({ deliveryAddress: address({ city: '\u0000\u0007 ' }) })] });
      const result = validate(order);
      expect(result.ok).toBe(false);
      expect(messages(order)).toEqual([
        'INVALID_ADDRESS: Lengow error: the delivery address is not valid: city "\\u0000\\u0007 " is blank once stripped of control characters and lone surrogates',
      ]);
      expect(result.filledIn).toContainEqual({ address: 'delivery:0', field: 'city', value: '', raw: '\u0000\u0007 ' });
    });

    it('given addresses without street or city, when validated, then each says which field, and which package', () => {
      const order = snapshot({
        billingAddress: address({ firstLine: ' ', city: null }),
        packages: [pkg(), pkg({ deliveryId: '9003', deliveryAddress: address({ firstLine: null }) })],
      });
      expect(messages(order)).toEqual([
        'INVALID_ADDRESS: Lengow error: the billing address is not valid: first_line is missing; city is missing',
        'INVALID_ADDRESS: Lengow error: the delivery address of package 2 is not valid: first_line is missing',
      ]);
    });

    it('given only a second line or complement, when validated, then it stands in for the street', () => {
      expect(messages(snapshot({ billingAddress: address({ firstLine: null, complement: 'Bât. B' }) }))).toEqual([]);
    });

    it('given fields longer than the shop columns, when validated, then each is named with its length', () => {
      const order = snapshot({
        billingAddress: address({
          city: 'C'.repeat(256),
          zipcode: '1'.repeat(21),
          phoneMobile: '+33 6'.padEnd(41, '0'),
          phoneHome: 'x'.repeat(500),
        }),
      });
      expect(messages(order)).toEqual([
        `INVALID_ADDRESS: Lengow error: the billing address is not valid: zipcode "${'1'.repeat(21)}" is longer than the shop stores (20 characters); city "${'C'.repeat(100)}… (256 characters)" is longer than the shop stores (255 characters); phone_mobile "+33 6${'0'.repeat(36)}" is longer than the shop stores (40 characters)`,
      ]);
    });

    it('given a long full name, when validated, then it is refused only where it stands in for the last name', () => {
      const fullName = 'N'.repeat(300);
      expect(messages(snapshot({ billingAddress: address({ fullName }) }))).toEqual([]);
      expect(messages(snapshot({ billingAddress: address({ fullName, lastName: null }) }))).toEqual([
        `INVALID_ADDRESS: Lengow error: the billing address is not valid: full_name "${'N'.repeat(100)}… (300 characters)" is longer than the shop stores (255 characters)`,
      ]);
    });

    it('given names with emoji and controls, when validated, then the order passes with emoji kept and controls gone', () => {
      const result = validate(
        snapshot({ billingAddress: address({ firstName: 'Zoë 🎉', lastName: 'Mar\u0000tin 👨‍👩‍👧' }) }),
      );
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.billing).toMatchObject({ firstName: 'Zoë 🎉', lastName: 'Martin 👨‍👩‍👧' });
      expect(result.filledIn).toContainEqual({
        address: 'billing',
        field: 'lastName',
        value: 'Martin 👨‍👩‍👧',
        raw: 'Mar\u0000tin 👨‍👩‍👧',
      });
    });
  });

  describe('ids the shop cannot store as sent', () => {
    const max = SHOP_LIMITS.maxText;
    const relay = (relayId: string) => ({ carrier: 'COLISSIMO', method: 'Standard', number: null, relayId });
    const withLineId = (lineId: string) =>
      lookups({ products: { ...lookups().products, [lineId]: lookups().products['DM-1']! } });

    it('given a customer id, relay id and line id of exactly the column length, padded, when validated, then they are taken', () => {
      const lineId = `  ${'L'.repeat(max)} `;
      const order = snapshot({
        marketplaceCustomerId: ` ${'C'.repeat(max)}\t`,
        packages: [pkg({ tracking: relay(`${'R'.repeat(max)}\n`), lines: [line({ lineId })] })],
      });
      expect(messages(order, { lookups: withLineId(lineId) })).toEqual([]);
    });

    it('given a customer id and a relay id one character longer than the column, when validated, then INVALID_IDS names each with its package', () => {
      const order = snapshot({
        marketplaceCustomerId: 'C'.repeat(max + 1),
        packages: [pkg(), pkg({ deliveryId: '9003', tracking: relay('R'.repeat(max + 1)) })],
      });
      expect(messages(order)).toEqual([
        `INVALID_IDS: Lengow error: the order's ids are not valid: marketplace_customer_id "${'C'.repeat(100)}… (256 characters)" is longer than the shop stores (255 characters); packages[1].delivery.trackings[0].relay.id "${'R'.repeat(100)}… (256 characters)" is longer than the shop stores (255 characters)`,
      ]);
    });

    it('given a relay id with a control character inside, when validated, then it is refused, escaped; around it, it is padding', () => {
      expect(messages(snapshot({ packages: [pkg({ tracking: relay('RL\u00001') })] }))).toEqual([
        `INVALID_IDS: Lengow error: the order's ids are not valid: packages[0].delivery.trackings[0].relay.id "RL\\u00001" contains control characters`,
      ]);
      expect(messages(snapshot({ packages: [pkg({ tracking: relay('\r\nRL-1\n') })] }))).toEqual([]);
    });

    it('given a marketplace line id longer than the column, when validated, then INVALID_LINE names the line and the field', () => {
      const lineId = 'L'.repeat(max + 1);
      const order = snapshot({ packages: [pkg({ lines: [line({ lineId })] })] });
      expect(messages(order, { lookups: withLineId(lineId) })).toEqual([
        `INVALID_LINE: Lengow error: line ${'L'.repeat(100)}… (256 characters) has an invalid id: marketplace_order_line_id is longer than the shop stores (255 characters)`,
      ]);
    });

    it('given a long line id on a canceled line, when validated, then it is not refused: the shop never gets that line', () => {
      const order = snapshot({
        packages: [pkg({ lines: [line(), line({ lineId: 'L'.repeat(max + 1), marketplaceStatus: 'Cancelled' })] })],
      });
      expect(messages(order)).toEqual([]);
    });
  });

  it('quotes values from Lengow with their control characters escaped, so that any store can keep the reason', () => {
    const [message] = messages(
      snapshot({ packages: [pkg({ lines: [line({ merchantProductId: { id: 'SKU\u0000-9', field: 'id' } })] })] }),
      { lookups: lookups({ products: {} }) },
    );
    expect(message).toBe('PRODUCT_NOT_FOUND: product SKU\\u0000-9 could not be found');
  });

  it('cuts a long quoted value before an emoji rather than through it', () => {
    const id = `${'P'.repeat(99)}😀${'P'.repeat(10)}`;
    const [message] = messages(
      snapshot({ packages: [pkg({ lines: [line({ merchantProductId: { id, field: 'id' } })] })] }),
      { lookups: lookups({ products: {} }) },
    );
    expect(message).toBe(`PRODUCT_NOT_FOUND: product ${'P'.repeat(99)}… (111 characters) could not be found`);
  });
});
