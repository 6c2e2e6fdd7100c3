import { SqliteDatabase } from '../../database/sqlite-database.js';
import { SANDBOX_CATALOGUE } from '../../sandbox/catalogue.js';
import { BuiltInShop } from '../../shop/built-in/built-in-shop.js';
import { seedFromSandboxCatalogue } from '../../shop/seed-from-sandbox-catalogue.js';
import { ShopError } from '../../shop/shop-error.js';
import type { ProductQuery } from '../../shop/shop-product.js';
import type { ShopCatalogue } from '../../shop/shop.port.js';
import { EMPTY_CARRIER_MAPPING, type CarrierMappingView } from '../domain/carrier-mapping.js';
import type { MarketplaceOrderSnapshot, SnapshotLine } from '../domain/marketplace-order-snapshot.js';
import { definition, snapshot as fixtureSnapshot } from '../domain/testing/order-fixtures.js';
import { ImportLookupsResolver } from './import-lookups-resolver.js';
import { ShopUnavailable } from './shop-unavailable.error.js';

const tshirtM = SANDBOX_CATALOGUE.products.find((p) => p.id === 1003)!.variants.find((v) => v.idAttribute === 12)!;
const mug = SANDBOX_CATALOGUE.products.find((p) => p.id === 1001)!;

function line(lineId: string, merchantId: string | null, extra: Partial<SnapshotLine> = {}): SnapshotLine {
  return {
    lineId,
    marketplaceProductId: null,
    merchantProductId: merchantId === null ? null : { id: merchantId, field: null },
    marketplaceStatus: 'ToShip',
    quantity: 1,
    amount: 10,
    tax: null,
    title: null,
    ...extra,
  };
}

function orderWith(lines: SnapshotLine[], overrides: Partial<MarketplaceOrderSnapshot> = {}): MarketplaceOrderSnapshot {
  const base = fixtureSnapshot();
  return { ...base, packages: [{ ...base.packages[0], lines }], ...overrides };
}

describe('ImportLookupsResolver', () => {
  let db: SqliteDatabase;
  let shop: BuiltInShop;

  beforeEach(async () => {
    db = new SqliteDatabase({ path: ':memory:' });
    shop = new BuiltInShop(db);
    await shop.init();
    await shop.seed(seedFromSandboxCatalogue());
  });
  afterEach(async () => {
    await db.close().catch(() => undefined);
  });

  it('resolves every line in one batch, by shop id, reference, EAN and marketplace id, _FBA stripped', async () => {
    const resolver = new ImportLookupsResolver(shop);
    const calls: ProductQuery[][] = [];
    const counting: ShopCatalogue = Object.create(shop, {
      findProducts: { value: (queries: ProductQuery[]) => (calls.push(queries), shop.findProducts(queries)) },
    });
    const context = await resolver.loadContext();
    const lookups = await new ImportLookupsResolver(counting).resolve(
      orderWith([
        line('L1', tshirtM.id),
        line('L2', tshirtM.reference.toLowerCase()),
        line('L3', tshirtM.ean13),
        line('L4', null, { marketplaceProductId: '1001' }),
        line('L5', '1001_FBA'),
        line('L6', '1003'),
        line('L7', '8123', { marketplaceProductId: 'B0XXXX' }),
        line('L8', '1070'),
        line('L9', '1001', { quantity: mug.stock + 1 }),
        line('L10', '1071'),
      ]),
      definition(),
      context,
      EMPTY_CARRIER_MAPPING,
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]).toHaveLength(10);
    const variant = { productId: '1003', variantId: '12' };
    const simpleMug = { productId: '1001', variantId: null };
    expect(lookups.products).toEqual({
      L1: { kind: 'found', product: variant, matchedBy: 'merchant_id', available: true },
      L2: { kind: 'found', product: variant, matchedBy: 'reference', available: true },
      L3: { kind: 'found', product: variant, matchedBy: 'ean', available: true },
      L4: { kind: 'found', product: simpleMug, matchedBy: 'marketplace_id', available: true },
      L5: { kind: 'found', product: simpleMug, matchedBy: 'merchant_id', available: true },
      L6: { kind: 'parent_without_variant', productId: '1003' },
      L7: { kind: 'not_found' },
      // Sold out, not enough stock for the line, disabled: found, but not addable unless "force product" is on.
      L8: {
        kind: 'found',
        product: { productId: '1070', variantId: null },
        matchedBy: 'merchant_id',
        available: false,
      },
      L9: { kind: 'found', product: simpleMug, matchedBy: 'merchant_id', available: false },
      L10: {
        kind: 'found',
        product: { productId: '1071', variantId: null },
        matchedBy: 'merchant_id',
        available: false,
      },
    });
  });

  it('does not look up lines the marketplace canceled, nor lines without any id', async () => {
    const resolver = new ImportLookupsResolver(shop);
    const lookups = await resolver.resolve(
      orderWith([line('KEEP', '1001'), line('GONE', '1002', { marketplaceStatus: 'Cancelled' }), line('NONE', null)]),
      definition(),
      await resolver.loadContext(),
      EMPTY_CARRIER_MAPPING,
    );
    expect(Object.keys(lookups.products)).toEqual(['KEEP']);
  });

  it('does not pick one of several products sharing a reference', async () => {
    await shop.upsertProduct({ id: '2001', name: 'Twin A', reference: 'TWIN', stock: 5, priceCents: 100 });
    await shop.upsertProduct({ id: '2002', name: 'Twin B', reference: 'TWIN', stock: 5, priceCents: 100 });
    const resolver = new ImportLookupsResolver(shop);
    const lookups = await resolver.resolve(
      orderWith([line('L1', 'TWIN')]),
      definition(),
      await resolver.loadContext(),
      EMPTY_CARRIER_MAPPING,
    );
    expect(lookups.products.L1).toEqual({ kind: 'not_found' });
  });

  it('reads currencies and countries from the shop', async () => {
    await shop.setCountryActive('BE', false);
    const resolver = new ImportLookupsResolver(shop);
    const context = await resolver.loadContext();
    const resolve = (currency: string | null) =>
      resolver.resolve(orderWith([], { currency }), definition(), context, EMPTY_CARRIER_MAPPING);
    expect((await resolve('EUR')).currencyAvailable).toBe(true);
    expect((await resolve('CHF')).currencyAvailable).toBe(true);
    expect((await resolve('XYZ')).currencyAvailable).toBe(false);
    expect((await resolve(null)).currencyAvailable).toBe(false);
    const { countries } = await resolve('EUR');
    expect(countries.FR).toEqual({ name: 'France', active: true });
    expect(countries.BE).toEqual({ name: 'Belgium', active: false });
  });

  it('brings mapped shop carriers to their current version (an edit gives the carrier a new id)', async () => {
    const original = await shop.addCarrier({ name: 'Colissimo', trackingUrl: null });
    const edited = await shop.updateCarrier(original.id, { name: 'Colissimo Expert', trackingUrl: 'https://t/@' });
    const again = await shop.updateCarrier(edited.id, { name: 'Colissimo Pro' });
    const mapped: CarrierMappingView = {
      carriers: [{ country: 'FR', marketplaceCarrier: 'COLISSIMO', shopCarrier: { id: String(edited.id), name: 'x' } }],
      methods: [],
      defaults: [
        { country: 'FR', importCarrier: { id: String(original.id), name: 'Colissimo' }, shipCarrier: 'DHL' },
        { country: 'BE', importCarrier: { id: 'not-a-number', name: 'Kept' }, shipCarrier: null },
      ],
    };
    const resolver = new ImportLookupsResolver(shop);
    const { carrierMapping } = await resolver.resolve(
      orderWith([]),
      definition(),
      await resolver.loadContext(),
      mapped,
    );
    const current = { id: String(again.id), name: 'Colissimo Pro', trackingUrlTemplate: 'https://t/@' };
    expect(carrierMapping.carriers[0].shopCarrier).toEqual(current);
    expect(carrierMapping.defaults[0]).toEqual({ country: 'FR', importCarrier: current, shipCarrier: 'DHL' });
    expect(carrierMapping.defaults[1].importCarrier).toEqual({ id: 'not-a-number', name: 'Kept' });
  });

  it('asks line by line when the shop refuses the batch, so one odd line does not hide the others', async () => {
    const picky: ShopCatalogue = Object.create(shop, {
      findProducts: {
        value: async (queries: ProductQuery[]) => {
          if (queries.some((q) => q.candidates.includes('REFUSED')))
            throw ShopError.of('INVALID_SHOP_INPUT', 'candidate refused');
          return shop.findProducts(queries);
        },
      },
    });
    const resolver = new ImportLookupsResolver(picky);
    const lookups = await resolver.resolve(
      orderWith([line('L1', '1001'), line('L2', 'REFUSED')]),
      definition(),
      await resolver.loadContext(),
      EMPTY_CARRIER_MAPPING,
    );
    expect(lookups.products.L1).toMatchObject({ kind: 'found', product: { productId: '1001' } });
    expect(lookups.products.L2).toEqual({ kind: 'invalid_id' });
  });

  it('says the shop is unavailable, never "not found", when its database cannot be reached', async () => {
    const resolver = new ImportLookupsResolver(shop);
    const context = await resolver.loadContext();
    await db.close();
    await expect(
      resolver.resolve(orderWith([line('L1', '1001')]), definition(), context, EMPTY_CARRIER_MAPPING),
    ).rejects.toBeInstanceOf(ShopUnavailable);
    await expect(resolver.loadContext()).rejects.toMatchObject({ code: 'SHOP_UNAVAILABLE', transient: true });
  });
});
