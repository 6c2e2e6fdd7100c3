import type { ShopCarrier as ShopPortCarrier } from '../../shop/shop-carrier.js';
import { isShopError } from '../../shop/shop-error.js';
import type { ProductLookupResult, ProductQuery } from '../../shop/shop-product.js';
import type { ShopCatalogue } from '../../shop/shop.port.js';
import type { CarrierMappingView, ShopCarrier } from '../domain/carrier-mapping.js';
import type { ImportLookups, ProductLookup, ProductMatchField, ShopCountry } from '../domain/import-lookups.js';
import type { MarketplaceDefinition } from '../domain/marketplace-definition.js';
import type { MarketplaceOrderSnapshot, SnapshotLine } from '../domain/marketplace-order-snapshot.js';
import { productCandidates } from '../domain/product-candidates.js';
import { isDroppedLine } from '../domain/validate-order.js';
import { ShopUnavailable } from './shop-unavailable.error.js';

/**
 * The shop's configuration as one run sees it: currencies, countries and carriers change rarely, so they are read
 * once per run (three queries) instead of once per order. Products are looked up per order, in one batch.
 */
export interface ShopImportContext {
  readonly currencies: ReadonlySet<string>;
  readonly countries: Readonly<Record<string, ShopCountry>>;
  /** Current carrier versions, sorted by id (part of the configuration revision). */
  readonly carriers: readonly ShopPortCarrier[];
  /** The current version of a carrier, by the id of any of its versions; memoised per run. */
  currentCarrier(id: number): Promise<ShopPortCarrier | null>;
  /** A marketplace's carrier mapping with its shop carriers brought to their current versions; memoised per run. */
  carrierMapping(marketplace: string, mapping: CarrierMappingView): Promise<CarrierMappingView>;
}

/** Shop ids never exceed this; longer candidates cannot name a product and would make the shop refuse the batch. */
const MAX_CANDIDATE_LENGTH = 1000;
/** Below the shop port's limit of 10 000 queries per call. */
const MAX_QUERIES_PER_CALL = 5000;

/**
 * Gathers the `ImportLookups` the import rules need, through the SHOP port: one `findProducts` batch per order, with
 * the domain's `productCandidates` (merchant id then marketplace id, `_FBA` stripped; the shop tries each as id,
 * reference, EAN13, UPC, ISBN). A shop that cannot be reached raises `ShopUnavailable`; a shop that refuses the
 * request (a ShopError) is a verdict about the data, never "unreachable".
 */
export class ImportLookupsResolver {
  constructor(private readonly shop: ShopCatalogue) {}

  async loadContext(): Promise<ShopImportContext> {
    const [currencies, countries, carriers] = await Promise.all([
      this.ask('enabledCurrencies', () => this.shop.enabledCurrencies()),
      this.ask('listCountries', () => this.shop.listCountries()),
      this.ask('listCarriers', () => this.shop.listCarriers()),
    ]);
    const byId = new Map<number, Promise<ShopPortCarrier | null>>();
    for (const carrier of carriers) {
      byId.set(carrier.id, Promise.resolve(carrier));
      if (!byId.has(carrier.referenceId)) byId.set(carrier.referenceId, Promise.resolve(carrier));
    }
    const currentCarrier = (id: number): Promise<ShopPortCarrier | null> => {
      let found = byId.get(id);
      if (!found) {
        // An id of an older version: the shop resolves it to the current one.
        found = this.ask('getCarrier', () => this.shop.getCarrier(id));
        found.catch(() => byId.delete(id));
        byId.set(id, found);
      }
      return found;
    };
    const mappings = new Map<string, Promise<CarrierMappingView>>();
    return {
      currencies: new Set(currencies.map((code) => code.toUpperCase())),
      countries: Object.fromEntries(
        countries.map((country) => [country.isoA2.toUpperCase(), { name: country.name, active: country.active }]),
      ),
      carriers: [...carriers].sort((a, b) => a.id - b.id),
      currentCarrier,
      carrierMapping(marketplace, mapping) {
        let refreshed = mappings.get(marketplace);
        if (!refreshed) {
          refreshed = currentMapping(mapping, currentCarrier);
          refreshed.catch(() => mappings.delete(marketplace));
          mappings.set(marketplace, refreshed);
        }
        return refreshed;
      },
    };
  }

  /**
   * Lookups for one order. `definition` tells which lines the marketplace canceled or refused: those are not part of
   * the order and are not looked up. Throws `ShopUnavailable` when the shop cannot be asked.
   */
  async resolve(
    snapshot: MarketplaceOrderSnapshot,
    definition: Pick<MarketplaceDefinition, 'statusTable'>,
    context: ShopImportContext,
    mapping: CarrierMappingView,
  ): Promise<ImportLookups> {
    const lines = snapshot.packages
      .flatMap((item) => item.lines)
      .filter((line) => !isDroppedLine(line, definition) && searchableCandidates(line).length > 0);
    const [products, carrierMapping] = await Promise.all([
      this.products(lines),
      context.carrierMapping(snapshot.marketplace, mapping),
    ]);
    const currency = snapshot.currency?.trim().toUpperCase() ?? '';
    return {
      products,
      currencyAvailable: currency !== '' && context.currencies.has(currency),
      countries: context.countries,
      carrierMapping,
    };
  }

  private async products(lines: SnapshotLine[]): Promise<Record<string, ProductLookup>> {
    const products: Record<string, ProductLookup> = {};
    for (let start = 0; start < lines.length; start += MAX_QUERIES_PER_CALL) {
      const chunk = lines.slice(start, start + MAX_QUERIES_PER_CALL);
      const results = await this.findProducts(chunk);
      chunk.forEach((line, index) => {
        products[line.lineId] = toProductLookup(results[index], line);
      });
    }
    return products;
  }

  /** One batch; if the shop refuses it, line by line so that one odd line does not hide the others' products. */
  private async findProducts(lines: SnapshotLine[]): Promise<(ProductLookupResult | 'refused')[]> {
    const queries: ProductQuery[] = lines.map((line) => ({ candidates: searchableCandidates(line) }));
    try {
      return await this.shop.findProducts(queries);
    } catch (error) {
      if (!isShopError(error)) throw new ShopUnavailable('findProducts', { cause: error });
    }
    const results: (ProductLookupResult | 'refused')[] = [];
    for (const query of queries) {
      try {
        const [result] = await this.shop.findProducts([query]);
        results.push(result);
      } catch (error) {
        if (!isShopError(error)) throw new ShopUnavailable('findProducts', { cause: error });
        results.push('refused');
      }
    }
    return results;
  }

  private async ask<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      // A refusal is an answer; anything else means the shop could not be asked.
      if (isShopError(error)) throw error;
      throw new ShopUnavailable(operation, { cause: error });
    }
  }
}

function searchableCandidates(line: SnapshotLine): string[] {
  return productCandidates(line)
    .map((candidate) => candidate.value)
    .filter((value) => value.length <= MAX_CANDIDATE_LENGTH);
}

const FIELD_OF_STRATEGY: Record<string, ProductMatchField> = {
  reference: 'reference',
  ean13: 'ean',
  upc: 'upc',
  isbn: 'isbn',
};

function toProductLookup(result: ProductLookupResult | 'refused' | undefined, line: SnapshotLine): ProductLookup {
  if (result === 'refused') return { kind: 'invalid_id' };
  switch (result?.status) {
    case 'found': {
      const { product } = result;
      const merchantId = productCandidates(line).find((candidate) => candidate.source === 'merchant_product_id');
      const matchedBy: ProductMatchField =
        result.strategy === 'id'
          ? merchantId?.value === result.value
            ? 'merchant_id'
            : 'marketplace_id'
          : (FIELD_OF_STRATEGY[result.strategy] ?? 'other');
      return {
        kind: 'found',
        product: {
          productId: String(product.productId),
          variantId: product.attributeId ? String(product.attributeId) : null,
        },
        matchedBy,
        // "Addable" as the plugins check it: active, and enough stock for this line.
        available: product.active && product.stock >= line.quantity,
      };
    }
    case 'parent_without_variant':
      return { kind: 'parent_without_variant', productId: result.productId };
    // Several products carry this reference or EAN: picking one could ship the wrong article, so none is "found".
    case 'ambiguous':
    default:
      return { kind: 'not_found' };
  }
}

/** The mapping's shop carriers as they are now (a carrier edit creates a new version with a new id). */
async function currentMapping(
  mapping: CarrierMappingView,
  currentCarrier: (id: number) => Promise<ShopPortCarrier | null>,
): Promise<CarrierMappingView> {
  const refresh = async (carrier: ShopCarrier): Promise<ShopCarrier> => {
    const id = Number(carrier.id);
    if (!Number.isSafeInteger(id) || id <= 0) return carrier;
    const current = await currentCarrier(id);
    // A carrier the shop no longer knows is kept as mapped: the shop refuses it at creation, with its own message.
    return current ? { id: String(current.id), name: current.name, trackingUrlTemplate: current.trackingUrl } : carrier;
  };
  const [carriers, methods, defaults] = await Promise.all([
    Promise.all(mapping.carriers.map(async (entry) => ({ ...entry, shopCarrier: await refresh(entry.shopCarrier) }))),
    Promise.all(mapping.methods.map(async (entry) => ({ ...entry, shopCarrier: await refresh(entry.shopCarrier) }))),
    Promise.all(
      mapping.defaults.map(async (entry) => ({
        ...entry,
        importCarrier: entry.importCarrier ? await refresh(entry.importCarrier) : null,
      })),
    ),
  ]);
  return { carriers, methods, defaults };
}
