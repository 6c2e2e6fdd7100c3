import { hasOrderType, isDeliveredByMarketplace, type LengowOrder, type ParsedOrder } from './lengow-order.js';
import { parseAddress, parseOrder } from './parse-order.js';

/** A small valid order in the 2024 shape; each test changes what it is about. */
function order(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    marketplace: 'demo_market_fr',
    account_id: 4242,
    marketplace_order_id: 'DM-1',
    marketplace_status: 'ToShip',
    lengow_status: 'waiting_shipment',
    marketplace_order_date: '2024-05-02T09:15:00+00:00',
    imported_at: '2024-05-02T09:30:12.123456Z',
    updated_at: '2024-05-02T09:30:12Z',
    merchant_order_id: null,
    currency: { iso_a3: 'EUR' },
    total_order: '64.80',
    billing_address: { id: 1, type: 'billing', common_country_iso_a2: 'FR' },
    packages: [
      {
        delivery: { id: 9002, type: 'delivery', common_country_iso_a2: 'FR', trackings: [] },
        cart: [{ marketplace_order_line_id: 'DM-1-1', quantity: 2, amount: '39.90' }],
      },
    ],
    ...overrides,
  };
}

function ok(parsed: ParsedOrder): LengowOrder {
  if (!parsed.ok) throw new Error(`expected a typed order, got "${parsed.reason}"`);
  return parsed.order;
}

function failure(parsed: ParsedOrder) {
  if (parsed.ok) throw new Error('expected "not formatted"');
  return parsed;
}

describe('parseOrder', () => {
  it('types a valid order and keeps the raw JSON, unknown fields included', () => {
    const raw = order({ some_future_field: { nested: [1, 2] } });
    const parsed = parseOrder(raw);
    expect(ok(parsed)).toMatchObject({
      marketplace: 'demo_market_fr',
      marketplaceOrderId: 'DM-1',
      accountId: 4242,
      totalOrder: 64.8,
      currency: { isoA3: 'EUR', symbol: null, name: null },
      anonymized: false,
      comments: [],
      orderTypes: [],
      payments: [],
      contactAddress: null,
    });
    expect(parsed.raw).toBe(raw);
    expect((parsed.raw as Record<string, unknown>).some_future_field).toEqual({ nested: [1, 2] });
  });

  it('lower-cases the marketplace code and trims the identity', () => {
    expect(ok(parseOrder(order({ marketplace: ' Amazon_FR ', marketplace_order_id: ' 123 ' })))).toMatchObject({
      marketplace: 'amazon_fr',
      marketplaceOrderId: '123',
    });
    expect(ok(parseOrder(order({ marketplace_order_id: 405 }))).marketplaceOrderId).toBe('405');
  });

  it.each([
    ['"12.30"', '12.30', 12.3],
    ['" 7 "', ' 7 ', 7],
    ['"-1"', '-1', -1],
    ['a number', 40.3, 40.3],
    ['zero', 0, 0],
    ['null', null, null],
    ['an empty string', '', null],
  ])('reads money given as %s', (_label, value, expected) => {
    expect(ok(parseOrder(order({ total_order: value }))).totalOrder).toBe(expected);
  });

  it('treats absent money as null', () => {
    const typed = ok(parseOrder(order()));
    expect([typed.shipping, typed.processingFee, typed.commission, typed.original.totalOrder]).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });

  it.each([['1,5'], ['12 EUR'], ['NaN'], [{}], [[]], [true]])(
    'refuses the money value %j, naming the field',
    (value) => {
      const parsed = failure(parseOrder(order({ shipping: value })));
      expect(parsed.reason).toBe('shipping is not a decimal amount');
      expect(parsed.field).toBe('shipping');
    },
  );

  it('names the line when a line amount is not money', () => {
    const raw = order();
    (raw.packages as { cart: Record<string, unknown>[] }[])[0]!.cart[0]!.amount = 'free';
    expect(failure(parseOrder(raw)).reason).toBe('packages[0].cart[0].amount is not a decimal amount');
  });

  it('normalises dates to ISO 8601 UTC, reading offsets', () => {
    const typed = ok(
      parseOrder(
        order({
          marketplace_order_date: '2024-05-01T10:00:00+02:00',
          imported_at: '2015-11-17T10:02:49',
          updated_at: '2024-05-01 10:00:00+0200',
        }),
      ),
    );
    expect(typed.marketplaceOrderDate).toBe('2024-05-01T08:00:00.000Z');
    expect(typed.importedAt).toBe('2015-11-17T10:02:49.000Z'); // no offset: UTC, not the host's zone
    expect(typed.updatedAt).toBe('2024-05-01T08:00:00.000Z');
    expect(ok(parseOrder(order({ marketplace_order_date: null }))).marketplaceOrderDate).toBeNull();
  });

  it.each([['yesterday'], ['2024-13-45T00:00:00Z'], [1714550400], [{}]])('refuses the date %j', (value) => {
    expect(failure(parseOrder(order({ updated_at: value }))).reason).toBe('updated_at is not an ISO 8601 date');
  });

  it.each([
    [null, []],
    ['', []],
    ['gift wrap please', ['gift wrap please']],
    [
      ['one', '', 'two', null, 3],
      ['one', 'two', '3'],
    ],
  ])('reads comments %j as a list', (value, expected) => {
    expect(ok(parseOrder(order({ comments: value }))).comments).toEqual(expected);
  });

  it.each([
    [null, []],
    [[], []],
    [['60'], ['60']],
    [
      [60, '61'],
      ['60', '61'],
    ],
    ['60', ['60']],
  ])('reads merchant_order_id %j as a list of strings', (value, expected) => {
    expect(ok(parseOrder(order({ merchant_order_id: value }))).merchantOrderIds).toEqual(expected);
  });

  it('reads order types, bare strings included, and answers the type questions', () => {
    const typed = ok(
      parseOrder(
        order({
          order_types: [
            { type: 'is_business', label: 'B2B' },
            'is_prime',
            { type: 'is_delivered_by_marketplace', label: 'AFN' },
          ],
        }),
      ),
    );
    expect(typed.orderTypes).toEqual([
      { type: 'is_business', label: 'B2B' },
      { type: 'is_prime', label: null },
      { type: 'is_delivered_by_marketplace', label: 'AFN' },
    ]);
    expect(hasOrderType(typed, 'is_business')).toBe(true);
    expect(hasOrderType(typed, 'is_express')).toBe(false);
    expect(isDeliveredByMarketplace(typed)).toBe(true);
    expect(failure(parseOrder(order({ order_types: [{ label: 'x' }] }))).reason).toBe('order_types[0].type is missing');
  });

  it('reads a currency given as a bare code', () => {
    expect(ok(parseOrder(order({ currency: 'GBP' }))).currency).toEqual({ isoA3: 'GBP', symbol: null, name: null });
  });

  it('keeps business problems representable: no billing address, no currency, total -1, empty cart', () => {
    const raw = order({ billing_address: null, currency: null, total_order: '-1' });
    (raw.packages as { cart: unknown[] }[])[0]!.cart = [];
    const typed = ok(parseOrder(raw));
    expect([typed.billingAddress, typed.currency, typed.totalOrder, typed.packages[0]!.cart]).toEqual([
      null,
      null,
      -1,
      [],
    ]);
  });

  describe('"not formatted" (lengow-api.md §9 step 0)', () => {
    it.each([
      [{ packages: [] }, 'packages is empty'],
      [{ packages: null }, 'packages is missing'],
      [{ packages: undefined }, 'packages is missing'],
      [{ packages: {} }, 'packages is not a list'],
      [{ packages: [{ delivery: null, cart: [] }] }, 'packages[0].delivery is missing'],
      [{ packages: [{ delivery: {}, cart: [] }] }, 'packages[0].delivery.id is missing'],
      [{ packages: [{ delivery: { id: 'abc' }, cart: [] }] }, 'packages[0].delivery.id is not an integer'],
      [{ packages: [{ delivery: { id: 1 } }] }, 'packages[0].cart is missing'],
      [{ packages: ['a'] }, 'packages[0] is not an object'],
      [{ marketplace: '' }, 'marketplace is empty'],
      [{ marketplace: { code: 'x' } }, 'marketplace is not a string'],
      [{ marketplace_order_id: undefined }, 'marketplace_order_id is missing'],
    ])('%j → %s', (overrides, reason) => {
      const parsed = failure(parseOrder(order(overrides)));
      expect(parsed.reason).toBe(reason);
      expect(parsed.field).toBe(reason.split(' ')[0]);
    });

    it('reports the delivery id of a later package by its index', () => {
      const raw = order();
      const packages = raw.packages as unknown[];
      packages.push({ delivery: { city: 'Lyon' }, cart: [] });
      const parsed = failure(parseOrder(raw));
      expect(parsed.reason).toBe('packages[1].delivery.id is missing');
      expect(parsed).toMatchObject({
        marketplace: 'demo_market_fr',
        marketplaceOrderId: 'DM-1',
        field: 'packages[1].delivery.id',
      });
    });

    it('lists every problem, in document order', () => {
      const parsed = failure(
        parseOrder(
          order({
            total_order: {},
            currency: 5,
            packages: [
              { delivery: 'x', cart: [1] },
              { delivery: { id: 2, trackings: [null] }, cart: [{ quantity: -1 }] },
            ],
          }),
        ),
      );
      expect(parsed.reason).toBe(
        [
          'currency is not an object',
          'total_order is not a decimal amount',
          'packages[0].delivery is not an object',
          'packages[0].cart[0] is not an object',
          'packages[1].delivery.trackings[0] is not an object',
          'packages[1].cart[0].quantity is negative',
        ].join('; '),
      );
    });

    it.each([[null], [[]], ['order'], [42], [undefined]])(
      'a payload that is not an object (%j) is reported, not thrown',
      (raw) => {
        expect(parseOrder(raw)).toEqual({ ok: false, reason: 'order is not an object', field: '', raw });
      },
    );

    it.each([
      [{ marketplace_order_id: 'DM-\u0000-1' }, 'marketplace_order_id contains control characters'],
      [{ marketplace_order_id: 'DM-1\nDM-2' }, 'marketplace_order_id contains control characters'],
      [{ marketplace_order_id: 'D'.repeat(201) }, 'marketplace_order_id is longer than 200 characters'],
      [
        { marketplace_order_id: 123456789012345678901 },
        'marketplace_order_id is a number too large to be read exactly',
      ],
      [{ marketplace_order_id: 1.5 }, 'marketplace_order_id is not a string'],
      [{ marketplace: 'm'.repeat(101) }, 'marketplace is longer than 100 characters'],
      [{ marketplace: 'demo\u0007market' }, 'marketplace contains control characters'],
    ])('an identity that cannot be taken exactly (%j) is refused, and not recorded under it', (overrides, reason) => {
      const parsed = failure(parseOrder(order(overrides)));
      expect(parsed.reason).toBe(reason);
      const field = reason.split(' ')[0];
      // The other half of the identity is still reported; the unusable half is not made up.
      expect(parsed[field === 'marketplace' ? 'marketplace' : 'marketplaceOrderId']).toBeUndefined();
    });

    it('takes an identity at the operator commands’ limits, and a numeric id that is exact', () => {
      const longest = ok(parseOrder(order({ marketplace: 'm'.repeat(100), marketplace_order_id: 'D'.repeat(200) })));
      expect([longest.marketplace.length, longest.marketplaceOrderId.length]).toEqual([100, 200]);
      expect(ok(parseOrder(order({ marketplace_order_id: 9007199254740991 }))).marketplaceOrderId).toBe(
        '9007199254740991',
      );
      expect(ok(parseOrder(order({ marketplace_order_id: 'Zoë-🎉-1' }))).marketplaceOrderId).toBe('Zoë-🎉-1');
    });

    it.each([
      [{ quantity: '9007199254740993' }, 'packages[0].cart[0].quantity is an integer too large to be read exactly'],
      [{ quantity: 1e21 }, 'packages[0].cart[0].quantity is an integer too large to be read exactly'],
      [{ quantity: 2.5 }, 'packages[0].cart[0].quantity is not an integer'],
      [{ quantity: '2.0' }, 'packages[0].cart[0].quantity is not an integer'],
      [{ quantity: 2, id: 1e21 }, 'packages[0].cart[0].id is an integer too large to be read exactly'],
    ])('never rounds a line integer to another one (%j)', (line, reason) => {
      const raw = order();
      const [first] = raw.packages as { cart: Record<string, unknown>[] }[];
      Object.assign(first.cart[0], line);
      expect(failure(parseOrder(raw)).reason).toBe(reason);
    });

    it.each([
      [[[]], 'packages[0] is not an object'],
      [[[{ delivery: { id: 1 }, cart: [] }]], 'packages[0] is not an object'],
    ])('a package sent as a list (%j) is not an object, said so', (packages, reason) => {
      expect(failure(parseOrder(order({ packages }))).reason).toBe(reason);
    });

    it.each([[[]], [[{ marketplace_order_line_id: 'DM-1-1', quantity: 2, amount: '39.90' }]]])(
      'a cart line sent as a list (%j) is not an object, rather than a line with every field absent',
      (line) => {
        const raw = order();
        (raw.packages as { cart: unknown[] }[])[0].cart = [line];
        expect(failure(parseOrder(raw)).reason).toBe('packages[0].cart[0] is not an object');
      },
    );

    it('never rounds a delivery id to another one', () => {
      const parsed = failure(parseOrder(order({ packages: [{ delivery: { id: '12345678901234567890' }, cart: [] }] })));
      expect(parsed.reason).toBe('packages[0].delivery.id is an integer too large to be read exactly');
    });

    it('carries no identity when the payload has none', () => {
      const parsed = failure(parseOrder({ packages: [] }));
      expect(parsed.marketplace).toBeUndefined();
      expect(parsed.marketplaceOrderId).toBeUndefined();
    });
  });

  it('ignores a __proto__ key instead of letting it change the object', () => {
    const raw = JSON.parse(JSON.stringify(order()).replace('{', '{"__proto__": {"polluted": true},'));
    const typed = ok(parseOrder(raw));
    expect((typed as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never throws, whatever is put in any field (seeded fuzz over the example order)', () => {
    const oddValues: unknown[] = [
      null,
      '',
      {},
      [],
      0,
      -1,
      1.5,
      'abc',
      true,
      [null],
      [{}],
      { id: {} },
      '2024-01-01',
      '10.00',
    ];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const paths: (string | number)[][] = [];
    const collect = (value: unknown, path: (string | number)[]) => {
      paths.push(path);
      if (value && typeof value === 'object') {
        for (const [key, child] of Object.entries(value))
          collect(child, [...path, Array.isArray(value) ? Number(key) : key]);
      }
    };
    collect(order(), []);
    let formatted = 0;
    for (let round = 0; round < 400; round += 1) {
      const raw = order();
      const path = paths[Math.floor(random() * paths.length)]!;
      const value = structuredClone(oddValues[Math.floor(random() * oddValues.length)]);
      let target: Record<string | number, unknown> = raw;
      for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
      if (path.length > 0) target[path.at(-1)!] = value;
      const parsed = parseOrder(path.length > 0 ? raw : value);
      if (parsed.ok) {
        formatted += 1;
        expect(typeof parsed.order.marketplaceOrderId).toBe('string');
      } else {
        expect(parsed.reason).toMatch(/ (is|are) /);
        expect(parsed.reason).not.toMatch(/could not be read/);
      }
    }
    expect(formatted).toBeGreaterThan(0);
  });
});

describe('parseAddress', () => {
  it('reads the v2 name society as company, when company is absent', () => {
    expect(parseAddress({ society: 'ACME', first_name: 'Jane' })).toMatchObject({
      ok: true,
      address: { company: 'ACME', firstName: 'Jane' },
    });
    expect(parseAddress({ company: 'New', society: 'Old' })).toMatchObject({ ok: true, address: { company: 'New' } });
  });

  it('reports the problems of an unreadable address', () => {
    expect(parseAddress({ zipcode: { code: 1 } })).toEqual({
      ok: false,
      problems: [{ field: 'zipcode', message: 'is not a string' }],
    });
    expect(parseAddress('x')).toEqual({ ok: false, problems: [{ field: '', message: 'is not an object' }] });
  });

  it('turns numeric zipcodes and phones into strings', () => {
    expect(parseAddress({ zipcode: 69003, phone_mobile: 600000000 })).toMatchObject({
      ok: true,
      address: { zipcode: '69003', phoneMobile: '600000000' },
    });
  });
});
