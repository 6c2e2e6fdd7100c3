import type { SqlDatabase, SqlExecutor } from '../../database/sql-database.port.js';
import type { CatalogueSeed, SeedReport } from '../catalogue-seed.js';
import { InputChecker } from '../input-checker.js';
import type { CarrierInput, ShopCarrier } from '../shop-carrier.js';
import type { ShopCountry } from '../shop-country.js';
import { ShopError } from '../shop-error.js';
import { formatShopProductId, parseShopProductId } from '../shop-product-id.js';
import {
  DEFAULT_LOOKUP_STRATEGIES,
  type LookupStrategy,
  type ProductInput,
  type ProductLookupResult,
  type ProductQuery,
  type ShopProduct,
} from '../shop-product.js';
import {
  validateCarrierInput,
  validateCountry,
  validateCurrency,
  validateProductInput,
  validateSeed,
  validateStock,
} from '../validate-shop-input.js';
import { type CarrierRow, currentCarrier, toShopCarrier } from './carrier-rows.js';
import { loadCatalogueIndex } from './load-catalogue-index.js';
import { bool, serialise } from './sql-helpers.js';

const STRATEGIES: readonly LookupStrategy[] = DEFAULT_LOOKUP_STRATEGIES;

/** Products, currencies, countries and carriers of the built-in shop: lookups for import, administration, seeding. */
export class BuiltInCatalogue {
  constructor(
    private readonly db: SqlDatabase,
    private readonly now: () => string,
  ) {}

  async findProduct(strategy: LookupStrategy, value: string): Promise<ProductLookupResult> {
    const checker = new InputChecker();
    checker.oneOf(strategy, 'strategy', STRATEGIES);
    const text = checker.text(value, 'value', { required: false, max: 10_000 });
    checker.done();
    const index = await loadCatalogueIndex(this.db, [text]);
    return index.resolve(strategy, text);
  }

  async findProducts(queries: ProductQuery[]): Promise<ProductLookupResult[]> {
    const checked = checkQueries(queries);
    const index = await loadCatalogueIndex(
      this.db,
      checked.flatMap((q) => q.candidates),
    );
    return checked.map((q) => index.resolveQuery(q.candidates, q.strategies));
  }

  async getProduct(id: string): Promise<ShopProduct | null> {
    const parsed = typeof id === 'string' ? parseShopProductId(id) : null;
    if (!parsed) return null;
    const index = await loadCatalogueIndex(this.db, [id]);
    return index.productById(formatShopProductId(parsed));
  }

  async enabledCurrencies(): Promise<string[]> {
    const rows = await this.db.query<{ iso_a3: string }>(
      'SELECT iso_a3 FROM shop_currencies WHERE enabled = 1 ORDER BY iso_a3',
    );
    return rows.map((r) => r.iso_a3);
  }

  async listCountries(): Promise<ShopCountry[]> {
    const rows = await this.db.query<{ iso_a2: string; name: string; active: number }>(
      'SELECT iso_a2, name, active FROM shop_countries ORDER BY iso_a2',
    );
    return rows.map((r) => ({ isoA2: r.iso_a2, name: r.name, active: Boolean(r.active) }));
  }

  async listCarriers(): Promise<ShopCarrier[]> {
    const rows = await this.db.query<CarrierRow>(
      'SELECT id, reference_id, name, tracking_url FROM shop_carriers WHERE replaced = 0 ORDER BY name, id',
    );
    return rows.map(toShopCarrier);
  }

  async getCarrier(id: number): Promise<ShopCarrier | null> {
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return null;
    return currentCarrier(this.db, id);
  }

  async upsertProduct(input: ProductInput): Promise<ShopProduct> {
    const product = validateProductInput(input);
    const parsed = parseShopProductId(product.id)!;
    await this.db.transaction(async (tx) => {
      if (parsed.attributeId > 0) {
        const [parent] = await tx.query('SELECT shop_id FROM shop_products WHERE shop_id = $1', [
          String(parsed.productId),
        ]);
        if (!parent) {
          throw ShopError.of(
            'UNKNOWN_PRODUCT',
            `product ${parsed.productId} must exist before its variant ${product.id}`,
            {
              productId: String(parsed.productId),
            },
          );
        }
      }
      // Only the fields given replace stored values; a new product gets defaults for the rest.
      const optional = (['reference', 'ean13', 'upc', 'isbn', 'active', 'stock', 'priceCents'] as const).filter(
        (field) => product[field] !== undefined,
      );
      const column = (field: (typeof optional)[number]): string => (field === 'priceCents' ? 'price_cents' : field);
      const updates = ['name', ...optional.map(column), 'updated_at'].map((c) => `${c} = excluded.${c}`).join(', ');
      await tx.execute(
        `INSERT INTO shop_products
           (shop_id, product_id, attribute_id, name, reference, ean13, upc, isbn, active, stock, price_cents, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (shop_id) DO UPDATE SET ${updates}`,
        [
          product.id,
          parsed.productId,
          parsed.attributeId,
          product.name,
          product.reference ?? null,
          product.ean13 ?? null,
          product.upc ?? null,
          product.isbn ?? null,
          bool(product.active ?? true),
          product.stock ?? 0,
          product.priceCents ?? 0,
          this.now(),
        ],
      );
    });
    return (await this.getProduct(product.id))!;
  }

  async setStock(productId: string, quantity: number): Promise<ShopProduct> {
    const checked = validateStock(productId, quantity);
    const index = await loadCatalogueIndex(this.db, [checked.productId]);
    const result = index.resolve('id', checked.productId);
    if (result.status === 'not_found') {
      throw ShopError.of('UNKNOWN_PRODUCT', `product ${checked.productId} could not be found`, {
        productId: checked.productId,
      });
    }
    if (result.status === 'parent_without_variant') {
      throw ShopError.of(
        'PRODUCT_VARIATION_NEEDED',
        `product ${checked.productId} is a parent ID: stock is kept per variant`,
        {
          productId: checked.productId,
        },
      );
    }
    await this.db.execute('UPDATE shop_products SET stock = $1, updated_at = $2 WHERE shop_id = $3', [
      checked.quantity,
      this.now(),
      checked.productId,
    ]);
    return (await this.getProduct(checked.productId))!;
  }

  async enableCurrency(isoA3: string): Promise<void> {
    await this.setCurrency(validateCurrency(isoA3), true);
  }

  async disableCurrency(isoA3: string): Promise<void> {
    await this.setCurrency(validateCurrency(isoA3), false);
  }

  private async setCurrency(code: string, enabled: boolean): Promise<void> {
    await this.db.execute(
      `INSERT INTO shop_currencies (iso_a3, enabled) VALUES ($1, $2)
       ON CONFLICT (iso_a3) DO UPDATE SET enabled = excluded.enabled`,
      [code, bool(enabled)],
    );
  }

  async setCountryActive(isoA2: string, active: boolean, name?: string): Promise<ShopCountry> {
    const checked = validateCountry(isoA2, active, name);
    const [row] = await this.db.query<{ iso_a2: string; name: string; active: number }>(
      `INSERT INTO shop_countries (iso_a2, name, active) VALUES ($1, $2, $3)
       ON CONFLICT (iso_a2) DO UPDATE SET active = excluded.active, name = COALESCE($4, shop_countries.name)
       RETURNING iso_a2, name, active`,
      [checked.isoA2, checked.name ?? checked.isoA2, bool(checked.active), checked.name],
    );
    return { isoA2: row.iso_a2, name: row.name, active: Boolean(row.active) };
  }

  async addCarrier(input: CarrierInput): Promise<ShopCarrier> {
    const checked = validateCarrierInput(input) as CarrierInput;
    return this.db.transaction((tx) => insertCarrier(tx, checked, null, this.now()));
  }

  async updateCarrier(id: number, changes: Partial<CarrierInput>): Promise<ShopCarrier> {
    const checker = new InputChecker();
    checker.integer(id, 'id', { min: 1 });
    checker.done();
    const checked = validateCarrierInput(changes, true);
    return this.db.transaction(async (tx) => {
      await serialise(tx, 'shop_carriers');
      const current = await currentCarrier(tx, id);
      if (!current) throw ShopError.of('UNKNOWN_CARRIER', `carrier ${id} does not exist`, { carrierId: id });
      const next: CarrierInput = {
        name: checked.name ?? current.name,
        trackingUrl: checked.trackingUrl !== undefined ? checked.trackingUrl : current.trackingUrl,
      };
      if (next.name === current.name && next.trackingUrl === current.trackingUrl) return current;
      await tx.execute('UPDATE shop_carriers SET replaced = 1 WHERE id = $1', [current.id]);
      return insertCarrier(tx, next, current.referenceId, this.now());
    });
  }

  async seed(catalogue: CatalogueSeed): Promise<SeedReport> {
    const seed = validateSeed(catalogue);
    return this.db.transaction(async (tx) => {
      await serialise(tx, 'shop_seed');
      const report: SeedReport = { productsAdded: 0, currenciesAdded: 0, countriesAdded: 0, carriersAdded: 0 };
      const at = this.now();
      const insertProduct = (
        shopId: string,
        productId: number,
        attributeId: number,
        p: Omit<ProductInput, 'id'>,
        stock: number,
      ): Promise<number> =>
        tx.execute(
          `INSERT INTO shop_products
             (shop_id, product_id, attribute_id, name, reference, ean13, upc, isbn, active, stock, price_cents, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           ON CONFLICT (shop_id) DO NOTHING`,
          [
            shopId,
            productId,
            attributeId,
            p.name,
            p.reference ?? null,
            p.ean13 ?? null,
            p.upc ?? null,
            p.isbn ?? null,
            bool(p.active ?? true),
            stock,
            p.priceCents ?? 0,
            at,
          ],
        );
      for (const product of seed.products) {
        const variants = product.variants ?? [];
        report.productsAdded += await insertProduct(
          String(product.id),
          product.id,
          0,
          product,
          variants.length > 0 ? 0 : (product.stock ?? 0),
        );
        for (const variant of variants) {
          report.productsAdded += await insertProduct(
            `${product.id}_${variant.attributeId}`,
            product.id,
            variant.attributeId,
            variant,
            variant.stock ?? 0,
          );
        }
      }
      for (const code of seed.currencies) {
        report.currenciesAdded += await tx.execute(
          'INSERT INTO shop_currencies (iso_a3, enabled) VALUES ($1, 1) ON CONFLICT (iso_a3) DO NOTHING',
          [code],
        );
      }
      for (const country of seed.countries) {
        report.countriesAdded += await tx.execute(
          'INSERT INTO shop_countries (iso_a2, name, active) VALUES ($1, $2, $3) ON CONFLICT (iso_a2) DO NOTHING',
          [country.isoA2, country.name, bool(country.active)],
        );
      }
      for (const carrier of seed.carriers) {
        const [existing] = await tx.query(
          'SELECT id FROM shop_carriers WHERE replaced = 0 AND lower(name) = lower($1)',
          [carrier.name],
        );
        if (existing) continue;
        await insertCarrier(tx, carrier, null, at);
        report.carriersAdded += 1;
      }
      return report;
    });
  }
}

function checkQueries(queries: unknown): { candidates: string[]; strategies: readonly LookupStrategy[] }[] {
  const checker = new InputChecker();
  const checked = checker.array(queries, 'queries', { max: 10_000 }).map((value, i) => {
    const q = checker.object(value, `queries[${i}]`) ?? {};
    const candidates = checker
      .array(q.candidates, `queries[${i}].candidates`, { max: 20 })
      .flatMap((c, j) =>
        c === null || c === undefined
          ? []
          : [checker.text(c, `queries[${i}].candidates[${j}]`, { required: false, max: 10_000 })],
      )
      .filter((c) => c !== '');
    const strategies =
      q.strategies === undefined
        ? STRATEGIES
        : checker
            .array(q.strategies, `queries[${i}].strategies`, { min: 1, max: 5 })
            .map((s, j) => checker.oneOf(s, `queries[${i}].strategies[${j}]`, STRATEGIES));
    return { candidates, strategies };
  });
  checker.done();
  return checked;
}

async function insertCarrier(
  tx: SqlExecutor,
  carrier: CarrierInput,
  referenceId: number | null,
  at: string,
): Promise<ShopCarrier> {
  const [row] = await tx.query<{ id: number }>(
    'INSERT INTO shop_carriers (reference_id, name, tracking_url, replaced, created_at) VALUES ($1, $2, $3, 0, $4) RETURNING id',
    [referenceId, carrier.name, carrier.trackingUrl ?? null, at],
  );
  const id = Number(row.id);
  // A new carrier is its own reference; later versions keep pointing at it.
  if (referenceId === null) await tx.execute('UPDATE shop_carriers SET reference_id = $1 WHERE id = $1', [id]);
  return { id, referenceId: referenceId ?? id, name: carrier.name, trackingUrl: carrier.trackingUrl ?? null };
}
