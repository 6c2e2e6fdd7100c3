import type { SqlDatabase, SqlExecutor } from '../../database/sql-database.port.js';
import { InputChecker } from '../input-checker.js';
import type { ShopCarrier } from '../shop-carrier.js';
import { ShopError, type ShopProblem } from '../shop-error.js';
import { canEngineMove } from '../shop-order-transitions.js';
import {
  SHOP_ORDER_STATES,
  shopOrderReference,
  type CreateShopOrdersInput,
  type CreateShopOrdersResult,
  type SetOrderStateResult,
  type ShopOrder,
  type ShopOrderState,
  type ShopStateDetails,
} from '../shop-order.js';
import { validateCreateOrders, validateReason } from '../validate-shop-input.js';
import { currentCarrier } from './carrier-rows.js';
import { fingerprint } from './fingerprint.js';
import { loadCatalogueByShopId } from './load-catalogue-index.js';
import { lockOrder, orderIdOf } from './lock-order.js';
import { readOrders } from './read-orders.js';
import { bool, padded, placeholders } from './sql-helpers.js';

/** Creation and engine-driven states of the built-in shop's orders. */
export class BuiltInOrders {
  constructor(
    private readonly db: SqlDatabase,
    private readonly now: () => string,
  ) {}

  async createOrders(rawKey: string, rawInput: CreateShopOrdersInput): Promise<CreateShopOrdersResult> {
    const { key, input } = validateCreateOrders(rawKey, rawInput);
    const digest = fingerprint(input);
    return this.db.transaction(async (tx) => {
      // The claim comes first: a concurrent duplicate waits here on the primary key until this transaction ends,
      // then finds the key taken and reads what was created. If this transaction rolls back, the key stays free.
      const claimed = await tx.execute(
        `INSERT INTO shop_order_requests (idempotency_key, fingerprint, marketplace, marketplace_order_id, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING`,
        [key, digest, input.marketplace, input.marketplaceOrderId, this.now()],
      );
      if (claimed === 0) return { created: false, orders: await replay(tx, key, digest) };

      const { productNames, carriers } = await checkReferences(tx, input);
      const at = this.now();
      const orders: CreateShopOrdersResult['orders'] = [];
      for (const [position, pkg] of input.packages.entries()) {
        const index = pkg.packageIndex ?? position;
        // Shipping and the processing fee are charged once, on the first package's order (lengow-api.md §9).
        const shipping = position === 0 ? input.shippingCents : 0;
        const fee = position === 0 ? input.processingFeeCents : 0;
        const products = pkg.lines.reduce((sum, line) => sum + line.amountCents!, 0);
        const carrier = pkg.carrierId == null ? null : carriers.get(pkg.carrierId)!;
        const [row] = await tx.query<{ id: number }>(
          `INSERT INTO shop_orders (idempotency_key, package_index, package_count, marketplace, marketplace_order_id,
             delivery_id, state, currency, products_cents, shipping_cents, processing_fee_cents, total_cents, customer,
             billing_address, delivery_address, carrier_id, carrier_reference_id, relay_id, is_b2b, tracking,
             technical_error_reason, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, NULL, NULL,
             $20, $20)
           RETURNING id`,
          [
            key,
            index,
            input.packages.length,
            input.marketplace,
            input.marketplaceOrderId,
            pkg.deliveryId ?? null,
            input.initialState,
            input.currency,
            products,
            shipping,
            fee,
            products + shipping + fee,
            JSON.stringify(input.customer),
            JSON.stringify(input.billingAddress),
            JSON.stringify(pkg.deliveryAddress),
            carrier?.id ?? null,
            carrier?.referenceId ?? null,
            pkg.relayId ?? null,
            bool(input.isB2B),
            at,
          ],
        );
        const orderId = Number(row.id);
        for (const [linePosition, line] of pkg.lines.entries()) {
          await tx.execute(
            `INSERT INTO shop_order_lines (order_id, position, product_id, product_name, quantity, unit_price_cents,
               amount_cents, marketplace_line_ids, refunded_quantity)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0)`,
            [
              orderId,
              linePosition,
              line.productId,
              productNames.get(line.productId)!,
              line.quantity,
              line.unitPriceCents,
              line.amountCents!,
              JSON.stringify(line.marketplaceLineIds),
            ],
          );
        }
        await appendHistory(tx, orderId, null, input.initialState, 'engine', { idempotencyKey: key }, at);
        orders.push({
          id: orderId,
          reference: shopOrderReference(orderId),
          packageIndex: index,
          deliveryId: pkg.deliveryId ?? null,
        });
      }
      return { created: true, orders };
    });
  }

  async getOrder(id: number | string): Promise<ShopOrder | null> {
    if (typeof id !== 'number' && typeof id !== 'string') return null;
    let orderId: number;
    try {
      orderId = orderIdOf(id);
    } catch {
      return null;
    }
    const [order] = await readOrders(this.db, 'id = $1', [orderId]);
    return order ?? null;
  }

  async listOrdersFor(marketplace: string, marketplaceOrderId: string): Promise<ShopOrder[]> {
    const checker = new InputChecker();
    const mp = checker.text(marketplace, 'marketplace', { max: 100 }).toLowerCase();
    const id = checker.text(marketplaceOrderId, 'marketplaceOrderId');
    checker.done();
    return readOrders(this.db, 'marketplace = $1 AND marketplace_order_id = $2', [mp, id]);
  }

  async setOrderState(
    rawOrderId: number | string,
    rawState: ShopOrderState,
    rawDetails?: ShopStateDetails,
  ): Promise<SetOrderStateResult> {
    const orderId = orderIdOf(rawOrderId);
    const checker = new InputChecker();
    const state = checker.oneOf(rawState, 'state', SHOP_ORDER_STATES);
    const details = checkDetails(checker, rawDetails);
    checker.done();
    if (state === 'technical_error' && typeof details.reason !== 'string') {
      throw ShopError.of('INVALID_SHOP_INPUT', 'details.reason: a technical error needs a reason', {
        path: 'details.reason',
      });
    }
    return this.moveTo(orderId, state, details);
  }

  async markTechnicalError(rawOrderId: number | string, reason: string): Promise<SetOrderStateResult> {
    const orderId = orderIdOf(rawOrderId);
    const checkedReason = validateReason(reason, true)!;
    return this.moveTo(orderId, 'technical_error', { reason: checkedReason });
  }

  private moveTo(orderId: number, state: ShopOrderState, details: ShopStateDetails): Promise<SetOrderStateResult> {
    return this.db.transaction(async (tx) => {
      const row = await lockOrder(tx, orderId);
      if (row.state === state) {
        const [order] = await readOrders(tx, 'id = $1', [orderId]);
        return { changed: false, order };
      }
      if (!canEngineMove(row.state, state)) {
        throw ShopError.of(
          'INVALID_STATE_TRANSITION',
          `order ${shopOrderReference(orderId)} cannot go from ${row.state} to ${state}`,
          { orderId, from: row.state, to: state },
        );
      }
      const at = this.now();
      const tracking = state === 'shipped' || state === 'shipped_by_marketplace' ? trackingFrom(details, at) : null;
      await tx.execute(
        `UPDATE shop_orders SET state = $1, updated_at = $2,
           technical_error_reason = CASE WHEN $1 = 'technical_error' THEN $3 ELSE technical_error_reason END,
           tracking = COALESCE($4, tracking)
         WHERE id = $5`,
        [state, at, typeof details.reason === 'string' ? details.reason : null, tracking, orderId],
      );
      await appendHistory(tx, orderId, row.state, state, 'engine', details, at);
      const [order] = await readOrders(tx, 'id = $1', [orderId]);
      return { changed: true, order };
    });
  }
}

export async function appendHistory(
  tx: SqlExecutor,
  orderId: number,
  from: ShopOrderState | null,
  to: ShopOrderState,
  source: 'engine' | 'merchant',
  details: object,
  at: string,
): Promise<void> {
  await tx.execute(
    'INSERT INTO shop_order_history (order_id, from_state, to_state, source, details, at) VALUES ($1, $2, $3, $4, $5, $6)',
    [orderId, from, to, source, JSON.stringify(details), at],
  );
}

/** A retried call: the same content must come with the same key, and gets the first call's orders. */
async function replay(tx: SqlExecutor, key: string, digest: string): Promise<CreateShopOrdersResult['orders']> {
  const [request] = await tx.query<{ fingerprint: string }>(
    'SELECT fingerprint FROM shop_order_requests WHERE idempotency_key = $1',
    [key],
  );
  if (request.fingerprint !== digest) {
    throw ShopError.of('IDEMPOTENCY_KEY_REUSED', `idempotency key "${key}" was already used for different orders`, {
      key,
    });
  }
  const rows = await tx.query<{ id: number; package_index: number; delivery_id: string | null }>(
    'SELECT id, package_index, delivery_id FROM shop_orders WHERE idempotency_key = $1 ORDER BY package_index',
    [key],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    reference: shopOrderReference(Number(r.id)),
    packageIndex: Number(r.package_index),
    deliveryId: r.delivery_id,
  }));
}

/**
 * Everything the orders refer to must exist in the shop: the currency, the delivery countries, each product (a
 * sellable one, not a parent with variants) and each carrier. All problems are reported together, with the plugins'
 * wording where they have one (lengow-api.md §9).
 */
async function checkReferences(
  tx: SqlExecutor,
  input: CreateShopOrdersInput,
): Promise<{ productNames: Map<string, string>; carriers: Map<number, ShopCarrier> }> {
  const problems: ShopProblem[] = [];

  const [currency] = await tx.query<{ enabled: number }>('SELECT enabled FROM shop_currencies WHERE iso_a3 = $1', [
    input.currency,
  ]);
  if (!currency || !currency.enabled) {
    problems.push({
      code: 'CURRENCY_NOT_ENABLED',
      message: `the ${input.currency} currency is not available in your shop`,
      path: 'currency',
      currency: input.currency,
    });
  }

  const countryCodes = padded([...new Set(input.packages.map((p) => p.deliveryAddress.countryIsoA2))]);
  const countries = new Map(
    (
      await tx.query<{ iso_a2: string; name: string; active: number }>(
        `SELECT iso_a2, name, active FROM shop_countries WHERE iso_a2 IN (${placeholders(countryCodes.length)})`,
        countryCodes,
      )
    ).map((c) => [c.iso_a2, c]),
  );
  input.packages.forEach((pkg, i) => {
    const code = pkg.deliveryAddress.countryIsoA2;
    const country = countries.get(code);
    if (!country || !country.active) {
      problems.push({
        code: 'COUNTRY_NOT_ACTIVE',
        message: `the country ${country?.name ?? code} in the delivery address is not active`,
        path: `packages[${i}].deliveryAddress.countryIsoA2`,
        country: code,
      });
    }
  });

  const productIds = input.packages.flatMap((p) => p.lines.map((l) => l.productId));
  const index = await loadCatalogueByShopId(tx, productIds);
  const productNames = new Map<string, string>();
  input.packages.forEach((pkg, i) =>
    pkg.lines.forEach((line, j) => {
      const result = index.resolve('id', line.productId);
      const path = `packages[${i}].lines[${j}].productId`;
      if (result.status === 'found') productNames.set(line.productId, result.product.name);
      else if (result.status === 'parent_without_variant') {
        problems.push({
          code: 'PRODUCT_VARIATION_NEEDED',
          message: `product ${line.productId} is a parent ID. Product variation is needed`,
          path,
          productId: line.productId,
        });
      } else {
        problems.push({
          code: 'UNKNOWN_PRODUCT',
          message: `product ${line.productId} could not be found`,
          path,
          productId: line.productId,
        });
      }
    }),
  );

  const carriers = new Map<number, ShopCarrier>();
  for (const [i, pkg] of input.packages.entries()) {
    if (pkg.carrierId == null || carriers.has(pkg.carrierId)) continue;
    const carrier = await currentCarrier(tx, pkg.carrierId);
    if (carrier) carriers.set(pkg.carrierId, carrier);
    else {
      problems.push({
        code: 'UNKNOWN_CARRIER',
        message: `carrier ${pkg.carrierId} does not exist in the shop`,
        path: `packages[${i}].carrierId`,
        carrierId: pkg.carrierId,
      });
    }
  }

  if (problems.length > 0) throw new ShopError(problems);
  return { productNames, carriers };
}

function checkDetails(checker: InputChecker, details: unknown): ShopStateDetails {
  if (details === undefined || details === null) return {};
  const object = checker.object(details, 'details');
  if (!object) return {};
  let json: string;
  try {
    json = JSON.stringify(object);
  } catch {
    checker.fail('details', 'must be serialisable as JSON');
    return {};
  }
  if (json.length > 20_000) checker.fail('details', 'must be at most 20000 characters as JSON');
  if (object.reason !== undefined && object.reason !== null)
    checker.text(object.reason, 'details.reason', { max: 500 });
  if (object.tracking !== undefined && object.tracking !== null) checker.object(object.tracking, 'details.tracking');
  return JSON.parse(json) as ShopStateDetails;
}

/** Tracking the engine learnt from Lengow (e.g. a marketplace-shipped order's parcel), as stored JSON, or null. */
function trackingFrom(details: ShopStateDetails, at: string): string | null {
  const t = details.tracking;
  if (!t || typeof t.trackingNumber !== 'string' || t.trackingNumber.trim() === '') return null;
  return JSON.stringify({
    carrierName: typeof t.carrierName === 'string' ? t.carrierName : null,
    trackingNumber: t.trackingNumber.trim(),
    trackingUrl: typeof t.trackingUrl === 'string' ? t.trackingUrl : null,
    shippedAt: typeof t.shippedAt === 'string' && !Number.isNaN(Date.parse(t.shippedAt)) ? t.shippedAt : at,
  });
}
