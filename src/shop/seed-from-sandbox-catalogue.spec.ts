import { SqliteDatabase } from '../database/sqlite-database.js';
import { matchCatalogue, SANDBOX_CATALOGUE, sellables } from '../sandbox/catalogue.js';
import { BuiltInShop } from './built-in/built-in-shop.js';
import { seedFromSandboxCatalogue } from './seed-from-sandbox-catalogue.js';

describe('seedFromSandboxCatalogue', () => {
  let db: SqliteDatabase;
  let shop: BuiltInShop;

  beforeAll(async () => {
    db = new SqliteDatabase({ path: ':memory:' });
    shop = new BuiltInShop(db);
    await shop.init();
    await shop.seed(seedFromSandboxCatalogue());
  });

  afterAll(async () => {
    await db.close();
  });

  it('makes every sellable findable by shop id, reference and EAN13, as the sandbox itself resolves it', async () => {
    const all = sellables();
    expect(all.length).toBeGreaterThan(20);
    for (const sellable of all) {
      for (const [strategy, value] of [
        ['id', sellable.id],
        ['reference', sellable.reference],
        ['ean13', sellable.ean13],
      ] as const) {
        const result = await shop.findProduct(strategy, value);
        expect({ strategy, value, result: result.status === 'found' ? result.product.id : result.status }).toEqual({
          strategy,
          value,
          result: sellable.id,
        });
        // The shop and the emulator's own matcher agree.
        expect(matchCatalogue(value)).toMatchObject({ kind: 'sellable', sellable: { id: sellable.id } });
      }
      const product = (await shop.getProduct(sellable.id))!;
      expect(product.priceCents).toBe(Math.round(sellable.price * 100));
      expect(product.name).toBe(sellable.name);
    }
  });

  it('refuses every parent named by its id or reference, as the parent_product case expects', async () => {
    const parents = SANDBOX_CATALOGUE.products.filter((p) => p.variants.length > 0);
    expect(parents.length).toBeGreaterThan(0);
    for (const parent of parents) {
      expect(matchCatalogue(String(parent.id))).toEqual({ kind: 'parent', productId: parent.id });
      expect(await shop.findProduct('id', String(parent.id))).toMatchObject({
        status: 'parent_without_variant',
        variantIds: parent.variants.map((v) => v.id).sort(),
      });
      expect((await shop.findProduct('reference', parent.reference)).status).toBe('parent_without_variant');
    }
  });

  it('carries stock, the sold-out and the disabled product, and the currencies', async () => {
    for (const product of SANDBOX_CATALOGUE.products) {
      for (const variant of product.variants) expect((await shop.getProduct(variant.id))!.stock).toBe(variant.stock);
      if (product.variants.length === 0) {
        expect(await shop.getProduct(String(product.id))).toMatchObject({
          stock: product.stock,
          active: product.active,
        });
      }
    }
    expect(await shop.getProduct('1070')).toMatchObject({ stock: 0, active: true });
    expect(await shop.getProduct('1071')).toMatchObject({ active: false });
    expect(await shop.enabledCurrencies()).toEqual(expect.arrayContaining(SANDBOX_CATALOGUE.currencies));
    expect(await shop.enabledCurrencies()).not.toContain('XYZ');
  });

  it('adds nothing when seeded again', async () => {
    expect(await shop.seed(seedFromSandboxCatalogue())).toEqual({
      productsAdded: 0,
      currenciesAdded: 0,
      countriesAdded: 0,
      carriersAdded: 0,
    });
  });
});
