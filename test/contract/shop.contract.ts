import type { CatalogueSeed } from '../../src/shop/catalogue-seed.js';
import { ShopError, type ShopErrorCode } from '../../src/shop/shop-error.js';
import type { CreateShopOrdersInput, ShopAddress, ShopPackageInput } from '../../src/shop/shop-order.js';
import type { Shop } from '../../src/shop/shop.port.js';
import { shopAddress } from '../../src/shop/testing/shop-address.js';
import { StockShortfall } from '../../src/shop/stock-shortfall.js';

export interface ShopUnderTest {
  shop: Shop;
  /** A second shop on the same database, as another process would open it (its own connections where the adapter has them). */
  openAnother(): Promise<Shop>;
  close(): Promise<void>;
}

/** Products chosen to exercise every lookup strategy and refusal. */
export const CONTRACT_CATALOGUE: CatalogueSeed = {
  products: [
    {
      id: 1,
      name: 'Mug',
      reference: 'MUG-1',
      ean13: '3770017000011',
      upc: '012345678905',
      isbn: null,
      stock: 10,
      priceCents: 1290,
    },
    {
      id: 2,
      name: 'T-shirt',
      reference: 'TSH',
      variants: [
        { attributeId: 11, name: 'T-shirt S', reference: 'TSH-S', ean13: '3770017000028', stock: 5, priceCents: 1990 },
        { attributeId: 12, name: 'T-shirt M', reference: 'TSH-M', ean13: '3770017000035', stock: 0, priceCents: 1990 },
      ],
    },
    { id: 3, name: 'Old clock', reference: 'CLK', isbn: '9782070360024', active: false, stock: 3, priceCents: 4500 },
    { id: 4, name: 'Twin A', reference: 'DUP', stock: 1 },
    { id: 5, name: 'Twin B', reference: 'DUP', stock: 1 },
    {
      id: 6,
      name: 'Sweater',
      reference: 'SWE',
      active: false,
      variants: [{ attributeId: 21, name: 'Sweater S', stock: 2 }],
    },
  ],
  carriers: [
    { name: 'Colissimo', trackingUrl: 'https://track.example/colissimo?n=@' },
    { name: 'DHL', trackingUrl: null },
  ],
};

const address = (overrides: Partial<ShopAddress> = {}): ShopAddress =>
  shopAddress({ phone: '+33600000000', ...overrides });

const pkg = (overrides: Partial<ShopPackageInput> = {}): ShopPackageInput => ({
  deliveryId: '9002',
  deliveryAddress: address(),
  carrierId: null,
  relayId: null,
  lines: [
    { productId: '1', quantity: 2, unitPriceCents: 1290, amountCents: 2580, marketplaceLineIds: ['L-1'] },
    { productId: '2_11', quantity: 1, unitPriceCents: 1990, marketplaceLineIds: ['L-2'] },
  ],
  ...overrides,
});

const order = (overrides: Partial<CreateShopOrdersInput> = {}): CreateShopOrdersInput => ({
  marketplace: 'demo_market_fr',
  marketplaceOrderId: 'DM-1',
  currency: 'EUR',
  customer: { email: 'anne@relay.example', firstName: 'Anne', lastName: 'Martin', marketplaceCustomerId: 'C-778' },
  billingAddress: address({ email: 'anne@relay.example' }),
  packages: [pkg()],
  shippingCents: 490,
  processingFeeCents: 100,
  isB2B: false,
  initialState: 'awaiting_shipment',
  ...overrides,
});

/** The promise's rejection, asserted to be a ShopError with `code`. */
async function shopError(promise: Promise<unknown>, code: ShopErrorCode): Promise<ShopError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ShopError);
  expect((error as ShopError).code).toBe(code);
  return error as ShopError;
}

async function stockOf(shop: Shop, id: string): Promise<number> {
  return (await shop.getProduct(id))!.stock;
}

export function shopContract(name: string, factory: () => Promise<ShopUnderTest>): void {
  describe(`Shop contract: ${name}`, () => {
    let under: ShopUnderTest;
    let shop: Shop;

    beforeEach(async () => {
      under = await factory();
      shop = under.shop;
      await shop.seed(CONTRACT_CATALOGUE);
    });

    afterEach(async () => {
      await under.close();
    });

    describe('catalogue lookups', () => {
      it('finds simple products and variants by shop id, and refuses a parent named without its variant', async () => {
        const mug = await shop.findProduct('id', '1');
        expect(mug).toMatchObject({
          status: 'found',
          strategy: 'id',
          product: { id: '1', productId: 1, attributeId: null, stock: 10, active: true, priceCents: 1290 },
        });
        expect(await shop.findProduct('id', ' 2_11 ')).toMatchObject({
          status: 'found',
          product: { id: '2_11', productId: 2, attributeId: 11, name: 'T-shirt S', stock: 5 },
        });
        expect(await shop.findProduct('id', '2')).toEqual({
          status: 'parent_without_variant',
          productId: '2',
          variantIds: ['2_11', '2_12'],
          strategy: 'id',
          value: '2',
        });
        expect(await shop.findProduct('id', '2_99')).toEqual({ status: 'not_found' });
        expect(await shop.findProduct('id', '999')).toEqual({ status: 'not_found' });
        expect(await shop.findProduct('id', 'MUG-1')).toEqual({ status: 'not_found' });
        expect(await shop.findProduct('id', '')).toEqual({ status: 'not_found' });
      });

      it('finds by reference (any case), EAN13, UPC and ISBN', async () => {
        expect(await shop.findProduct('reference', 'tsh-s')).toMatchObject({
          status: 'found',
          product: { id: '2_11' },
        });
        expect(await shop.findProduct('reference', 'TSH')).toMatchObject({
          status: 'parent_without_variant',
          productId: '2',
        });
        expect(await shop.findProduct('ean13', '3770017000035')).toMatchObject({
          status: 'found',
          product: { id: '2_12', stock: 0 },
        });
        expect(await shop.findProduct('upc', '012345678905')).toMatchObject({ status: 'found', product: { id: '1' } });
        expect(await shop.findProduct('isbn', '9782070360024')).toMatchObject({
          status: 'found',
          product: { id: '3', active: false },
        });
        expect(await shop.findProduct('ean13', '0000000000000')).toEqual({ status: 'not_found' });
        // An EAN is not a reference: strategies do not leak into each other.
        expect(await shop.findProduct('reference', '3770017000011')).toEqual({ status: 'not_found' });
      });

      it('reports a reference shared by two products as ambiguous rather than picking one', async () => {
        expect(await shop.findProduct('reference', 'DUP')).toEqual({
          status: 'ambiguous',
          candidateIds: ['4', '5'],
          strategy: 'reference',
          value: 'DUP',
        });
      });

      it('reports a variant inactive when its parent is', async () => {
        expect(await shop.findProduct('id', '6_21')).toMatchObject({
          status: 'found',
          product: { active: false, stock: 2 },
        });
      });

      it('resolves a whole cart in one call, candidate by candidate, strategy by strategy', async () => {
        const results = await shop.findProducts([
          { candidates: ['MP-SKU-X', '2_12'] },
          { candidates: ['TSH'] },
          { candidates: [null, '', 'nothing'] },
          { candidates: ['1'], strategies: ['reference'] },
          // A parent by the first candidate, a variant by the second: the variant wins.
          { candidates: ['2', '3770017000028'] },
          { candidates: ['3770017000011'], strategies: ['id', 'ean13'] },
        ]);
        expect(results.map((r) => r.status)).toEqual([
          'found',
          'parent_without_variant',
          'not_found',
          'not_found',
          'found',
          'found',
        ]);
        expect(results[0]).toMatchObject({ product: { id: '2_12' }, strategy: 'id', value: '2_12' });
        expect(results[4]).toMatchObject({ product: { id: '2_11' }, strategy: 'ean13' });
        expect(results[5]).toMatchObject({ product: { id: '1' }, strategy: 'ean13' });
        expect(await shop.findProducts([])).toEqual([]);
      });

      it('resolves a cart of more values than one IN list holds, in the order asked', async () => {
        // 1 200 distinct values, past the 400 per IN list of the PostgreSQL lookup, with the known ones at the end.
        const unknown = Array.from({ length: 1197 }, (_, i) => ({ candidates: [`UNKNOWN-${i}`, `9${i}`] }));
        const results = await shop.findProducts([
          ...unknown,
          { candidates: ['tsh-m'], strategies: ['reference'] },
          { candidates: ['9782070360024'], strategies: ['isbn'] },
          { candidates: ['6_21'] },
        ]);
        expect(results).toHaveLength(1200);
        expect(results.slice(0, 1197).every((r) => r.status === 'not_found')).toBe(true);
        expect(results.slice(1197)).toMatchObject([
          { status: 'found', product: { id: '2_12' }, strategy: 'reference' },
          { status: 'found', product: { id: '3' }, strategy: 'isbn' },
          { status: 'found', product: { id: '6_21' }, strategy: 'id' },
        ]);
      });

      it('refuses malformed lookups with INVALID_SHOP_INPUT', async () => {
        await shopError(shop.findProduct('sku' as never, '1'), 'INVALID_SHOP_INPUT');
        await shopError(shop.findProduct('id', 42 as never), 'INVALID_SHOP_INPUT');
        await shopError(shop.findProducts(null as never), 'INVALID_SHOP_INPUT');
        await shopError(shop.findProducts([{ candidates: [{}] }] as never), 'INVALID_SHOP_INPUT');
        await shopError(
          shop.findProducts([{ candidates: ['1'], strategies: ['name'] }] as never),
          'INVALID_SHOP_INPUT',
        );
        expect(await shop.getProduct('not an id')).toBeNull();
      });
    });

    describe('currencies, countries, carriers', () => {
      it('lists enabled currencies and lets an operator enable or disable one', async () => {
        expect(await shop.enabledCurrencies()).toEqual(['EUR', 'GBP', 'USD']);
        await shop.enableCurrency('jpy');
        expect(await shop.enabledCurrencies()).toEqual(['EUR', 'GBP', 'JPY', 'USD']);
        await shop.disableCurrency('GBP');
        expect(await shop.enabledCurrencies()).toEqual(['EUR', 'JPY', 'USD']);
        await shopError(shop.enableCurrency('EURO'), 'INVALID_SHOP_INPUT');
      });

      it('lists countries with their active flag', async () => {
        const countries = await shop.listCountries();
        expect(countries).toContainEqual({ isoA2: 'FR', name: 'France', active: true });
        expect(await shop.setCountryActive('fr', false)).toEqual({ isoA2: 'FR', name: 'France', active: false });
        expect((await shop.listCountries()).find((c) => c.isoA2 === 'FR')?.active).toBe(false);
        expect(await shop.setCountryActive('JP', true, 'Japan')).toEqual({ isoA2: 'JP', name: 'Japan', active: true });
      });

      it('keeps a carrier reference id stable across edits, and resolves any version id to the current one', async () => {
        const colissimo = (await shop.listCarriers()).find((c) => c.name === 'Colissimo')!;
        expect(colissimo).toMatchObject({
          referenceId: colissimo.id,
          trackingUrl: 'https://track.example/colissimo?n=@',
        });
        const edited = await shop.updateCarrier(colissimo.id, { trackingUrl: 'https://track.example/v2/@' });
        expect(edited.id).not.toBe(colissimo.id);
        expect(edited.referenceId).toBe(colissimo.referenceId);
        expect(await shop.getCarrier(colissimo.id)).toEqual(edited);
        expect((await shop.listCarriers()).map((c) => c.name)).toEqual(['Colissimo', 'DHL']);
        const added = await shop.addCarrier({ name: 'UPS', trackingUrl: 'https://ups.example/@' });
        expect(added.referenceId).toBe(added.id);
        expect(await shop.getCarrier(999_999)).toBeNull();
        await shopError(shop.updateCarrier(999_999, { name: 'x' }), 'UNKNOWN_CARRIER');
        await shopError(shop.addCarrier({ name: 'Bad', trackingUrl: 'javascript:alert(1)' }), 'INVALID_SHOP_INPUT');
      });
    });

    describe('createOrders', () => {
      it('creates an order with exact totals, customer, addresses, carrier, relay and B2B flag', async () => {
        const colissimo = (await shop.listCarriers()).find((c) => c.name === 'Colissimo')!;
        const result = await shop.createOrders(
          'k-single',
          order({ isB2B: true, packages: [pkg({ carrierId: colissimo.id, relayId: 'R-42' })] }),
        );
        expect(result.created).toBe(true);
        expect(result.orders).toHaveLength(1);
        expect(result.orders[0].reference).toMatch(/^SO-\d{6,}$/);
        const created = (await shop.getOrder(result.orders[0].reference))!;
        expect(created).toMatchObject({
          id: result.orders[0].id,
          idempotencyKey: 'k-single',
          marketplace: 'demo_market_fr',
          marketplaceOrderId: 'DM-1',
          deliveryId: '9002',
          state: 'awaiting_shipment',
          currency: 'EUR',
          productsCents: 2580 + 1990,
          shippingCents: 490,
          processingFeeCents: 100,
          totalCents: 2580 + 1990 + 490 + 100,
          isB2B: true,
          relayId: 'R-42',
          carrier: { id: colissimo.id, referenceId: colissimo.referenceId, name: 'Colissimo' },
          customer: { email: 'anne@relay.example', marketplaceCustomerId: 'C-778' },
          billingAddress: { countryIsoA2: 'FR', email: 'anne@relay.example' },
          deliveryAddress: { city: 'Lyon' },
          tracking: null,
          technicalErrorReason: null,
        });
        expect(created.lines).toEqual([
          expect.objectContaining({
            productId: '1',
            productName: 'Mug',
            quantity: 2,
            unitPriceCents: 1290,
            amountCents: 2580,
            marketplaceLineIds: ['L-1'],
            refundedQuantity: 0,
          }),
          // The line amount defaults to unit price × quantity.
          expect.objectContaining({ productId: '2_11', quantity: 1, amountCents: 1990, marketplaceLineIds: ['L-2'] }),
        ]);
        expect(created.history).toEqual([
          expect.objectContaining({ from: null, to: 'awaiting_shipment', source: 'engine' }),
        ]);
        expect(await shop.getOrder(created.id)).toEqual(created);
        expect(await shop.getOrder('SO-999999')).toBeNull();
        expect(await shop.getOrder('nonsense')).toBeNull();
        // Creating orders does not touch stock: that is decrementStock's job, once.
        expect(await stockOf(shop, '1')).toBe(10);
      });

      it('creates one order per package, shipping and fees on the first only', async () => {
        const result = await shop.createOrders(
          'k-multi',
          order({
            packages: [
              pkg({ deliveryId: 'D-1' }),
              pkg({
                deliveryId: 'D-2',
                deliveryAddress: address({ city: 'Paris' }),
                lines: [{ productId: '3', quantity: 1, unitPriceCents: 4500, marketplaceLineIds: ['L-3'] }],
              }),
            ],
          }),
        );
        expect(result.orders.map((o) => [o.packageIndex, o.deliveryId])).toEqual([
          [0, 'D-1'],
          [1, 'D-2'],
        ]);
        const [first, second] = await shop.listOrdersFor('DEMO_MARKET_FR', 'DM-1');
        expect(first).toMatchObject({
          packageIndex: 0,
          packageCount: 2,
          shippingCents: 490,
          processingFeeCents: 100,
          totalCents: 4570 + 590,
        });
        expect(second).toMatchObject({
          packageIndex: 1,
          packageCount: 2,
          shippingCents: 0,
          processingFeeCents: 0,
          productsCents: 4500,
          totalCents: 4500,
        });
        expect(second.deliveryAddress.city).toBe('Paris');
        expect(await shop.listOrdersFor('demo_market_fr', 'other')).toEqual([]);
      });

      it('keeps the caller package numbering when packages are created one per key', async () => {
        const result = await shop.createOrders(
          'k-pkg-1',
          order({ shippingCents: 0, processingFeeCents: 0, packages: [pkg({ packageIndex: 1 })] }),
        );
        expect(result.orders[0].packageIndex).toBe(1);
        await shopError(
          shop.createOrders('k-pkg-dup', order({ packages: [pkg({ packageIndex: 1 }), pkg()] })),
          'INVALID_SHOP_INPUT',
        );
      });

      it('returns the same orders when retried with the same key, and creates nothing more', async () => {
        const first = await shop.createOrders('k-retry', order({ packages: [pkg(), pkg({ deliveryId: 'D-2' })] }));
        const again = await shop.createOrders('k-retry', order({ packages: [pkg(), pkg({ deliveryId: 'D-2' })] }));
        expect(again).toEqual({ created: false, orders: first.orders });
        const other = await under.openAnother();
        expect(await other.createOrders('k-retry', order({ packages: [pkg(), pkg({ deliveryId: 'D-2' })] }))).toEqual(
          again,
        );
        expect(await shop.listOrdersFor('demo_market_fr', 'DM-1')).toHaveLength(2);
      });

      it('refuses a key reused with different content', async () => {
        await shop.createOrders('k-reuse', order());
        const error = await shopError(
          shop.createOrders('k-reuse', order({ shippingCents: 0 })),
          'IDEMPOTENCY_KEY_REUSED',
        );
        expect(error.problems[0]).toMatchObject({ key: 'k-reuse' });
        expect(await shop.listOrdersFor('demo_market_fr', 'DM-1')).toHaveLength(1);
      });

      it('creates one set of orders from 10 concurrent calls with one key, across two shop instances', async () => {
        const other = await under.openAnother();
        const input = order({ packages: [pkg(), pkg({ deliveryId: 'D-2' })] });
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? shop : other).createOrders('k-concurrent', input)),
        );
        expect(results.filter((r) => r.created)).toHaveLength(1);
        const ids = results[0].orders.map((o) => o.id);
        for (const result of results) expect(result.orders.map((o) => o.id)).toEqual(ids);
        expect((await shop.listOrdersFor('demo_market_fr', 'DM-1')).map((o) => o.id)).toEqual(ids);
      });

      it('refuses an unknown product, writes nothing, and succeeds with the same key once the catalogue is fixed', async () => {
        const input = order({
          packages: [
            pkg(),
            pkg({
              deliveryId: 'D-2',
              lines: [{ productId: '77', quantity: 1, unitPriceCents: 100, marketplaceLineIds: ['L-9'] }],
            }),
          ],
        });
        const error = await shopError(shop.createOrders('k-fix', input), 'UNKNOWN_PRODUCT');
        expect(error.problems).toEqual([
          expect.objectContaining({
            productId: '77',
            message: 'product 77 could not be found',
            path: 'packages[1].lines[0].productId',
          }),
        ]);
        // Atomic: the valid first package was not created either.
        expect(await shop.listOrdersFor('demo_market_fr', 'DM-1')).toEqual([]);
        await shop.upsertProduct({ id: '77', name: 'Found again', stock: 1 });
        const result = await shop.createOrders('k-fix', input);
        expect(result.created).toBe(true);
        expect(result.orders).toHaveLength(2);
      });

      it('refuses a parent product named without its variant', async () => {
        const error = await shopError(
          shop.createOrders(
            'k-parent',
            order({
              packages: [
                pkg({ lines: [{ productId: '2', quantity: 1, unitPriceCents: 1990, marketplaceLineIds: [] }] }),
              ],
            }),
          ),
          'PRODUCT_VARIATION_NEEDED',
        );
        expect(error.message).toBe('product 2 is a parent ID. Product variation is needed');
      });

      it('refuses a currency the shop does not sell in, until it is enabled', async () => {
        const error = await shopError(shop.createOrders('k-jpy', order({ currency: 'JPY' })), 'CURRENCY_NOT_ENABLED');
        expect(error.message).toBe('the JPY currency is not available in your shop');
        await shop.enableCurrency('JPY');
        expect((await shop.createOrders('k-jpy', order({ currency: 'JPY' }))).created).toBe(true);
      });

      it('refuses an inactive delivery country and an unknown carrier, reporting every problem at once', async () => {
        await shop.setCountryActive('BE', false);
        const error = await shopError(
          shop.createOrders(
            'k-many',
            order({
              currency: 'XXX',
              packages: [pkg({ deliveryAddress: address({ countryIsoA2: 'BE' }), carrierId: 424242 })],
            }),
          ),
          'CURRENCY_NOT_ENABLED',
        );
        expect(error.problems.map((p) => p.code)).toEqual([
          'CURRENCY_NOT_ENABLED',
          'COUNTRY_NOT_ACTIVE',
          'UNKNOWN_CARRIER',
        ]);
        expect(error.problems[1].message).toBe('the country Belgium in the delivery address is not active');
        expect(await shop.listOrdersFor('demo_market_fr', 'DM-1')).toEqual([]);
      });

      it('refuses malformed input with INVALID_SHOP_INPUT naming each field, without crashing', async () => {
        const negative = await shopError(
          shop.createOrders(
            'k-bad',
            order({
              packages: [
                pkg({ lines: [{ productId: '1', quantity: -1, unitPriceCents: 12.5, marketplaceLineIds: [] }] }),
              ],
            }),
          ),
          'INVALID_SHOP_INPUT',
        );
        expect(negative.problems.map((p) => p.path)).toEqual([
          'packages[0].lines[0].quantity',
          'packages[0].lines[0].unitPriceCents',
        ]);
        await shopError(shop.createOrders('', order()), 'INVALID_SHOP_INPUT');
        await shopError(shop.createOrders('k-bad', null as never), 'INVALID_SHOP_INPUT');
        await shopError(shop.createOrders('k-bad', { ...order(), packages: 'all' } as never), 'INVALID_SHOP_INPUT');
        await shopError(shop.createOrders('k-bad', order({ packages: [] })), 'INVALID_SHOP_INPUT');
        await shopError(shop.createOrders('k-bad', order({ currency: 'euro' })), 'INVALID_SHOP_INPUT');
        await shopError(shop.createOrders('k-bad', order({ initialState: 'canceled' as never })), 'INVALID_SHOP_INPUT');
        await shopError(
          shop.createOrders(
            'k-bad',
            order({
              packages: [
                pkg({ lines: [{ productId: 'SKU 1', quantity: 1, unitPriceCents: 1, marketplaceLineIds: [] }] }),
              ],
            }),
          ),
          'INVALID_SHOP_INPUT',
        );
        await shopError(shop.createOrders(42 as never, order()), 'INVALID_SHOP_INPUT');
        // None of these claimed the key.
        expect((await shop.createOrders('k-bad', order())).created).toBe(true);
      });
    });

    describe('stock', () => {
      it('decrements once per key and reports what was taken', async () => {
        const movement = await shop.decrementStock('s-1', [
          { productId: '1', quantity: 3 },
          { productId: '2_11', quantity: 1 },
          { productId: '1', quantity: 1 },
        ]);
        expect(movement).toMatchObject({ kind: 'decrement', key: 's-1', applied: true });
        expect(movement.lines).toEqual([
          { productId: '1', quantity: 4, stockBefore: 10, stockAfter: 6, shortfall: 0 },
          { productId: '2_11', quantity: 1, stockBefore: 5, stockAfter: 4, shortfall: 0 },
        ]);
        const again = await shop.decrementStock('s-1', [
          { productId: '2_11', quantity: 1 },
          { productId: '1', quantity: 4 },
        ]);
        expect(again).toEqual({ ...movement, applied: false });
        expect(await stockOf(shop, '1')).toBe(6);
        await shopError(shop.decrementStock('s-1', [{ productId: '1', quantity: 5 }]), 'IDEMPOTENCY_KEY_REUSED');
      });

      it('decrements exactly once under 10 concurrent duplicates across two instances', async () => {
        const other = await under.openAnother();
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 === 0 ? shop : other).decrementStock('s-dup', [{ productId: '1', quantity: 2 }]),
          ),
        );
        expect(results.filter((r) => r.applied)).toHaveLength(1);
        for (const r of results)
          expect(r.lines).toEqual([{ productId: '1', quantity: 2, stockBefore: 10, stockAfter: 8, shortfall: 0 }]);
        expect(await stockOf(shop, '1')).toBe(8);
      });

      it('loses no update when different keys decrement the same products concurrently', async () => {
        const other = await under.openAnother();
        await shop.setStock('1', 100);
        await shop.setStock('2_11', 100);
        await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 === 0 ? shop : other).decrementStock(`s-many-${i}`, [
              // Opposite line orders on purpose: the shop must not deadlock.
              ...(i % 2 === 0
                ? [
                    { productId: '1', quantity: 1 },
                    { productId: '2_11', quantity: 2 },
                  ]
                : [
                    { productId: '2_11', quantity: 2 },
                    { productId: '1', quantity: 1 },
                  ]),
            ]),
          ),
        );
        expect(await stockOf(shop, '1')).toBe(90);
        expect(await stockOf(shop, '2_11')).toBe(80);
      });

      it('refuses a shortfall unless negative stock is allowed, taking nothing and leaving the key unused', async () => {
        const lines = [
          { productId: '1', quantity: 2 },
          { productId: '2_12', quantity: 1 },
        ];
        const error = await shopError(shop.decrementStock('s-short', lines), 'INSUFFICIENT_STOCK');
        expect(error.problems).toEqual([expect.objectContaining({ productId: '2_12', requested: 1, available: 0 })]);
        expect(error).toBeInstanceOf(StockShortfall);
        expect((error as StockShortfall).lines).toEqual([{ productId: '2_12', requested: 1, available: 0 }]);
        expect(await stockOf(shop, '1')).toBe(10);
        await shop.setStock('2_12', 1);
        expect((await shop.decrementStock('s-short', lines)).applied).toBe(true);
        expect(await stockOf(shop, '2_12')).toBe(0);

        const forced = await shop.decrementStock('s-forced', [{ productId: '2_12', quantity: 3 }], {
          allowNegative: true,
        });
        expect(forced.lines).toEqual([
          { productId: '2_12', quantity: 3, stockBefore: 0, stockAfter: -3, shortfall: 3 },
        ]);
        expect(await stockOf(shop, '2_12')).toBe(-3);
      });

      it('restores stock once per key, even under concurrent duplicates', async () => {
        const other = await under.openAnother();
        await shop.decrementStock('s-take', [{ productId: '1', quantity: 4 }]);
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 === 0 ? shop : other).restoreStock('s-give-back', [{ productId: '1', quantity: 4 }]),
          ),
        );
        expect(results.filter((r) => r.applied)).toHaveLength(1);
        expect(results[0]).toMatchObject({
          kind: 'restore',
          lines: [{ productId: '1', quantity: 4, stockBefore: 6, stockAfter: 10, shortfall: 0 }],
        });
        expect(await stockOf(shop, '1')).toBe(10);
        // Decrement and restore keys are separate: the same key string may name both movements of one order.
        expect((await shop.restoreStock('s-take', [{ productId: '1', quantity: 4 }])).applied).toBe(true);
        expect(await stockOf(shop, '1')).toBe(14);
      });

      it('refuses unknown products, parents and bad quantities atomically', async () => {
        // Each product refusal names its product: the engine records them on the order for the operator.
        const unknown = await shopError(
          shop.decrementStock('s-bad', [
            { productId: '1', quantity: 1 },
            { productId: '404', quantity: 1 },
          ]),
          'UNKNOWN_PRODUCT',
        );
        expect(unknown.problems).toEqual([expect.objectContaining({ code: 'UNKNOWN_PRODUCT', productId: '404' })]);
        const parent = await shopError(
          shop.decrementStock('s-bad', [{ productId: '2', quantity: 1 }]),
          'PRODUCT_VARIATION_NEEDED',
        );
        expect(parent.problems).toEqual([
          expect.objectContaining({ code: 'PRODUCT_VARIATION_NEEDED', productId: '2' }),
        ]);
        await shopError(shop.decrementStock('s-bad', [{ productId: '1', quantity: -2 }]), 'INVALID_SHOP_INPUT');
        await shopError(shop.decrementStock('s-bad', [{ productId: '1', quantity: 0 }]), 'INVALID_SHOP_INPUT');
        await shopError(shop.decrementStock('s-bad', []), 'INVALID_SHOP_INPUT');
        await shopError(shop.decrementStock('s-bad', 'x' as never), 'INVALID_SHOP_INPUT');
        await shopError(shop.restoreStock('s-bad', [{ productId: '1', quantity: 1.5 }]), 'INVALID_SHOP_INPUT');
        expect(await stockOf(shop, '1')).toBe(10);
        expect((await shop.decrementStock('s-bad', [{ productId: '1', quantity: 1 }])).applied).toBe(true);
      });
    });

    describe('order states', () => {
      let id: number;
      beforeEach(async () => {
        id = (await shop.createOrders('k-state', order())).orders[0].id;
      });

      it('allows valid moves, treats the current state as a no-op and refuses invalid moves', async () => {
        const shipped = await shop.setOrderState(id, 'shipped', {
          lengowStatus: 'shipped',
          tracking: { trackingNumber: 'TRK-1', carrierName: 'Colissimo' },
        });
        expect(shipped.changed).toBe(true);
        expect(shipped.order.state).toBe('shipped');
        expect(shipped.order.tracking).toMatchObject({ trackingNumber: 'TRK-1', carrierName: 'Colissimo' });
        expect((await shop.setOrderState(id, 'shipped')).changed).toBe(false);
        const error = await shopError(shop.setOrderState(id, 'awaiting_shipment'), 'INVALID_STATE_TRANSITION');
        expect(error.problems[0]).toMatchObject({ from: 'shipped', to: 'awaiting_shipment' });
        expect((await shop.setOrderState(id, 'canceled', { reason: 'marketplace canceled' })).order.state).toBe(
          'canceled',
        );
        expect((await shop.setOrderState(id, 'refunded')).order.state).toBe('refunded');
        await shopError(shop.setOrderState(id, 'shipped'), 'INVALID_STATE_TRANSITION');
        const history = (await shop.getOrder(id))!.history.map((h) => [h.from, h.to]);
        expect(history).toEqual([
          [null, 'awaiting_shipment'],
          ['awaiting_shipment', 'shipped'],
          ['shipped', 'canceled'],
          ['canceled', 'refunded'],
        ]);
        // The engine's own states never come back to it through the change feed.
        expect(await shop.changesAfter(0, 100)).toEqual([]);
      });

      it('parks a replaced order in technical error, from which nothing moves it', async () => {
        const marked = await shop.markTechnicalError(`SO-${String(id).padStart(6, '0')}`, 're-imported');
        expect(marked.changed).toBe(true);
        expect(marked.order).toMatchObject({ state: 'technical_error', technicalErrorReason: 're-imported' });
        expect((await shop.markTechnicalError(id, 're-imported')).changed).toBe(false);
        await shopError(shop.setOrderState(id, 'shipped'), 'INVALID_STATE_TRANSITION');
        await shopError(
          shop.shipOrder(id, { trackingNumber: 'T', shippedAt: '2024-05-03T10:00:00Z' }),
          'INVALID_STATE_TRANSITION',
        );
        await shopError(shop.markTechnicalError(id, ''), 'INVALID_SHOP_INPUT');
        await shopError(shop.setOrderState(id, 'technical_error'), 'INVALID_SHOP_INPUT');
        expect(await stockOf(shop, '1')).toBe(10);
      });

      it('keeps both orders of a cancel-and-re-import, the old one in technical error', async () => {
        const reimported = await shop.createOrders('k-state:generation-2', order());
        await shop.markTechnicalError(id, 'replaced by a re-import');
        const orders = await shop.listOrdersFor('demo_market_fr', 'DM-1');
        expect(orders.map((o) => [o.id, o.state])).toEqual([
          [id, 'technical_error'],
          [reimported.orders[0].id, 'awaiting_shipment'],
        ]);
      });

      it('refuses unknown orders and states with typed errors', async () => {
        await shopError(shop.setOrderState(999_999, 'shipped'), 'UNKNOWN_ORDER');
        await shopError(shop.setOrderState('SO-abc', 'shipped'), 'UNKNOWN_ORDER');
        await shopError(shop.setOrderState(id, 'lost' as never), 'INVALID_SHOP_INPUT');
        await shopError(shop.setOrderState({} as never, 'shipped'), 'INVALID_SHOP_INPUT');
        await shopError(shop.setOrderState(id, 'shipped', 'details' as never), 'INVALID_SHOP_INPUT');
        await shopError(shop.markTechnicalError(-1, 'x'), 'UNKNOWN_ORDER');
        await shopError(shop.cancelOrder(999_999), 'UNKNOWN_ORDER');
      });
    });

    describe('merchant changes and the change feed', () => {
      it('records ship, cancel and refunds in the feed, in order, readable from a checkpoint', async () => {
        const colissimo = (await shop.listCarriers()).find((c) => c.name === 'Colissimo')!;
        const a = (await shop.createOrders('k-a', order({ marketplaceOrderId: 'A' }))).orders[0].id;
        const b = (await shop.createOrders('k-b', order({ marketplaceOrderId: 'B' }))).orders[0].id;
        const c = (await shop.createOrders('k-c', order({ marketplaceOrderId: 'C' }))).orders[0].id;

        const shipped = await shop.shipOrder(a, {
          carrierId: colissimo.id,
          trackingNumber: 'TRK 1',
          shippedAt: '2024-05-03T10:00:00+02:00',
        });
        expect(shipped.order.state).toBe('shipped');
        await shopError(
          shop.shipOrder(b, { trackingNumber: 'TRK\u00002', shippedAt: '2024-05-03T10:00:00Z' }),
          'INVALID_SHOP_INPUT',
        );
        expect(shipped.order.tracking).toEqual({
          carrierName: 'Colissimo',
          trackingNumber: 'TRK 1',
          trackingUrl: 'https://track.example/colissimo?n=TRK%201',
          shippedAt: '2024-05-03T08:00:00.000Z',
        });
        await shop.cancelOrder(b, 'out of stock');
        const lines = (await shop.getOrder(c))!.lines;
        const partial = await shop.refundOrder(c, { lines: [{ lineId: lines[0].id, quantity: 1 }], reason: 'broken' });
        expect(partial.order.state).toBe('partially_refunded');
        expect(partial.order.lines[0].refundedQuantity).toBe(1);
        const full = await shop.refundOrder(c);
        expect(full.order.state).toBe('refunded');
        expect(full.order.lines.map((l) => l.refundedQuantity)).toEqual([2, 1]);

        const feed = await shop.changesAfter(0, 100);
        expect(feed.map((f) => [f.orderId, f.kind, f.fromState, f.toState])).toEqual([
          [a, 'shipped', 'awaiting_shipment', 'shipped'],
          [b, 'canceled', 'awaiting_shipment', 'canceled'],
          [c, 'partially_refunded', 'awaiting_shipment', 'partially_refunded'],
          [c, 'refunded', 'partially_refunded', 'refunded'],
        ]);
        expect(feed[0]).toMatchObject({
          marketplace: 'demo_market_fr',
          marketplaceOrderId: 'A',
          carrierId: colissimo.id,
          carrierReferenceId: colissimo.referenceId,
          trackingNumber: 'TRK 1',
          trackingUrl: 'https://track.example/colissimo?n=TRK%201',
        });
        expect(feed[0]).toEqual(shipped.change);
        expect(feed[1]).toMatchObject({ reason: 'out of stock', marketplaceOrderId: 'B' });
        expect(feed[2]).toMatchObject({
          reason: 'broken',
          lines: [{ lineId: lines[0].id, productId: '1', quantity: 1, marketplaceLineIds: ['L-1'] }],
        });
        expect(feed[3]).toMatchObject({
          lines: [
            { lineId: lines[0].id, quantity: 1 },
            { lineId: lines[1].id, quantity: 1 },
          ],
        });
        const ids = feed.map((f) => f.id);
        expect([...ids].sort((x, y) => x - y)).toEqual(ids);
        expect(new Set(ids).size).toBe(4);
        expect(await shop.changesAfter(ids[0], 2)).toEqual(feed.slice(1, 3));
        expect(await shop.changesAfter(ids[3], 10)).toEqual([]);
      });

      it('adds nothing for a repeated ship or cancel, but a new tracking number is a new change', async () => {
        const a = (await shop.createOrders('k-a', order())).orders[0].id;
        const first = await shop.shipOrder(a, {
          carrierName: 'dhl',
          trackingNumber: 'T1',
          shippedAt: '2024-05-03T10:00:00Z',
        });
        expect(first.change).toMatchObject({ carrierName: 'DHL', trackingUrl: null });
        expect(
          (await shop.shipOrder(a, { carrierName: 'DHL', trackingNumber: 'T1', shippedAt: '2024-05-03T10:00:00Z' }))
            .changed,
        ).toBe(false);
        const second = await shop.shipOrder(a, {
          carrierName: 'Some Courier',
          trackingNumber: 'T2',
          trackingUrl: 'https://c.example/T2',
          shippedAt: '2024-05-04T10:00:00Z',
        });
        expect(second.change).toMatchObject({
          fromState: 'shipped',
          carrierId: null,
          carrierName: 'Some Courier',
          trackingUrl: 'https://c.example/T2',
        });
        const b = (await shop.createOrders('k-b', order({ marketplaceOrderId: 'B' }))).orders[0].id;
        await shop.cancelOrder(b);
        expect((await shop.cancelOrder(b)).changed).toBe(false);
        expect((await shop.changesAfter(0, 100)).map((f) => f.kind)).toEqual(['shipped', 'shipped', 'canceled']);
      });

      it('refuses invalid merchant changes with typed errors and leaves no feed entry', async () => {
        const a = (await shop.createOrders('k-a', order())).orders[0].id;
        const lines = (await shop.getOrder(a))!.lines;
        await shopError(
          shop.refundOrder(a, { lines: [{ lineId: lines[1].id, quantity: 2 }] }),
          'REFUND_EXCEEDS_QUANTITY',
        );
        await shopError(shop.refundOrder(a, { lines: [{ lineId: 999_999, quantity: 1 }] }), 'UNKNOWN_ORDER_LINE');
        await shopError(shop.refundOrder(a, { lines: [{ lineId: lines[0].id, quantity: -1 }] }), 'INVALID_SHOP_INPUT');
        await shopError(
          shop.shipOrder(a, { carrierId: 999_999, trackingNumber: 'T', shippedAt: '2024-05-03T10:00:00Z' }),
          'UNKNOWN_CARRIER',
        );
        await shopError(shop.shipOrder(a, { trackingNumber: '', shippedAt: 'yesterday' }), 'INVALID_SHOP_INPUT');
        await shop.shipOrder(a, { trackingNumber: 'T', shippedAt: '2024-05-03T10:00:00Z' });
        await shopError(shop.cancelOrder(a), 'INVALID_STATE_TRANSITION');
        await shop.refundOrder(a);
        await shopError(
          shop.refundOrder(a, { lines: [{ lineId: lines[0].id, quantity: 1 }] }),
          'INVALID_STATE_TRANSITION',
        );
        expect((await shop.refundOrder(a)).changed).toBe(false);
        expect((await shop.getOrder(a))!.lines.map((l) => l.refundedQuantity)).toEqual([2, 1]);
        expect((await shop.changesAfter(0, 100)).map((f) => f.kind)).toEqual(['shipped', 'refunded']);
        await shopError(shop.changesAfter(-1, 10), 'INVALID_SHOP_INPUT');
        await shopError(shop.changesAfter(0, 0), 'INVALID_SHOP_INPUT');
        await shopError(shop.changesAfter('0' as never, 10), 'INVALID_SHOP_INPUT');
      });

      it('gives a checkpointed reader every concurrent change exactly once, in id order', async () => {
        const other = await under.openAnother();
        const ids: number[] = [];
        for (let i = 0; i < 12; i++)
          ids.push((await shop.createOrders(`k-feed-${i}`, order({ marketplaceOrderId: `F-${i}` }))).orders[0].id);
        const seen: number[] = [];
        let checkpoint = 0;
        // One consumer, as the engine runs it: reads small pages from its checkpoint while the merchant keeps shipping.
        const read = async (): Promise<void> => {
          for (const change of await shop.changesAfter(checkpoint, 3)) {
            expect(change.id).toBeGreaterThan(checkpoint);
            checkpoint = change.id;
            seen.push(change.orderId);
          }
        };
        let writing = true;
        const consumer = (async () => {
          while (writing) {
            await read();
            await new Promise((resolve) => setTimeout(resolve, 1));
          }
        })();
        await Promise.all(
          ids.map((id, i) =>
            (i % 2 === 0 ? shop : other).shipOrder(id, { trackingNumber: `T-${i}`, shippedAt: '2024-05-03T10:00:00Z' }),
          ),
        );
        writing = false;
        await consumer;
        for (let i = 0; i < 10; i++) await read();
        expect([...seen].sort((x, y) => x - y)).toEqual(ids);
      });
    });

    describe('seeding and administration', () => {
      it('seeds idempotently, never resetting stock or an operator fix', async () => {
        await shop.decrementStock('s-seed', [{ productId: '1', quantity: 3 }]);
        await shop.upsertProduct({ id: '1', name: 'Mug (renamed)' });
        const report = await shop.seed(CONTRACT_CATALOGUE);
        expect(report).toEqual({ productsAdded: 0, currenciesAdded: 0, countriesAdded: 0, carriersAdded: 0 });
        expect(await shop.getProduct('1')).toMatchObject({ name: 'Mug (renamed)', stock: 7, reference: 'MUG-1' });
        expect(await shop.listCarriers()).toHaveLength(2);
        const added = await shop.seed({
          products: [{ id: 50, name: 'New' }],
          currencies: ['CHF', 'EUR'],
          carriers: [{ name: 'colissimo' }],
        });
        expect(added).toEqual({ productsAdded: 1, currenciesAdded: 1, countriesAdded: 0, carriersAdded: 0 });
        await shopError(shop.seed({ products: [{ id: -1, name: '' }] }), 'INVALID_SHOP_INPUT');
      });

      it('upserts products and variants, and sets stock', async () => {
        const variant = await shop.upsertProduct({
          id: '1_5',
          name: 'Mug XL',
          reference: 'MUG-XL',
          stock: 4,
          priceCents: 1590,
        });
        expect(variant).toMatchObject({ id: '1_5', productId: 1, attributeId: 5, stock: 4, active: true });
        // Product 1 now has a variant: naming the parent alone no longer designates something to sell.
        expect((await shop.findProduct('id', '1')).status).toBe('parent_without_variant');
        expect(await shop.upsertProduct({ id: '1_5', name: 'Mug XL', active: false })).toMatchObject({
          stock: 4,
          active: false,
          reference: 'MUG-XL',
        });
        expect(await shop.setStock('1_5', 9)).toMatchObject({ stock: 9 });
        await shopError(shop.upsertProduct({ id: '900_1', name: 'Orphan' }), 'UNKNOWN_PRODUCT');
        await shopError(shop.upsertProduct({ id: 'abc', name: 'x' }), 'INVALID_SHOP_INPUT');
        await shopError(shop.setStock('2', 5), 'PRODUCT_VARIATION_NEEDED');
        await shopError(shop.setStock('404', 5), 'UNKNOWN_PRODUCT');
        await shopError(shop.setStock('1_5', 1.5), 'INVALID_SHOP_INPUT');
      });
    });
  });
}
