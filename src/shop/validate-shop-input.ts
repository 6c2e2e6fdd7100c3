import type { CatalogueSeed, SeedProduct, SeedVariant } from './catalogue-seed.js';
import { InputChecker } from './input-checker.js';
import type { CarrierInput } from './shop-carrier.js';
import type { ShopCountry } from './shop-country.js';
import {
  INITIAL_SHOP_ORDER_STATES,
  type CreateShopOrdersInput,
  type ShopAddress,
  type ShopCustomer,
  type ShopOrderLineInput,
  type ShopPackageInput,
} from './shop-order.js';
import { formatShopProductId, parseShopProductId } from './shop-product-id.js';
import type { ProductInput } from './shop-product.js';
import { SHOP_CONTROL_CHARACTERS, SHOP_LIMITS } from './shop-limits.js';
import type { RefundOrderInput, ShipOrderInput, ShopChangeOrigin } from './shop-status-change.js';
import type { StockLine } from './shop-stock.js';

/**
 * Shape checks of every write the port accepts, run before any SQL: they need no database, and they turn garbage
 * (null, strings for numbers, negative quantities, float cents) into one INVALID_SHOP_INPUT error instead of a
 * TypeError halfway through a transaction. Each returns a normalised copy (trimmed, canonical ids, upper-case codes).
 */

const CURRENCY = /^[A-Z]{3}$/;
const COUNTRY = /^[A-Z]{2}$/;
const { maxQuantity: MAX_QUANTITY, maxCents: MAX_CENTS } = SHOP_LIMITS;

export function checkKey(checker: InputChecker, key: unknown, path = 'key'): string {
  return checker.text(key, path, { max: 200 });
}

export function validateKey(key: unknown): string {
  const checker = new InputChecker();
  const value = checkKey(checker, key);
  checker.done();
  return value;
}

function checkProductId(checker: InputChecker, value: unknown, path: string): string {
  const text = checker.text(value, path, { max: 40 });
  if (text === '') return text;
  const parsed = parseShopProductId(text);
  if (!parsed) {
    checker.fail(path, `"${text}" is not a shop product id (<id_product> or <id_product>_<id_attribute>)`);
    return text;
  }
  return formatShopProductId(parsed);
}

export function normaliseCurrency(value: unknown): string | null {
  return typeof value === 'string' && CURRENCY.test(value.trim().toUpperCase()) ? value.trim().toUpperCase() : null;
}

function checkCurrency(checker: InputChecker, value: unknown, path: string): string {
  const code = normaliseCurrency(value);
  if (code === null) checker.fail(path, 'must be an ISO 4217 code such as EUR');
  return code ?? '';
}

function checkCountry(checker: InputChecker, value: unknown, path: string): string {
  const code = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (!COUNTRY.test(code)) checker.fail(path, 'must be an ISO 3166-1 alpha-2 code such as FR');
  return code;
}

function checkCents(checker: InputChecker, value: unknown, path: string): number {
  return checker.integer(value, path, { min: 0, max: MAX_CENTS });
}

function checkAddress(checker: InputChecker, value: unknown, path: string): ShopAddress {
  const a = checker.object(value, path) ?? {};
  return {
    // Some marketplaces send one name only; the last name is what a parcel label cannot do without.
    firstName: checker.text(a.firstName ?? '', `${path}.firstName`, { required: false }),
    lastName: checker.text(a.lastName, `${path}.lastName`),
    company: checker.optionalText(a.company, `${path}.company`),
    line1: checker.text(a.line1, `${path}.line1`),
    line2: checker.optionalText(a.line2, `${path}.line2`),
    line3: checker.optionalText(a.line3, `${path}.line3`),
    // Several countries (Ireland before Eircode, Hong Kong…) have no postcode.
    postcode: checker.text(a.postcode ?? '', `${path}.postcode`, { required: false, max: SHOP_LIMITS.maxPostcode }),
    city: checker.text(a.city, `${path}.city`),
    stateRegion: checker.optionalText(a.stateRegion, `${path}.stateRegion`),
    countryIsoA2: checkCountry(checker, a.countryIsoA2, `${path}.countryIsoA2`),
    phone: checker.optionalText(a.phone, `${path}.phone`, SHOP_LIMITS.maxPhone),
    email: checker.optionalText(a.email, `${path}.email`),
    vatNumber: checker.optionalText(a.vatNumber, `${path}.vatNumber`, SHOP_LIMITS.maxVatNumber),
  };
}

function checkCustomer(checker: InputChecker, value: unknown, path: string): ShopCustomer {
  const c = checker.object(value, path) ?? {};
  return {
    email: checker.text(c.email, `${path}.email`),
    firstName: checker.text(c.firstName ?? '', `${path}.firstName`, { required: false }),
    lastName: checker.text(c.lastName, `${path}.lastName`),
    company: checker.optionalText(c.company, `${path}.company`),
    phone: checker.optionalText(c.phone, `${path}.phone`, SHOP_LIMITS.maxPhone),
    marketplaceCustomerId: checker.optionalText(c.marketplaceCustomerId, `${path}.marketplaceCustomerId`),
  };
}

function checkOrderLine(checker: InputChecker, value: unknown, path: string): ShopOrderLineInput {
  const l = checker.object(value, path) ?? {};
  const quantity = checker.integer(l.quantity, `${path}.quantity`, { min: 1, max: MAX_QUANTITY });
  const unitPriceCents = checkCents(checker, l.unitPriceCents, `${path}.unitPriceCents`);
  const amountCents =
    l.amountCents === undefined || l.amountCents === null
      ? unitPriceCents * quantity
      : checkCents(checker, l.amountCents, `${path}.amountCents`);
  return {
    productId: checkProductId(checker, l.productId, `${path}.productId`),
    quantity,
    unitPriceCents,
    amountCents,
    marketplaceLineIds: checker
      .array(l.marketplaceLineIds ?? [], `${path}.marketplaceLineIds`, { max: 1000 })
      .map((id, i) => checker.text(id, `${path}.marketplaceLineIds[${i}]`)),
  };
}

/** Kept in a text column of its own, where PostgreSQL refuses NUL, and handed to the carrier as written. */
function checkRelayId(checker: InputChecker, value: unknown, path: string): string | null {
  const relayId = checker.optionalText(value, path);
  if (relayId !== null && SHOP_CONTROL_CHARACTERS.test(relayId))
    checker.fail(path, 'must not contain control characters');
  return relayId;
}

function checkPackage(checker: InputChecker, value: unknown, path: string): ShopPackageInput {
  const p = checker.object(value, path) ?? {};
  return {
    packageIndex: checker.optionalInteger(p.packageIndex, `${path}.packageIndex`, { min: 0, max: 1000 }) ?? undefined,
    deliveryId: checker.optionalText(p.deliveryId, `${path}.deliveryId`),
    deliveryAddress: checkAddress(checker, p.deliveryAddress, `${path}.deliveryAddress`),
    carrierId: checker.optionalInteger(p.carrierId, `${path}.carrierId`, { min: 1 }),
    relayId: checkRelayId(checker, p.relayId, `${path}.relayId`),
    lines: checker
      .array(p.lines, `${path}.lines`, { min: 1, max: 1000 })
      .map((line, i) => checkOrderLine(checker, line, `${path}.lines[${i}]`)),
  };
}

export function validateCreateOrders(key: unknown, input: unknown): { key: string; input: CreateShopOrdersInput } {
  const checker = new InputChecker();
  const checkedKey = checkKey(checker, key);
  const o = checker.object(input, 'input') ?? {};
  const checked: CreateShopOrdersInput = {
    marketplace: checker.text(o.marketplace, 'marketplace', { max: 100 }).toLowerCase(),
    marketplaceOrderId: checker.text(o.marketplaceOrderId, 'marketplaceOrderId'),
    currency: checkCurrency(checker, o.currency, 'currency'),
    customer: checkCustomer(checker, o.customer, 'customer'),
    billingAddress: checkAddress(checker, o.billingAddress, 'billingAddress'),
    packages: checker
      .array(o.packages, 'packages', { min: 1, max: 100 })
      .map((p, i) => checkPackage(checker, p, `packages[${i}]`)),
    shippingCents: checkCents(checker, o.shippingCents ?? 0, 'shippingCents'),
    processingFeeCents: checkCents(checker, o.processingFeeCents ?? 0, 'processingFeeCents'),
    isB2B: checker.boolean(o.isB2B ?? false, 'isB2B'),
    initialState: checker.oneOf(o.initialState ?? 'awaiting_shipment', 'initialState', INITIAL_SHOP_ORDER_STATES),
  };
  const indexes = checked.packages.map((p, i) => p.packageIndex ?? i);
  if (new Set(indexes).size !== indexes.length) checker.fail('packages', 'package indexes must be distinct');
  checker.done();
  return { key: checkedKey, input: checked };
}

/** Lines naming the same product are summed, and the result sorted by id so that concurrent stock updates lock rows in
 * one order (no deadlock between two decrements touching the same products). The sum is one movement of the product,
 * held to the same limit as a line: lines each within it could otherwise move any number of units. */
export function validateStockLines(key: unknown, lines: unknown): { key: string; lines: StockLine[] } {
  const checker = new InputChecker();
  const checkedKey = checkKey(checker, key);
  const merged = new Map<string, { quantity: number; lines: number[]; linesValid: boolean }>();
  checker.array(lines, 'lines', { min: 1, max: 1000 }).forEach((value, i) => {
    const l = checker.object(value, `lines[${i}]`) ?? {};
    const productId = checkProductId(checker, l.productId, `lines[${i}].productId`);
    const quantity = checker.integer(l.quantity, `lines[${i}].quantity`, { min: 1, max: MAX_QUANTITY });
    const entry = merged.get(productId) ?? { quantity: 0, lines: [], linesValid: true };
    entry.quantity += quantity;
    entry.lines.push(i);
    entry.linesValid &&= quantity <= MAX_QUANTITY;
    merged.set(productId, entry);
  });
  for (const [productId, entry] of merged) {
    // A line past the limit is refused on its own path already; its sum would only say it again.
    if (entry.quantity > MAX_QUANTITY && entry.linesValid)
      checker.fail(
        'lines',
        `${entry.lines.map((i) => `lines[${i}]`).join(', ')} of product ${productId} add up to ${entry.quantity}: must be at most ${MAX_QUANTITY}`,
      );
  }
  checker.done();
  const sorted = [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { key: checkedKey, lines: sorted.map(([productId, { quantity }]) => ({ productId, quantity })) };
}

export function validateProductInput(input: unknown): Required<Pick<ProductInput, 'id' | 'name'>> & ProductInput {
  const checker = new InputChecker();
  const p = checker.object(input, 'product') ?? {};
  const checked: Required<Pick<ProductInput, 'id' | 'name'>> & ProductInput = {
    id: checkProductId(checker, p.id, 'id'),
    name: checker.text(p.name, 'name'),
  };
  for (const field of ['reference', 'ean13', 'upc', 'isbn'] as const) {
    if (p[field] !== undefined) checked[field] = checker.optionalText(p[field], field, 64);
  }
  if (p.active !== undefined) checked.active = checker.boolean(p.active, 'active');
  if (p.stock !== undefined)
    checked.stock = checker.integer(p.stock, 'stock', { min: -MAX_QUANTITY, max: MAX_QUANTITY * 1000 });
  if (p.priceCents !== undefined) checked.priceCents = checkCents(checker, p.priceCents, 'priceCents');
  checker.done();
  return checked;
}

export function validateStock(productId: unknown, quantity: unknown): { productId: string; quantity: number } {
  const checker = new InputChecker();
  const checked = {
    productId: checkProductId(checker, productId, 'productId'),
    quantity: checker.integer(quantity, 'quantity', { min: -MAX_QUANTITY, max: MAX_QUANTITY * 1000 }),
  };
  checker.done();
  return checked;
}

export function validateCurrency(isoA3: unknown): string {
  const checker = new InputChecker();
  const code = checkCurrency(checker, isoA3, 'currency');
  checker.done();
  return code;
}

export function validateCountry(
  isoA2: unknown,
  active: unknown,
  name: unknown,
): { isoA2: string; active: boolean; name: string | null } {
  const checker = new InputChecker();
  const checked = {
    isoA2: checkCountry(checker, isoA2, 'isoA2'),
    active: checker.boolean(active, 'active'),
    name: checker.optionalText(name, 'name', 100),
  };
  checker.done();
  return checked;
}

function checkCarrier(checker: InputChecker, value: unknown, path: string, partial: boolean): Partial<CarrierInput> {
  const c = checker.object(value, path) ?? {};
  const checked: Partial<CarrierInput> = {};
  if (!partial || c.name !== undefined) checked.name = checker.text(c.name, `${path}.name`, { max: 100 });
  if (c.trackingUrl !== undefined) {
    checked.trackingUrl = checker.optionalText(c.trackingUrl, `${path}.trackingUrl`, 1000);
    if (checked.trackingUrl && !/^https?:\/\//i.test(checked.trackingUrl)) {
      checker.fail(`${path}.trackingUrl`, 'must be an http(s) URL template');
    }
  }
  return checked;
}

export function validateCarrierInput(input: unknown, partial = false): Partial<CarrierInput> {
  const checker = new InputChecker();
  const checked = checkCarrier(checker, input, 'carrier', partial);
  checker.done();
  return checked;
}

export function validateShipInput(input: unknown): ShipOrderInput {
  const checker = new InputChecker();
  const s = checker.object(input, 'shipment') ?? {};
  const checked: ShipOrderInput = {
    carrierId: checker.optionalInteger(s.carrierId, 'carrierId', { min: 1 }),
    carrierName: checker.optionalText(s.carrierName, 'carrierName', 100),
    trackingNumber: checker.text(s.trackingNumber, 'trackingNumber', { max: 100 }),
    trackingUrl: checker.optionalText(s.trackingUrl, 'trackingUrl', 1000),
    shippedAt: checker.isoDate(s.shippedAt, 'shippedAt'),
  };
  // A tracking number goes to the marketplace and the buyer as typed: a control character in it is a slip, never data.
  if (SHOP_CONTROL_CHARACTERS.test(checked.trackingNumber))
    checker.fail('trackingNumber', 'must not contain control characters');
  checker.done();
  return checked;
}

export function validateRefundInput(input: unknown): RefundOrderInput {
  const checker = new InputChecker();
  const r = input === undefined || input === null ? {} : (checker.object(input, 'refund') ?? {});
  const checked: RefundOrderInput = { reason: checker.optionalText(r.reason, 'reason', 500) };
  if (r.lines !== undefined && r.lines !== null) {
    const merged = new Map<number, number>();
    checker.array(r.lines, 'lines', { min: 1, max: 1000 }).forEach((value, i) => {
      const l = checker.object(value, `lines[${i}]`) ?? {};
      const lineId = checker.integer(l.lineId, `lines[${i}].lineId`, { min: 1 });
      const quantity = checker.integer(l.quantity, `lines[${i}].quantity`, { min: 1, max: MAX_QUANTITY });
      merged.set(lineId, (merged.get(lineId) ?? 0) + quantity);
    });
    checked.lines = [...merged.entries()].map(([lineId, quantity]) => ({ lineId, quantity }));
  }
  checker.done();
  return checked;
}

export function validateReason(reason: unknown, required: boolean): string | null {
  const checker = new InputChecker();
  const text = required ? checker.text(reason, 'reason', { max: 500 }) : checker.optionalText(reason, 'reason', 500);
  checker.done();
  return text;
}

/**
 * The origin of a merchant change made through the engine; absent or null → null. Only its four fields are kept, so
 * nothing else handed with them reaches the table. Each is bounded like any shop text (the doors give at most 200
 * characters) and free of control characters, as it ends up in event metadata.
 */
export function validateChangeOrigin(origin: unknown): ShopChangeOrigin | null {
  if (origin === undefined || origin === null) return null;
  const checker = new InputChecker();
  const o = checker.object(origin, 'origin') ?? {};
  const checked: ShopChangeOrigin = {
    actor: checker.text(o.actor, 'origin.actor'),
    commandId: checker.text(o.commandId, 'origin.commandId'),
    correlationId: checker.optionalText(o.correlationId, 'origin.correlationId'),
    causationId: checker.optionalText(o.causationId, 'origin.causationId'),
  };
  for (const [field, value] of Object.entries(checked)) {
    if (typeof value === 'string' && SHOP_CONTROL_CHARACTERS.test(value))
      checker.fail(`origin.${field}`, 'must not contain control characters');
  }
  checker.done();
  return checked;
}

function checkSeedItem(
  checker: InputChecker,
  value: unknown,
  path: string,
): Omit<SeedVariant, 'attributeId'> & { raw: Record<string, unknown> } {
  const p = checker.object(value, path) ?? {};
  return {
    raw: p,
    name: checker.text(p.name, `${path}.name`),
    reference: checker.optionalText(p.reference, `${path}.reference`, 64),
    ean13: checker.optionalText(p.ean13, `${path}.ean13`, 64),
    upc: checker.optionalText(p.upc, `${path}.upc`, 64),
    isbn: checker.optionalText(p.isbn, `${path}.isbn`, 64),
    active: checker.boolean(p.active ?? true, `${path}.active`),
    stock: checker.integer(p.stock ?? 0, `${path}.stock`, { min: -MAX_QUANTITY, max: MAX_QUANTITY * 1000 }),
    priceCents: checkCents(checker, p.priceCents ?? 0, `${path}.priceCents`),
  };
}

export function validateSeed(input: unknown): Required<CatalogueSeed> {
  const checker = new InputChecker();
  const s = checker.object(input, 'catalogue') ?? {};
  const products: SeedProduct[] = checker.array(s.products ?? [], 'products', { max: 100_000 }).map((value, i) => {
    const { raw, ...item } = checkSeedItem(checker, value, `products[${i}]`);
    const id = checker.integer(raw.id, `products[${i}].id`, { min: 1 });
    const variants = checker.array(raw.variants ?? [], `products[${i}].variants`, { max: 1000 }).map((v, j) => {
      const { raw: rawVariant, ...variant } = checkSeedItem(checker, v, `products[${i}].variants[${j}]`);
      return {
        ...variant,
        attributeId: checker.integer(rawVariant.attributeId, `products[${i}].variants[${j}].attributeId`, { min: 1 }),
      };
    });
    return { ...item, id, variants };
  });
  const countries: ShopCountry[] = checker.array(s.countries ?? [], 'countries', { max: 300 }).map((value, i) => {
    const c = checker.object(value, `countries[${i}]`) ?? {};
    return {
      isoA2: checkCountry(checker, c.isoA2, `countries[${i}].isoA2`),
      name: checker.text(c.name, `countries[${i}].name`, { max: 100 }),
      active: checker.boolean(c.active ?? true, `countries[${i}].active`),
    };
  });
  const checked: Required<CatalogueSeed> = {
    products,
    currencies: checker
      .array(s.currencies ?? [], 'currencies', { max: 300 })
      .map((c, i) => checkCurrency(checker, c, `currencies[${i}]`)),
    countries,
    carriers: checker
      .array(s.carriers ?? [], 'carriers', { max: 1000 })
      .map((c, i) => checkCarrier(checker, c, `carriers[${i}]`, false) as CarrierInput),
  };
  checker.done();
  return checked;
}
