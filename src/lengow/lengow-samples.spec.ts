import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isDeliveredByMarketplace, type LengowOrder, type ParsedOrder } from './dto/lengow-order.js';
import { parseAddress, parseOrder } from './dto/parse-order.js';
import { classifyAction, parseActionResource, type ActionState } from './lengow-action.js';
import { parseMarketplaces, type MarketplaceDefinition } from './marketplace-definition.js';

/**
 * Every file of the shared Lengow samples (public plugin fixtures, never copied into this repository) has an expected
 * outcome here, so a parser change that alters one shows up as a failure naming the file. A sample file that is added
 * without an entry fails the coverage test.
 */

const SAMPLES_DIR =
  process.env.LENGOW_SAMPLES_DIR ?? fileURLToPath(new URL('../../../shared/lengow-samples/', import.meta.url));
const available = existsSync(SAMPLES_DIR);
if (!available) console.warn(`SKIPPED Lengow sample tests: ${SAMPLES_DIR} is absent (set LENGOW_SAMPLES_DIR)`);
const describeSamples = available ? describe : describe.skip;

function load(file: string): unknown {
  return JSON.parse(readFileSync(`${SAMPLES_DIR}/${file}`, 'utf8'));
}

type OrderExpectation = { ok: true; id: string; check?: (order: LengowOrder) => void } | { ok: false; reason: string };

type Expectation =
  /** A `{count,next,previous,results}` page of orders, or (bare) one order object. */
  | { kind: 'orders'; bare?: boolean; results: OrderExpectation[]; check?: (parsed: ParsedOrder[]) => void }
  /** Not a whole order: the part it carries is checked by `check`. */
  | { kind: 'fragment'; check: (raw: unknown) => void }
  | { kind: 'marketplaces'; codes: string[]; check?: (definitions: Map<string, MarketplaceDefinition>) => void }
  /** One action resource (a POST answer) or a list of them. */
  | { kind: 'actions'; bare?: boolean; states: ActionState['state'][] };

const PREFIX = 'lengow-plugin-prestashop-fixture-';

/** A whole, valid order to graft fragments onto: the 2024 WooCommerce mock. */
function baseOrder(): Record<string, unknown> {
  const page = load('lengow-plugin-woocommerce-mock-order-sample.json') as { results: Record<string, unknown>[] };
  return structuredClone(page.results[0]!);
}

function okOrder(parsed: ParsedOrder): LengowOrder {
  if (!parsed.ok) throw new Error(`expected a typed order, got "${parsed.reason}"`);
  return parsed.order;
}

const threeLines = (order: LengowOrder, shipping: number | null, date: string | null) => {
  const lines = order.packages[0]!.cart;
  expect(lines.map((line) => [line.quantity, line.amount, line.marketplaceStatus])).toEqual([
    [3, 14.7, null],
    [2, 11.8, null],
    [1, 6.9, 'CANCELED'],
  ]);
  expect(order.totalOrder).toBe(26.5);
  expect(order.shipping).toBe(shipping);
  expect(order.processingFee).toBe(3.5);
  expect(order.commission).toBeNull();
  expect(order.marketplaceOrderDate).toBe(date);
};

const EXPECTED: Record<string, Expectation> = {
  'etail-marketplaces-sdk-fixture-invoices-lengow-shipped.json': {
    kind: 'orders',
    bare: true,
    results: [{ ok: false, reason: 'marketplace is missing; packages[0].delivery.id is missing' }],
  },
  'etail-marketplaces-sdk-fixture-orders-lengow-minimal.json': {
    kind: 'orders',
    bare: true,
    results: [{ ok: false, reason: 'packages[0].delivery.id is missing' }],
    check: ([parsed]) => {
      // The identity is still reported so the failure can be recorded against the order.
      expect(parsed).toMatchObject({
        ok: false,
        field: 'packages[0].delivery.id',
        marketplace: 'amazon_fr',
        marketplaceOrderId: 'LO-1',
      });
    },
  },
  'lengow-plugin-magento2-unit-customer-billing-address-amazon-us.json': {
    kind: 'fragment',
    check: (raw) => {
      const result = parseAddress(raw);
      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      expect(result.address).toMatchObject({
        id: 572984019,
        type: 'billing',
        firstLine: null,
        firstName: null,
        lastName: null,
        zipcode: '75228-6481',
        city: 'DALLAS',
        stateRegion: 'TX',
        countryIsoA2: 'US',
        email: 'm1z9b3mk8gb1c26@marketplace.amazon.com',
        metas: null,
      });
      // The same address inside an order is a valid billing address with its gaps kept as nulls.
      const order = okOrder(parseOrder({ ...baseOrder(), billing_address: raw }));
      expect(order.billingAddress).toEqual(result.address);
    },
  },
  'lengow-plugin-magento2-unit-customer-order-fragment-fba-express.json': {
    kind: 'fragment',
    check: (raw) => {
      expect(parseOrder(raw)).toMatchObject({
        ok: false,
        reason: 'marketplace is missing; marketplace_order_id is missing; packages is missing',
      });
      const order = okOrder(parseOrder({ ...baseOrder(), ...(raw as object) }));
      expect(order.orderTypes).toEqual([
        { type: 'is_delivered_by_marketplace', label: 'Fulfillment' },
        { type: 'is_express', label: 'Express' },
      ]);
      expect(isDeliveredByMarketplace(order)).toBe(true);
      expect(order.original.totalBuyerAmount).toBeNull();
      expect(order.original.buyerCurrency).toBeNull();
    },
  },
  'lengow-plugin-magento2-unit-customer-order-fragment-no-order-types.json': {
    kind: 'fragment',
    check: (raw) => {
      const order = okOrder(parseOrder({ ...baseOrder(), ...(raw as object) }));
      expect(order.orderTypes).toEqual([]);
      expect(order.lengowStatus).toBe('shipped');
      expect(isDeliveredByMarketplace(order)).toBe(false);
    },
  },
  'lengow-plugin-magento2-unit-order-orders-one-package-skeleton.json': {
    kind: 'orders',
    results: [
      {
        ok: false,
        reason:
          'marketplace is missing; marketplace_order_id is missing; packages[0].cart[0].quantity is missing; packages[0].cart[1].quantity is missing',
      },
    ],
  },
  'lengow-plugin-magento2-unit-order-orders-two-packages-skeleton.json': {
    kind: 'orders',
    results: [
      {
        ok: false,
        reason:
          'marketplace is missing; marketplace_order_id is missing; packages[0].cart[0].quantity is missing; packages[1].cart[0].quantity is missing',
      },
    ],
    check: ([parsed]) => {
      // The part the skeleton carries: two packages keyed by delivery id, each with its own line.
      const packages = structuredClone((parsed!.raw as { packages: { cart: Record<string, unknown>[] }[] }).packages);
      for (const pkg of packages) for (const line of pkg.cart) line.quantity = 1;
      const order = okOrder(parseOrder({ ...baseOrder(), packages }));
      expect(
        order.packages.map((pkg) => [pkg.delivery.id, pkg.cart.map((line) => line.marketplaceOrderLineId)]),
      ).toEqual([
        [54321, ['123-test-456-1']],
        [12345, ['123-test-456-2']],
      ]);
    },
  },
  [`${PREFIX}action-sync-queued-action.json`]: { kind: 'actions', bare: true, states: ['accepted'] },
  [`${PREFIX}connector-marketplaces-line.json`]: {
    kind: 'marketplaces',
    codes: ['galeries_lafayette', 'menlook', 'darty', 'cdiscount'],
    check: (definitions) => {
      const gl = definitions.get('galeries_lafayette')!;
      expect(gl.actionDefinition('cancel')).toBeUndefined();
      expect(gl.acceptsLine('ship')).toBe(true);
    },
  },
  [`${PREFIX}connector-marketplaces.json`]: {
    kind: 'marketplaces',
    codes: ['galeries_lafayette', 'menlook', 'darty', 'cdiscount'],
    check: (definitions) => {
      const gl = definitions.get('galeries_lafayette')!;
      expect(gl.name).toBe('Galeries Lafayette');
      expect(gl.country).toBe('FRA');
      expect(gl.lengowStatusOf('SHIPPING')).toBe('waiting_shipment');
      expect(gl.lengowStatusOf('WAITING_DEBIT_PAYMENT')).toBe('accepted');
      expect(gl.lengowStatusOf('STAGING')).toBe('new');
      expect(gl.lengowStatusOf('shipped')).toBeNull(); // exact, case-sensitive match
      expect(gl.lengowStatusOf('UNKNOWN')).toBeNull();
      expect(gl.actionDefinition('ship')).toEqual({
        type: 'ship',
        status: ['waiting_shipment'],
        args: ['tracking_number'],
        optionalArgs: ['carrier'],
        argsDescription: {},
      });
      expect(gl.acceptsLine('ship')).toBe(false);
      expect(gl.acceptsLine('cancel')).toBe(true);
      expect(gl.acceptsLine('no_such_action')).toBe(false);
      // The old shape has no args_description: free values are accepted, so no carrier is required.
      expect(gl.argument('ship', 'carrier').acceptFreeValues).toBe(true);
      expect(gl.carrierRequired).toBe(false);
      expect([...gl.carriers.keys()]).toEqual(['LAPOSTE', 'CHRONOPOST', 'MONDIALRELAY']);
      expect(gl.carriers.get('LAPOSTE')).toEqual({ code: 'LAPOSTE', label: 'La Poste', lengowCode: null });
      expect(gl.shippingMethods.size).toBe(0);
    },
  },
  [`${PREFIX}import-check-delivery-address.json`]: {
    kind: 'orders',
    results: [{ ok: false, reason: 'packages[0].delivery is missing' }],
  },
  [`${PREFIX}import-check-package-data.json`]: {
    kind: 'orders',
    results: [{ ok: false, reason: 'packages is empty' }],
  },
  [`${PREFIX}import-import-orders.json`]: {
    kind: 'orders',
    results: [
      {
        ok: true,
        id: '1300435653830-A',
        check: (order) => expect([order.marketplaceStatus, order.lengowStatus]).toEqual(['STAGING', 'new']),
      },
      { ok: true, id: '1300435653831-A' },
      {
        ok: true,
        id: '1300435653832-A',
        check: (order) => {
          // Multi-package, and the same line id in both packages: both kept, nothing merged.
          expect(order.packages.map((pkg) => pkg.delivery.id)).toEqual([7530, 7531]);
          expect(order.packages.map((pkg) => pkg.cart[0]!.marketplaceOrderLineId)).toEqual([
            '1300435653833-A-1',
            '1300435653833-A-1',
          ]);
          expect(order.packages.map((pkg) => pkg.delivery.trackings[0]!.number)).toEqual([
            '8D00432154798',
            'CK00879241952',
          ]);
          expect(order.packages[0]!.delivery.trackings[0]!.marketplaceOrderLineIds).toEqual(['1300435653833-A-1']);
        },
      },
      {
        ok: true,
        id: '1300435653833-A',
        check: (order) => {
          expect(order.lengowStatus).toBe('canceled');
          expect(order.packages[0]!.cart[0]!.marketplaceStatus).toBe('SHIPPED');
        },
      },
    ],
  },
  [`${PREFIX}import-no-orders.json`]: { kind: 'orders', results: [] },
  [`${PREFIX}import-order-allready-imported.json`]: {
    kind: 'orders',
    results: [
      {
        ok: true,
        id: '1300435653833-A',
        check: (order) => {
          expect(order.merchantOrderIds).toEqual(['60']);
          expect(order.packages[0]!.cart[0]!.marketplaceStatus).toBeNull();
          expect(order.packages[0]!.cart[0]!.lengowStatus).toBeNull();
          expect(order.packages[0]!.delivery.trackings[0]).toMatchObject({ relayId: null, relayName: null });
        },
      },
    ],
  },
  [`${PREFIX}import-order-check-billing-address.json`]: {
    kind: 'orders',
    // A missing billing address is a business check of the engine, not a shape error.
    results: [{ ok: true, id: '1300435653836-A', check: (order) => expect(order.billingAddress).toBeNull() }],
  },
  [`${PREFIX}import-order-check-billing-country.json`]: {
    kind: 'orders',
    results: [
      { ok: true, id: '1300435653837-A', check: (order) => expect(order.billingAddress!.countryIsoA2).toBeNull() },
    ],
  },
  [`${PREFIX}import-order-check-currency-data.json`]: {
    kind: 'orders',
    results: [{ ok: true, id: '1300435653834-A', check: (order) => expect(order.currency).toBeNull() }],
  },
  [`${PREFIX}import-order-check-currency.json`]: {
    kind: 'orders',
    results: [
      {
        ok: true,
        id: '1300435653833-A',
        check: (order) => expect(order.currency).toEqual({ isoA3: 'GBP', symbol: '£', name: 'British Pound' }),
      },
    ],
  },
  [`${PREFIX}import-order-check-delivery-country.json`]: {
    kind: 'orders',
    results: [
      {
        ok: true,
        id: '1300435653838-A',
        check: (order) => expect(order.packages[0]!.delivery.countryIsoA2).toBeNull(),
      },
    ],
  },
  [`${PREFIX}import-order-check-external-id.json`]: {
    kind: 'orders',
    results: [{ ok: true, id: '1300435653212-A', check: (order) => expect(order.merchantOrderIds).toEqual(['1']) }],
  },
  [`${PREFIX}import-order-check-price-data.json`]: {
    kind: 'orders',
    results: [
      {
        ok: true,
        id: '1300435653835-A',
        check: (order) => {
          // "-1" (no exchange rate) is kept as a number for the engine's check.
          expect(order.totalOrder).toBe(-1);
          expect(order.packages[0]!.cart[0]!.amount).toBe(-1);
        },
      },
    ],
  },
  [`${PREFIX}import-order-check-product-data.json`]: {
    kind: 'orders',
    results: [{ ok: true, id: '1300435653833-A', check: (order) => expect(order.packages[0]!.cart).toEqual([]) }],
  },
  [`${PREFIX}import-order-check-shipped-mp.json`]: {
    kind: 'orders',
    results: [
      {
        ok: true,
        id: '1300435653833-A',
        check: (order) => {
          expect(isDeliveredByMarketplace(order)).toBe(true);
          expect(order.orderTypes).toEqual([]);
          expect(order.comments).toEqual(['Shipped by marketplace']);
          expect(order.packages[0]!.delivery.trackings[0]).toMatchObject({
            isDeliveredByMarketplace: true,
            relayId: '15632',
            method: 'follow-up letter',
            carrier: 'LAPOSTE',
          });
        },
      },
    ],
  },
  ...Object.fromEntries(
    (
      [
        [1, 'STAGING', 'new', null],
        [2, 'WAITING_DEBIT_PAYMENT', 'accepted', null],
        [3, 'SHIPPED', 'shipped', '8D00432154798'],
        [4, 'CANCELED', 'canceled', '8D00432154798'],
      ] as const
    ).map(([n, marketplaceStatus, lengowStatus, tracking]) => [
      `${PREFIX}import-order-check-update-${n}.json`,
      {
        kind: 'orders',
        results: [
          {
            ok: true,
            id: '1300435653833-A',
            check: (order: LengowOrder) => {
              expect([order.marketplaceStatus, order.lengowStatus]).toEqual([marketplaceStatus, lengowStatus]);
              expect(order.packages[0]!.delivery.trackings[0]?.number ?? null).toBe(tracking);
              expect(order.merchantOrderIds).toEqual(['60']);
            },
          },
        ],
      } satisfies Expectation,
    ]),
  ),
  [`${PREFIX}import-order-get-carrier-id-require-carrier.json`]: {
    kind: 'marketplaces',
    codes: ['galeries_lafayette', 'menlook', 'darty', 'cdiscount'],
    check: (definitions) =>
      expect(definitions.get('galeries_lafayette')!.actionDefinition('ship')!.args).toContain('carrier'),
  },
  [`${PREFIX}import-order-get-carrier-id.json`]: {
    kind: 'orders',
    bare: true,
    results: [
      {
        ok: true,
        id: '1300435653833-A',
        check: (order) => {
          expect(order.lengowStatus).toBe('canceled');
          expect(order.packages[0]!.delivery.trackings[0]).toMatchObject({
            number: '8D00432154798',
            carrier: 'LAPOSTE',
          });
        },
      },
    ],
  },
  [`${PREFIX}import-order-order-amount-wt-fees.json`]: {
    kind: 'orders',
    results: [{ ok: true, id: '1300435653834-A', check: (order) => threeLines(order, 5, null) }],
  },
  [`${PREFIX}import-order-order-amount-wt-shipping.json`]: {
    kind: 'orders',
    results: [
      {
        ok: true,
        id: '1300435653835-A',
        check: (order) => {
          threeLines(order, null, null);
          expect(order.comments).toEqual([]);
        },
      },
    ],
  },
  [`${PREFIX}import-order-order-amount.json`]: {
    kind: 'orders',
    results: [
      {
        ok: true,
        id: '1300435653833-A',
        check: (order) => {
          threeLines(order, 5, '2015-11-23T17:08:00.098Z');
          expect(order.comments).toEqual(['product NAME003 is canceled']);
          expect(order.importedAt).toBe('2015-11-23T17:10:50.098Z');
        },
      },
    ],
  },
  [`${PREFIX}import-order-order-customer-2.json`]: {
    kind: 'orders',
    results: [{ ok: true, id: '1300435653836-A', check: (order) => threeLines(order, 5, '2015-11-23T17:08:00.098Z') }],
  },
  [`${PREFIX}import-order-order-customer.json`]: {
    kind: 'orders',
    results: [{ ok: true, id: '1300435653835-A', check: (order) => threeLines(order, 5, '2015-11-23T17:08:00.098Z') }],
  },
  [`${PREFIX}import-order-order-line-saved.json`]: {
    kind: 'orders',
    results: [
      {
        ok: true,
        id: '1300435653833-A',
        check: (order) => {
          expect(order.totalOrder).toBe(33.4);
          expect(order.packages[0]!.cart.map((line) => line.marketplaceStatus)).toEqual([null, null, null]);
        },
      },
    ],
  },
  [`${PREFIX}import-simple-order-2.json`]: {
    kind: 'orders',
    results: [{ ok: true, id: '1300435653831-A', check: (order) => expect(order.packages[0]!.delivery.id).toBe(7528) }],
  },
  [`${PREFIX}import-simple-order.json`]: {
    kind: 'orders',
    // The envelope says count 4 but holds one result: the results are what counts.
    results: [{ ok: true, id: '1300435653830-A', check: (order) => expect(order.lengowStatus).toBe('accepted') }],
  },
  [`${PREFIX}marketplace-optional-carrier-args.json`]: {
    kind: 'marketplaces',
    codes: ['galeries_lafayette', 'menlook', 'darty', 'cdiscount'],
    check: (definitions) =>
      expect(definitions.get('galeries_lafayette')!.actionDefinition('ship')!.optionalArgs).toContain('carrier'),
  },
  [`${PREFIX}marketplace-require-carrier-args.json`]: {
    kind: 'marketplaces',
    codes: ['galeries_lafayette', 'menlook', 'darty', 'cdiscount'],
    check: (definitions) =>
      expect(definitions.get('galeries_lafayette')!.actionDefinition('ship')!.args).toContain('carrier'),
  },
  [`${PREFIX}order-cancel-tracking-post.json`]: { kind: 'actions', bare: true, states: ['waiting_marketplace'] },
  [`${PREFIX}order-empty-tracking.json`]: { kind: 'actions', states: [] },
  [`${PREFIX}order-re-import.json`]: {
    kind: 'orders',
    results: [{ ok: true, id: '1300435653833-A', check: (order) => expect(order.merchantOrderIds).toEqual(['60']) }],
  },
  ...Object.fromEntries(
    ['', '-ol1', '-ol2', '-ol3'].flatMap((suffix) => [
      [
        `${PREFIX}order-send-tracking-post${suffix}.json`,
        { kind: 'actions', bare: true, states: ['waiting_marketplace'] } satisfies Expectation,
      ],
      [
        `${PREFIX}order-send-tracking-queued${suffix}.json`,
        { kind: 'actions', states: ['queued'] } satisfies Expectation,
      ],
    ]),
  ),
  'lengow-plugin-prestashop-unit-marketplace-amazon-fr.json': {
    kind: 'marketplaces',
    codes: ['amazon_fr'],
    check: (definitions) => {
      const amazon = definitions.get('amazon_fr')!;
      expect([amazon.packageName, amazon.legacyCode, amazon.countryIsoA2, amazon.country]).toEqual([
        'sp_amazon.mp.fr',
        'amazon',
        'FR',
        'FRA',
      ]);
      expect(amazon.lengowStatusOf('Unshipped')).toBe('waiting_shipment');
      expect(amazon.lengowStatusOf('InvoiceUnconfirmed')).toBe('shipped');
      expect(amazon.actionDefinition('accept')).toBeUndefined();
      expect([...amazon.actions.keys()].sort()).toEqual([
        'buy_shipment_label',
        'cancel',
        'refund',
        'set_eligible_shipping_methods',
        'ship',
      ]);
      const ship = amazon.actionDefinition('ship')!;
      expect(ship.args).toEqual(['carrier', 'shipping_method']);
      expect(ship.optionalArgs).toEqual(['carrier_name', 'line', 'shipping_date', 'tracking_number']);
      expect(amazon.acceptsLine('ship')).toBe(true);
      expect(amazon.argument('ship', 'line').type).toBe('line_number');
      expect(amazon.argument('ship', 'carrier').validValues.DHL).toBe('DHL');
      // carrier_name is offered, so a free carrier name is possible: not "carrier required".
      expect(amazon.carrierRequired).toBe(false);
      expect(amazon.argument('ship', 'carrier_name').dependsOn).toMatchObject({ operation: 'allOf' });
      expect(amazon.argument('refund', 'reason').defaultValue).toBe('ProductOutofStock');
      expect(amazon.argument('refund', 'reason').acceptFreeValues).toBe(false);
      expect(amazon.carriers.size).toBe(227);
      expect(amazon.shippingMethods.get('Standard')).toEqual({
        code: 'Standard',
        label: 'Standard',
        lengowCode: 'standard',
      });
    },
  },
  'lengow-plugin-woocommerce-mock-marketplace-sample.json': {
    kind: 'marketplaces',
    codes: ['zalando'],
    check: (definitions) => {
      const zalando = definitions.get('zalando')!;
      expect(zalando.lengowStatusOf('exported')).toBe('waiting_shipment');
      expect(zalando.lengowStatusOf('approved')).toBe('waiting_acceptance');
      expect(zalando.argument('refund', 'refund_reason').validValues['1']).toBe('Dislike');
      expect(zalando.actionDefinition('accept')).toMatchObject({ args: [], optionalArgs: [], argsDescription: {} });
      expect(zalando.acceptsLine('cancel')).toBe(true);
      expect(zalando.carrierRequired).toBe(false); // carrier accepts free values
      expect(zalando.legacyCode).toBeNull();
      expect(zalando.shippingMethods.size).toBe(0);
    },
  },
  'lengow-plugin-woocommerce-mock-order-sample.json': {
    kind: 'orders',
    results: [
      {
        ok: true,
        id: '4UT0-000001',
        check: (order) => {
          // Money types mixed within one order: numbers and strings both become numbers.
          expect([
            order.totalOrder,
            order.totalTax,
            order.shipping,
            order.discount,
            order.commission,
            order.processingFee,
          ]).toEqual([40.3, 0, 4.3, 0, 0, null]);
          expect(order.original.totalOrder).toBe(40.3);
          expect(order.merchantOrderIds).toEqual([]);
          expect(order.anonymized).toBe(false);
          expect(order.marketplaceStatus).toBe('exported');
          expect(order.orderMeta).toEqual({ feed_id: 1234, checksum: '68688c465ed95abf864dfde82ebd7dad' });
          expect(order.packages[0]!.cart[0]).toMatchObject({
            id: 1234,
            merchantProductId: { id: '30', field: 'ID_PRODUCT' },
            quantity: 2,
            amount: 36,
            createdAt: null,
          });
        },
      },
    ],
  },
  'nuobit-connector-lengow-test-order-payload-test-1.json': {
    kind: 'orders',
    bare: true,
    results: [{ ok: false, reason: 'packages[0].delivery.id is missing' }],
    check: ([parsed]) => {
      // The hand-built addresses use the v2 name `society`; read as `company`.
      const billing = parseAddress((parsed!.raw as { billing_address: unknown }).billing_address);
      expect(billing).toMatchObject({
        ok: true,
        address: { company: '', firstName: 'Jane', lastName: 'Doe', id: null },
      });
    },
  },
  'oca-connector-lengow-test-marketplaces-admarkt-amazon-fr.json': {
    kind: 'marketplaces',
    codes: ['admarkt', 'amazon_fr'],
    check: (definitions) => {
      const admarkt = definitions.get('admarkt')!;
      expect(admarkt.actions.size).toBe(0);
      expect(admarkt.lengowStatusOf('anything')).toBeNull();
      expect(admarkt.carrierRequired).toBe(false);
      const amazon = definitions.get('amazon_fr')!;
      expect(amazon.acceptsLine('partially_cancel')).toBe(true);
      expect(amazon.actionDefinition('partially_refund')!.args).toEqual(['line', 'refund_reason']);
      expect(amazon.lengowStatusOf('Canceled')).toBe('canceled');
    },
  },
};

describeSamples('Lengow samples', () => {
  const files = available
    ? readdirSync(SAMPLES_DIR)
        .filter((name) => name.endsWith('.json'))
        .sort()
    : [];

  it('has an expected outcome for every sample file', () => {
    expect(files.filter((file) => !(file in EXPECTED))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((file) => !files.includes(file))).toEqual([]);
  });

  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(`${file}: ${expected.kind}`, () => {
      const raw = load(file);
      switch (expected.kind) {
        case 'orders': {
          const list = expected.bare ? [raw] : (raw as { results: unknown[] }).results;
          const parsed = list.map((item) => parseOrder(item));
          expect(
            parsed.map((result) =>
              result.ok ? { ok: true, id: result.order.marketplaceOrderId } : { ok: false, reason: result.reason },
            ),
          ).toEqual(
            expected.results.map((entry) =>
              entry.ok ? { ok: true, id: entry.id } : { ok: false, reason: entry.reason },
            ),
          );
          parsed.forEach((result, index) => {
            expect(result.raw).toBe(list[index]); // the raw JSON travels untouched with either outcome
            const entry = expected.results[index]!;
            if (result.ok && entry.ok) entry.check?.(result.order);
          });
          expected.check?.(parsed);
          break;
        }
        case 'fragment':
          expected.check(raw);
          break;
        case 'marketplaces': {
          const parsed = parseMarketplaces(raw)!;
          expect(parsed.problems).toEqual([]);
          expect([...parsed.definitions.keys()]).toEqual(expected.codes);
          expected.check?.(parsed.definitions);
          break;
        }
        case 'actions': {
          const list = expected.bare ? [raw] : (raw as { results: unknown[] }).results;
          const states = list.map((item) => {
            const action = parseActionResource(item);
            if (!action) throw new Error('unreadable action');
            return classifyAction(action).state;
          });
          expect(states).toEqual(expected.states);
          break;
        }
      }
    });
  }
});
