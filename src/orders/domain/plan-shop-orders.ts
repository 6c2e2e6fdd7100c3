import type { ShopCarrier } from './carrier-mapping.js';
import { isBusinessOrder } from './detect-business-order.js';
import { idempotencyKeys } from './idempotency-keys.js';
import { quoted } from './import-failure.js';
import type { ShopProductRef } from './import-lookups.js';
import type { ImportSettings } from './import-settings.js';
import type { LengowStatus } from './lengow-status.js';
import type { MarketplaceOrderSnapshot, OrderAddress, PackageTracking } from './marketplace-order-snapshot.js';
import { divideMoney, sumMoney } from './money.js';
import type { FilledInField } from './normalise-addresses.js';
import type { OrderKey } from './order-key.js';
import type { CarrierResolvedBy } from './resolve-import-carrier.js';
import type { ValidatedPackage } from './validate-order.js';

export interface SourceLine {
  readonly marketplaceLineId: string;
  readonly quantity: number;
  readonly amount: number;
}

/** One shop order line; several marketplace lines resolving to the same product are merged into it. */
export interface PlannedLine {
  readonly product: ShopProductRef;
  readonly title: string | null;
  readonly quantity: number;
  /** Line total including tax. */
  readonly amount: number;
  readonly unitPrice: number;
  readonly sourceLines: readonly SourceLine[];
}

export interface ShopOrderAmounts {
  readonly products: number;
  readonly shipping: number;
  readonly processingFee: number;
  readonly total: number;
}

/** Initial shop state at creation (lengow-api.md §6). */
export type InitialShopState = 'accepted' | 'shipped' | 'shipped_by_marketplace';

export interface PlannedShopOrder {
  /** Idempotency key the shop port deduplicates on. */
  readonly key: string;
  readonly packageIndex: number;
  readonly deliveryId: string;
  readonly deliveryAddress: OrderAddress;
  /** The marketplace's carrier, method, tracking number and relay, kept for the ship action. */
  readonly tracking: PackageTracking | null;
  readonly carrier: ShopCarrier;
  readonly carrierResolvedBy: CarrierResolvedBy;
  readonly lines: readonly PlannedLine[];
  readonly amounts: ShopOrderAmounts;
  readonly initialState: InitialShopState;
}

export interface StockDecrementPlan {
  readonly key: string;
  readonly lines: readonly { readonly product: ShopProductRef; readonly quantity: number }[];
}

export interface PlannedCustomer {
  readonly email: string | null;
  /** Identity to use instead of the e-mail when marketplaces share relay addresses (plugin #120). */
  readonly marketplaceCustomerId: string | null;
  readonly billingAddress: OrderAddress;
}

export interface ShopOrderPlan {
  readonly generation: number;
  readonly marketplaceStatus: string;
  readonly lengowStatus: LengowStatus;
  readonly currency: string;
  readonly customer: PlannedCustomer;
  readonly business: boolean;
  readonly shippedByMarketplace: boolean;
  readonly shopOrders: readonly PlannedShopOrder[];
  readonly filledIn: readonly FilledInField[];
  /** Null when this import must not touch stock (re-import, marketplace-shipped orders by default). */
  readonly stockDecrement: StockDecrementPlan | null;
  readonly merchantOrderIdsKey: string;
}

export interface PlanShopOrdersInput {
  readonly orderKey: OrderKey;
  readonly generation: number;
  readonly snapshot: MarketplaceOrderSnapshot;
  readonly billing: OrderAddress;
  readonly packages: readonly ValidatedPackage[];
  readonly filledIn: readonly FilledInField[];
  readonly settings: Pick<ImportSettings, 'importProcessingFee'>;
  readonly lengowStatus: LengowStatus;
  readonly shippedByMarketplace: boolean;
  readonly decrementStock: boolean;
}

const productKey = (product: ShopProductRef) => `${product.productId}\u0000${product.variantId ?? ''}`;

function mergeLines(validated: ValidatedPackage['lines']): PlannedLine[] {
  const merged = new Map<string, { product: ShopProductRef; title: string | null; sources: SourceLine[] }>();
  for (const { line, product } of validated) {
    const entry = merged.get(productKey(product)) ?? { product, title: line.title, sources: [] };
    entry.sources.push({ marketplaceLineId: line.lineId, quantity: line.quantity, amount: line.amount });
    merged.set(productKey(product), entry);
  }
  return [...merged.values()].map(({ product, title, sources }) => {
    const quantity = sources.reduce((sum, source) => sum + source.quantity, 0);
    const amount = sumMoney(sources.map((source) => source.amount));
    return { product, title, quantity, amount, unitPrice: divideMoney(amount, quantity), sourceLines: sources };
  });
}

/**
 * Lengow can list the same marketplace line in several packages (sample order 1300435653832-A). Billing and
 * decrementing it per listing would charge the buyer and take stock once per copy, and the plugins are read as creating
 * only the first package's copy since PST-20038 (an inference, lengow-api.md §9): so a line counts in the first package
 * listing it.
 * Each dropped copy is noted with the imported order's filled-in notes so the audit trail explains the missing amount.
 */
function dropRepeatedLines(packages: readonly ValidatedPackage[]): {
  packages: ValidatedPackage[];
  notes: FilledInField[];
} {
  const firstListedIn = new Map<string, ValidatedPackage>();
  const notes: FilledInField[] = [];
  const kept = packages.map((item) => ({
    ...item,
    lines: item.lines.filter(({ line }) => {
      // Compared trimmed: padding is not a different line, and a copy billed twice costs more than a wrong merge.
      const id = String(line.lineId).trim();
      const first = firstListedIn.get(id);
      if (first === undefined) {
        firstListedIn.set(id, item);
        return true;
      }
      notes.push({
        address: `delivery:${item.packageIndex}`,
        field: 'line',
        value: `line ${quoted(line.lineId)} dropped: already planned in package ${first.packageIndex} (delivery ${first.deliveryId})`,
      });
      return false;
    }),
  }));
  return { packages: kept, notes };
}

function initialState(lengowStatus: LengowStatus, shippedByMarketplace: boolean): InitialShopState {
  if (shippedByMarketplace) return 'shipped_by_marketplace';
  return lengowStatus === 'shipped' || lengowStatus === 'closed' ? 'shipped' : 'accepted';
}

/**
 * Shop orders to create for a validated order (lengow-api.md §9 "Multi-package orders"): one per package that still has
 * lines, shipping and processing fee on the first of them only, same-product lines merged, amounts summed exactly, each
 * marketplace line counted once.
 */
export function planShopOrders(input: PlanShopOrdersInput): ShopOrderPlan {
  const { orderKey, generation, snapshot, settings } = input;
  const state = initialState(input.lengowStatus, input.shippedByMarketplace);
  const unique = dropRepeatedLines(input.packages);
  const withLines = unique.packages.filter((item) => item.lines.length > 0);
  const shopOrders = withLines.map((item, position): PlannedShopOrder => {
    const lines = mergeLines(item.lines);
    const products = sumMoney(lines.map((planned) => planned.amount));
    const shipping = position === 0 ? sumMoney([snapshot.amounts.shipping]) : 0;
    const processingFee =
      position === 0 && settings.importProcessingFee ? sumMoney([snapshot.amounts.processingFee]) : 0;
    return {
      key: idempotencyKeys.shopOrder(orderKey, item.packageIndex, generation),
      packageIndex: item.packageIndex,
      deliveryId: item.deliveryId,
      deliveryAddress: item.deliveryAddress,
      tracking: item.tracking,
      carrier: item.carrier,
      carrierResolvedBy: item.carrierResolvedBy,
      lines,
      amounts: { products, shipping, processingFee, total: sumMoney([products, shipping, processingFee]) },
      initialState: state,
    };
  });

  const stock = new Map<string, { product: ShopProductRef; quantity: number }>();
  for (const planned of shopOrders.flatMap((order) => order.lines)) {
    const entry = stock.get(productKey(planned.product)) ?? { product: planned.product, quantity: 0 };
    stock.set(productKey(planned.product), { product: entry.product, quantity: entry.quantity + planned.quantity });
  }

  const firstDelivery = withLines[0]?.deliveryAddress ?? null;
  return {
    generation,
    marketplaceStatus: snapshot.marketplaceStatus,
    lengowStatus: input.lengowStatus,
    currency: String(snapshot.currency).trim().toUpperCase(),
    customer: {
      email: nonBlank(input.billing.email) ?? nonBlank(firstDelivery?.email),
      marketplaceCustomerId: snapshot.marketplaceCustomerId,
      billingAddress: input.billing,
    },
    business: isBusinessOrder(snapshot, input.billing),
    shippedByMarketplace: input.shippedByMarketplace,
    shopOrders,
    filledIn: [...input.filledIn, ...unique.notes],
    stockDecrement: input.decrementStock
      ? { key: idempotencyKeys.stockDecrement(orderKey), lines: [...stock.values()] }
      : null,
    merchantOrderIdsKey: idempotencyKeys.merchantOrderIds(orderKey, generation),
  };
}

/** Lengow sends an unknown email as "" rather than null; read that as absent so the delivery email can stand in. */
function nonBlank(value: string | null | undefined): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}
