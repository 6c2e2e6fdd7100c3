import type { SqlDatabase } from '../../database/sql-database.port.js';
import type { CatalogueSeed, SeedReport } from '../catalogue-seed.js';
import type { CarrierInput, ShopCarrier } from '../shop-carrier.js';
import type { ShopCountry } from '../shop-country.js';
import type {
  CreateShopOrdersInput,
  CreateShopOrdersResult,
  SetOrderStateResult,
  ShopOrder,
  ShopOrderState,
  ShopStateDetails,
} from '../shop-order.js';
import type { LookupStrategy, ProductInput, ProductLookupResult, ProductQuery, ShopProduct } from '../shop-product.js';
import type {
  MerchantChangeResult,
  RefundOrderInput,
  ShipOrderInput,
  ShopChangeOrigin,
  ShopStatusChange,
} from '../shop-status-change.js';
import type { DecrementStockOptions, StockLine, StockMovement } from '../shop-stock.js';
import type { Shop } from '../shop.port.js';
import { validateCountry, validateCurrency } from '../validate-shop-input.js';
import { BuiltInCatalogue } from './built-in-catalogue.js';
import { BuiltInChangeFeed } from './built-in-change-feed.js';
import { BuiltInMerchantActions } from './built-in-merchant-actions.js';
import { BuiltInOrders } from './built-in-orders.js';
import { BuiltInStock } from './built-in-stock.js';
import { DEFAULT_COUNTRIES, DEFAULT_CURRENCIES } from './default-countries.js';
import { addMissingColumns, shopSchema } from './shop-schema.js';
import { bool, serialise } from './sql-helpers.js';

export interface BuiltInShopOptions {
  /** Currencies enabled when the shop first meets them (default EUR, GBP, USD); never re-enables a disabled one. */
  currencies?: readonly string[];
  /** Countries known to a fresh shop (default: see DEFAULT_COUNTRIES); an operator's change is kept across boots. */
  countries?: readonly ShopCountry[];
  /** Clock for timestamps; tests pin it. */
  now?: () => Date;
}

/**
 * The shop shipped with the engine so that it runs end to end without PrestaShop or Magento: tables prefixed `shop_`
 * in the read-model database (SQLite or PostgreSQL), money in integer cents. Call `init()` once before use.
 */
export class BuiltInShop implements Shop {
  private readonly catalogue: BuiltInCatalogue;
  private readonly orders: BuiltInOrders;
  private readonly stock: BuiltInStock;
  private readonly merchant: BuiltInMerchantActions;
  private readonly feed: BuiltInChangeFeed;
  private readonly currencies: string[];
  private readonly countries: ShopCountry[];

  constructor(
    private readonly db: SqlDatabase,
    options: BuiltInShopOptions = {},
  ) {
    const clock = options.now ?? (() => new Date());
    const now = (): string => clock().toISOString();
    // Checked here so that a bad setting fails at boot, not at the first order.
    this.currencies = (options.currencies ?? DEFAULT_CURRENCIES).map((c) => validateCurrency(c));
    this.countries = (options.countries ?? DEFAULT_COUNTRIES).map((c) => {
      const checked = validateCountry(c.isoA2, c.active, c.name);
      return { isoA2: checked.isoA2, name: checked.name ?? checked.isoA2, active: checked.active };
    });
    this.catalogue = new BuiltInCatalogue(db, now);
    this.orders = new BuiltInOrders(db, now);
    this.stock = new BuiltInStock(db, now);
    this.merchant = new BuiltInMerchantActions(db, now);
    this.feed = new BuiltInChangeFeed(db);
  }

  /** Creates the tables and the default currencies and countries; safe to run at every boot and from several processes. */
  async init(): Promise<void> {
    await this.db.transaction(async (tx) => {
      // Two processes booting together would otherwise race on CREATE TABLE IF NOT EXISTS in PostgreSQL's catalogue.
      await serialise(tx, 'shop_schema');
      for (const statement of shopSchema(tx.dialect)) await tx.execute(statement);
      await addMissingColumns(tx);
      for (const code of this.currencies) {
        await tx.execute(
          'INSERT INTO shop_currencies (iso_a3, enabled) VALUES ($1, 1) ON CONFLICT (iso_a3) DO NOTHING',
          [code],
        );
      }
      for (const country of this.countries) {
        await tx.execute(
          'INSERT INTO shop_countries (iso_a2, name, active) VALUES ($1, $2, $3) ON CONFLICT (iso_a2) DO NOTHING',
          [country.isoA2, country.name, bool(country.active)],
        );
      }
    });
  }

  findProduct(strategy: LookupStrategy, value: string): Promise<ProductLookupResult> {
    return this.catalogue.findProduct(strategy, value);
  }

  findProducts(queries: ProductQuery[]): Promise<ProductLookupResult[]> {
    return this.catalogue.findProducts(queries);
  }

  getProduct(id: string): Promise<ShopProduct | null> {
    return this.catalogue.getProduct(id);
  }

  enabledCurrencies(): Promise<string[]> {
    return this.catalogue.enabledCurrencies();
  }

  listCountries(): Promise<ShopCountry[]> {
    return this.catalogue.listCountries();
  }

  listCarriers(): Promise<ShopCarrier[]> {
    return this.catalogue.listCarriers();
  }

  getCarrier(id: number): Promise<ShopCarrier | null> {
    return this.catalogue.getCarrier(id);
  }

  createOrders(key: string, input: CreateShopOrdersInput): Promise<CreateShopOrdersResult> {
    return this.orders.createOrders(key, input);
  }

  getOrder(id: number | string): Promise<ShopOrder | null> {
    return this.orders.getOrder(id);
  }

  listOrdersFor(marketplace: string, marketplaceOrderId: string): Promise<ShopOrder[]> {
    return this.orders.listOrdersFor(marketplace, marketplaceOrderId);
  }

  setOrderState(
    orderId: number | string,
    state: ShopOrderState,
    details?: ShopStateDetails,
  ): Promise<SetOrderStateResult> {
    return this.orders.setOrderState(orderId, state, details);
  }

  markTechnicalError(orderId: number | string, reason: string): Promise<SetOrderStateResult> {
    return this.orders.markTechnicalError(orderId, reason);
  }

  decrementStock(key: string, lines: StockLine[], options?: DecrementStockOptions): Promise<StockMovement> {
    return this.stock.decrementStock(key, lines, options);
  }

  restoreStock(key: string, lines: StockLine[]): Promise<StockMovement> {
    return this.stock.restoreStock(key, lines);
  }

  shipOrder(
    orderId: number | string,
    input: ShipOrderInput,
    origin?: ShopChangeOrigin | null,
  ): Promise<MerchantChangeResult<ShopOrder>> {
    return this.merchant.shipOrder(orderId, input, origin);
  }

  cancelOrder(
    orderId: number | string,
    reason?: string | null,
    origin?: ShopChangeOrigin | null,
  ): Promise<MerchantChangeResult<ShopOrder>> {
    return this.merchant.cancelOrder(orderId, reason, origin);
  }

  refundOrder(
    orderId: number | string,
    input?: RefundOrderInput,
    origin?: ShopChangeOrigin | null,
  ): Promise<MerchantChangeResult<ShopOrder>> {
    return this.merchant.refundOrder(orderId, input, origin);
  }

  changesAfter(afterId: number, limit: number): Promise<ShopStatusChange[]> {
    return this.feed.changesAfter(afterId, limit);
  }

  upsertProduct(input: ProductInput): Promise<ShopProduct> {
    return this.catalogue.upsertProduct(input);
  }

  setStock(productId: string, quantity: number): Promise<ShopProduct> {
    return this.catalogue.setStock(productId, quantity);
  }

  enableCurrency(isoA3: string): Promise<void> {
    return this.catalogue.enableCurrency(isoA3);
  }

  disableCurrency(isoA3: string): Promise<void> {
    return this.catalogue.disableCurrency(isoA3);
  }

  setCountryActive(isoA2: string, active: boolean, name?: string): Promise<ShopCountry> {
    return this.catalogue.setCountryActive(isoA2, active, name);
  }

  addCarrier(input: CarrierInput): Promise<ShopCarrier> {
    return this.catalogue.addCarrier(input);
  }

  updateCarrier(id: number, changes: Partial<CarrierInput>): Promise<ShopCarrier> {
    return this.catalogue.updateCarrier(id, changes);
  }

  seed(catalogue: CatalogueSeed): Promise<SeedReport> {
    return this.catalogue.seed(catalogue);
  }
}
