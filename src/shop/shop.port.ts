import type { CatalogueSeed, SeedReport } from './catalogue-seed.js';
import type { CarrierInput, ShopCarrier } from './shop-carrier.js';
import type { ShopCountry } from './shop-country.js';
import type {
  CreateShopOrdersInput,
  CreateShopOrdersResult,
  SetOrderStateResult,
  ShopOrder,
  ShopOrderState,
  ShopStateDetails,
} from './shop-order.js';
import type { LookupStrategy, ProductInput, ProductLookupResult, ProductQuery, ShopProduct } from './shop-product.js';
import type {
  MerchantChangeResult,
  RefundOrderInput,
  ShipOrderInput,
  ShopChangeOrigin,
  ShopStatusChange,
} from './shop-status-change.js';
import type { DecrementStockOptions, StockLine, StockMovement } from './shop-stock.js';

/**
 * The shop the engine imports orders into. Every method that writes is atomic (all or nothing) and refuses bad input
 * with a ShopError carrying a stable `code`. Order ids accept the numeric id or the reference (`SO-000123`).
 */

/** Read side used by import validation. */
export interface ShopCatalogue {
  findProduct(strategy: LookupStrategy, value: string): Promise<ProductLookupResult>;
  /** A whole cart in one call; results in the order of the queries. */
  findProducts(queries: ProductQuery[]): Promise<ProductLookupResult[]>;
  getProduct(id: string): Promise<ShopProduct | null>;
  /** ISO 4217 codes, sorted. */
  enabledCurrencies(): Promise<string[]>;
  /** Every known country with its active flag, sorted by code. */
  listCountries(): Promise<ShopCountry[]>;
  /** Current versions of the carriers, sorted by name. */
  listCarriers(): Promise<ShopCarrier[]>;
  /** The current version of the carrier that any version id (or the reference id) belongs to. */
  getCarrier(id: number): Promise<ShopCarrier | null>;
}

export interface ShopOrders {
  /**
   * Creates one shop order per package. Idempotent by `key`, enforced by a unique constraint in the database: a
   * second call with the same key (sequential or concurrent, from any process) creates nothing and returns the first
   * call's orders; the same key with different content is refused with IDEMPOTENCY_KEY_REUSED. Does not touch stock.
   */
  createOrders(key: string, input: CreateShopOrdersInput): Promise<CreateShopOrdersResult>;
  getOrder(id: number | string): Promise<ShopOrder | null>;
  /** Every shop order created for one marketplace order, re-imports included, oldest first. */
  listOrdersFor(marketplace: string, marketplaceOrderId: string): Promise<ShopOrder[]>;
  /**
   * Moves an order to the state the engine learnt from Lengow. Invalid moves are refused with
   * INVALID_STATE_TRANSITION; the current state again is a no-op. Not written to the change feed: the engine raised
   * it, and echoing it back would send Lengow an action for its own status (lengow-api.md §9, status hooks).
   */
  setOrderState(
    orderId: number | string,
    state: ShopOrderState,
    details?: ShopStateDetails,
  ): Promise<SetOrderStateResult>;
  /**
   * Parks an order replaced by a re-import ("Technical error - Lengow", §11). Stock is not touched: giving the old
   * order's units back is an explicit restoreStock by the engine.
   */
  markTechnicalError(orderId: number | string, reason: string): Promise<SetOrderStateResult>;
}

export interface ShopStock {
  /**
   * Takes stock exactly once per key, even under concurrent duplicates; see DecrementStockOptions for shortfalls. A
   * product the catalogue does not have as named (UNKNOWN_PRODUCT, PRODUCT_VARIATION_NEEDED) refuses the whole call
   * with the `productId` on each problem, taking nothing and leaving the key unused: the engine records it on the
   * order, and the operator's retry after fixing the catalogue must be able to succeed under the same key.
   */
  decrementStock(key: string, lines: StockLine[], options?: DecrementStockOptions): Promise<StockMovement>;
  /** Gives stock back (compensation); exactly once per key. Keys are separate from decrement keys. */
  restoreStock(key: string, lines: StockLine[]): Promise<StockMovement>;
}

/**
 * What the merchant does in the shop; each change is recorded and appended to the change feed. `origin` is given when
 * the engine makes the change on behalf of a command (HTTP, NATS, CLI, dashboard): a shop that can, keeps it with the
 * feed entry, atomically with the change, and returns it on the entry (here and from `changesAfter`). A call that
 * changes nothing keeps nothing. Malformed, it is refused with INVALID_SHOP_INPUT like any other argument.
 */
export interface ShopMerchantActions {
  shipOrder(
    orderId: number | string,
    input: ShipOrderInput,
    origin?: ShopChangeOrigin | null,
  ): Promise<MerchantChangeResult<ShopOrder>>;
  cancelOrder(
    orderId: number | string,
    reason?: string | null,
    origin?: ShopChangeOrigin | null,
  ): Promise<MerchantChangeResult<ShopOrder>>;
  refundOrder(
    orderId: number | string,
    input?: RefundOrderInput,
    origin?: ShopChangeOrigin | null,
  ): Promise<MerchantChangeResult<ShopOrder>>;
}

export interface ShopChangeFeed {
  /**
   * Changes with an id greater than `afterId`, oldest first, at most `limit` (1…1000). Ids grow with commit order,
   * so a consumer that stores the last id it handled never skips a change.
   *
   * Each entry carries the origin its merchant action was given, or null. A shop that cannot store one (a real shop
   * with no room for it) ignores the argument and answers null, which stays correct but coarser: an engine process
   * that reads such a change in its feed before the commanding process has recorded it records it as the engine's
   * own (actor `system`, a correlation of its own), as it does for a change the merchant made in the shop directly.
   * Within one process the feed poller's lock still lets the command record first; across processes nothing does.
   */
  changesAfter(afterId: number, limit: number): Promise<ShopStatusChange[]>;
}

/** Catalogue administration for operators and tests ("Not imported → fix the catalogue → re-import"). */
export interface ShopAdministration {
  upsertProduct(input: ProductInput): Promise<ShopProduct>;
  setStock(productId: string, quantity: number): Promise<ShopProduct>;
  enableCurrency(isoA3: string): Promise<void>;
  disableCurrency(isoA3: string): Promise<void>;
  setCountryActive(isoA2: string, active: boolean, name?: string): Promise<ShopCountry>;
  addCarrier(input: CarrierInput): Promise<ShopCarrier>;
  /** Creates a new version (new id, same referenceId), as PrestaShop does on every carrier edit. */
  updateCarrier(id: number, changes: Partial<CarrierInput>): Promise<ShopCarrier>;
  seed(catalogue: CatalogueSeed): Promise<SeedReport>;
}

export interface Shop
  extends ShopCatalogue, ShopOrders, ShopStock, ShopMerchantActions, ShopChangeFeed, ShopAdministration {}

/** Nest injection token for the Shop. */
export const SHOP = Symbol('SHOP');
