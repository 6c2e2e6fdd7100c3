import { COMPANIES, FIRST_NAMES, LAST_NAMES, PLACES, RELAY_POINTS, STREETS, type Place } from './buyer-data.js';
import { SANDBOX_CATALOGUE, sellables, type Sellable } from './catalogue.js';
import { IMPORT_CASES, importCaseAt, type ImportCase, type ImportCaseSpec } from './import-cases.js';
import { formatIso, type IsoStyle } from './iso-dates.js';
import type {
  LengowAddress,
  LengowCartLine,
  LengowCurrency,
  LengowDelivery,
  LengowOrder,
  LengowPackage,
  LengowTracking,
  Money,
} from './lengow-order.js';
import {
  defaultMarketplaces,
  type LengowStatus,
  type MarketplaceDefinition,
  type SandboxMarketplaceCode,
} from './marketplaces.js';
import { SeededRandom } from './seeded-random.js';

/**
 * Deterministic order generator. Order `index` of `seed` depends only on (seed, index, updated_at), so a sandbox can
 * announce 100 000 orders and build each one only when it is served. The case of each order comes from
 * `importCaseAt`, which is what makes the import outcomes countable in advance.
 */

const MARKETPLACES = defaultMarketplaces();
const DAY_MS = 86_400_000;

/** Products the generated carts use: sold-out and disabled products are left out so outcomes do not hinge on shop options. */
const CART_SELLABLES: Sellable[] = sellables().filter((s) => {
  const product = SANDBOX_CATALOGUE.products.find((p) => String(p.id) === s.id.split('_')[0]);
  return product !== undefined && product.active && product.stock > 0;
});
const PARENT_IDS = SANDBOX_CATALOGUE.products.filter((p) => p.variants.length > 0).map((p) => String(p.id));

const GENERIC_MARKETPLACES: [SandboxMarketplaceCode, number][] = [
  ['amazon_fr', 35],
  ['cdiscount', 20],
  ['laredoute', 15],
  ['fnac', 12],
  ['manomano', 12],
  ['veepee', 6],
];

/** What the store needs to index and filter an order without building it. */
export interface OrderSkeleton {
  index: number;
  importCase: ImportCase;
  marketplace: SandboxMarketplaceCode;
  marketplaceOrderId: string;
  marketplaceStatus: string;
  lengowStatus: LengowStatus;
  updatedAtMs: number;
  importedAtMs: number;
  orderDateMs: number;
}

export interface GenerateOptions {
  accountId: number;
}

export function orderSkeleton(seed: number, index: number, updatedAtMs: number): OrderSkeleton {
  const rng = new SeededRandom(seed, index, 1);
  const importCase = importCaseAt(seed, index);
  const marketplace = pickMarketplace(importCase, rng);
  const definition = MARKETPLACES[marketplace];
  const lengowStatus = lengowStatusForCase(importCase, definition);
  const raw = definition.orders.status[lengowStatus];
  if (!raw || raw.length === 0)
    throw new Error(`marketplace ${marketplace} has no status for ${lengowStatus} (case ${importCase})`);
  const marketplaceStatus = rng.chance(0.8) ? raw[0] : rng.pick(raw);
  const marketplaceOrderId = orderIdFor(marketplace, index, rng);
  const importedAtMs = importCase === 'older_than_3_months' ? 0 : updatedAtMs - rng.int(0, 20 * 3600) * 1000;
  const orderDateMs =
    importCase === 'older_than_3_months'
      ? updatedAtMs - rng.int(100, 300) * DAY_MS - rng.int(0, 86_399) * 1000
      : importedAtMs - rng.int(2 * 60, 45 * 60) * 1000;
  return {
    index,
    importCase,
    marketplace,
    marketplaceOrderId,
    marketplaceStatus,
    lengowStatus,
    updatedAtMs,
    importedAtMs: importCase === 'older_than_3_months' ? orderDateMs + 600_000 : importedAtMs,
    orderDateMs,
  };
}

function weighted<T>(rng: SeededRandom, entries: readonly [T, number][]): T {
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let roll = rng.next() * total;
  for (const [value, w] of entries) {
    roll -= w;
    if (roll < 0) return value;
  }
  return entries[entries.length - 1][0];
}

function statusOfCase(importCase: ImportCase): LengowStatus | null {
  return importCase.startsWith('status_') ? (importCase.slice('status_'.length) as LengowStatus) : null;
}

function pickMarketplace(importCase: ImportCase, rng: SeededRandom): SandboxMarketplaceCode {
  const only = (codes: SandboxMarketplaceCode[]) =>
    weighted(
      rng,
      GENERIC_MARKETPLACES.filter(([code]) => codes.includes(code)),
    );
  const status = statusOfCase(importCase);
  if (status)
    return weighted(
      rng,
      GENERIC_MARKETPLACES.filter(([code]) => (MARKETPLACES[code].orders.status[status]?.length ?? 0) > 0),
    );
  switch (importCase) {
    case 'shipped_by_marketplace':
      return rng.chance(0.75) ? 'amazon_fr' : 'cdiscount';
    case 'line_waiting_acceptance':
      return only(['cdiscount', 'laredoute', 'fnac']);
    case 'b2b_is_business':
      return only(['amazon_fr', 'manomano']);
    case 'multi_package':
      return only(['amazon_fr', 'cdiscount', 'laredoute', 'manomano']);
    case 'relay_point':
      return only(['amazon_fr', 'cdiscount', 'laredoute']);
    case 'large_cart':
      return only(['cdiscount', 'manomano']);
    case 'match_fba_suffix':
      return 'amazon_fr';
    default:
      return weighted(rng, GENERIC_MARKETPLACES);
  }
}

function lengowStatusForCase(importCase: ImportCase, definition: MarketplaceDefinition): LengowStatus {
  const status = statusOfCase(importCase);
  if (status) return status;
  if (importCase === 'shipped_by_marketplace') return 'shipped';
  // Anonymized and old orders sit in an importable state, so the age or anonymity rule is the only reason they are skipped.
  if (importCase === 'anonymized' || importCase === 'older_than_3_months')
    return definition.orders.status.closed ? 'closed' : 'shipped';
  return 'waiting_shipment';
}

function orderIdFor(marketplace: SandboxMarketplaceCode, index: number, rng: SeededRandom): string {
  // Every format embeds the index, so ids are unique within a seed whatever the random part draws.
  switch (marketplace) {
    case 'amazon_fr':
      return `40${rng.int(2, 8)}-${rng.digits(7)}-${String(index).padStart(7, '0')}`;
    case 'cdiscount':
      return `${rng.digits(8)}${index.toString(36).toUpperCase().padStart(6, '0')}`;
    case 'laredoute':
      return `${rng.int(1, 9)}${String(index).padStart(9, '0')}-A`;
    case 'fnac':
      return `${rng.alphanumeric(4)}${index.toString(36).toUpperCase().padStart(9, '0')}`;
    case 'manomano':
      return `M${rng.digits(4)}${String(index).padStart(8, '0')}`;
    case 'veepee':
      return `VP-${rng.digits(5)}-${index}`;
  }
}

/** Reads the generated index back out of an order id (every format embeds it); null when the id is not one of ours. */
export function generatedIndexOf(marketplace: string, marketplaceOrderId: string): number | null {
  const patterns: Record<SandboxMarketplaceCode, [RegExp, number]> = {
    amazon_fr: [/^40[2-8]-\d{7}-(\d{7,})$/, 10],
    cdiscount: [/^\d{8}([0-9A-Z]{6,})$/, 36],
    laredoute: [/^[1-9](\d{9,})-A$/, 10],
    fnac: [/^[A-Z0-9]{4}([0-9A-Z]{9,})$/, 36],
    manomano: [/^M\d{4}(\d{8,})$/, 10],
    veepee: [/^VP-\d{5}-(\d+)$/, 10],
  };
  const entry = patterns[marketplace.toLowerCase() as SandboxMarketplaceCode];
  const match = entry?.[0].exec(marketplaceOrderId);
  if (!match) return null;
  const index = parseInt(match[1], entry[1]);
  return Number.isSafeInteger(index) ? index : null;
}

/**
 * The case a generated order was built for, from its marketplace and id alone (e.g. an order read back from the API),
 * or null when (seed, marketplace, id) is not a generated order.
 */
export function expectedImportCase(
  seed: number,
  marketplace: string,
  marketplaceOrderId: string,
): ({ case: ImportCase; index: number } & ImportCaseSpec) | null {
  const index = generatedIndexOf(marketplace, marketplaceOrderId);
  if (index === null) return null;
  const skeleton = orderSkeleton(seed, index, 0);
  if (skeleton.marketplace !== marketplace.toLowerCase() || skeleton.marketplaceOrderId !== marketplaceOrderId)
    return null;
  return { case: skeleton.importCase, index, ...IMPORT_CASES[skeleton.importCase] };
}

const DATE_STYLES: Record<SandboxMarketplaceCode, IsoStyle> = {
  amazon_fr: 'seconds-z',
  cdiscount: 'offset-paris',
  laredoute: 'offset-utc',
  fnac: 'offset-paris',
  manomano: 'seconds-z',
  veepee: 'offset-utc',
};

const CURRENCIES: Record<string, LengowCurrency> = {
  EUR: { iso_a3: 'EUR', symbol: '€', name: 'Euro' },
  PLN: { iso_a3: 'PLN', symbol: 'zł', name: 'Polish Zloty' },
  XYZ: { iso_a3: 'XYZ', symbol: '¤', name: 'Unknown currency' },
};

const round2 = (value: number): number => Math.round(value * 100) / 100;

interface Buyer {
  firstName: string;
  lastName: string;
  civility: string | null;
  email: string | null;
  phone: string;
  street: string;
  place: Place;
  customerId: string;
}

interface LineDraft {
  sellable: Sellable | null;
  merchantId: string | null;
  field: string | null;
  marketplaceProductId: string | null;
  title: string;
  unitPrice: number;
  taxRate: number;
  quantity: number;
  lineStatus: LengowStatus;
}

/** Builds the full order JSON for (seed, index) as it looks when its `updated_at` is `updatedAtMs`. */
export function generateOrder(seed: number, index: number, updatedAtMs: number, options: GenerateOptions): LengowOrder {
  const skeleton = orderSkeleton(seed, index, updatedAtMs);
  const rng = new SeededRandom(seed, index, 2);
  const { importCase, marketplace } = skeleton;
  const definition = MARKETPLACES[marketplace];
  const dateStyle = DATE_STYLES[marketplace];
  const moneyAsStrings = rng.chance(0.3);
  const money = (value: number): Money => (moneyAsStrings ? value.toFixed(2) : round2(value));
  const rawStatusOf = (status: LengowStatus): string =>
    status === skeleton.lengowStatus ? skeleton.marketplaceStatus : definition.orders.status[status]![0];

  const buyer = makeBuyer(rng, marketplace, index);
  const anonymized = importCase === 'anonymized';
  const fba = importCase === 'shipped_by_marketplace';

  // Packages and their lines.
  const packageCount = importCase === 'multi_package' ? (rng.chance(0.8) ? 2 : 3) : 1;
  const drafts: LineDraft[][] = [];
  for (let p = 0; p < packageCount; p++) {
    const lineCount =
      importCase === 'large_cart'
        ? 150
        : importCase === 'multi_package'
          ? rng.int(1, 2)
          : importCase === 'cancelled_line' || importCase === 'line_waiting_acceptance'
            ? rng.int(2, 3)
            : weighted(rng, [
                [1, 70],
                [2, 22],
                [3, 8],
              ] as [number, number][]);
    const lines: LineDraft[] = [];
    for (let l = 0; l < lineCount; l++) {
      const sellable = rng.pick(CART_SELLABLES);
      const quantity =
        importCase === 'large_cart'
          ? rng.int(1, 2)
          : weighted(rng, [
              [1, 75],
              [2, 18],
              [3, 7],
            ] as [number, number][]);
      lines.push(lineDraft(importCase, marketplace, sellable, quantity, skeleton.lengowStatus, rng));
    }
    drafts.push(lines);
  }
  const allDrafts = drafts.flat();
  if (importCase === 'cancelled_line') allDrafts[rng.int(1, allDrafts.length - 1)].lineStatus = 'canceled';
  if (importCase === 'line_waiting_acceptance')
    allDrafts[rng.int(1, allDrafts.length - 1)].lineStatus = 'waiting_acceptance';
  if (importCase === 'unknown_product') makeUnknown(rng.pick(allDrafts), marketplace, rng);
  if (importCase === 'parent_product') makeParent(rng.pick(allDrafts), rng);

  // Money, in the marketplace currency first.
  const currencyCode = importCase === 'unknown_currency' ? 'XYZ' : 'EUR';
  const originalCurrencyCode = importCase === 'no_exchange_rate' ? 'PLN' : currencyCode;
  const rate = originalCurrencyCode === 'PLN' ? 4.31 : 1;
  const counted = allDrafts.filter((d) => d.lineStatus !== 'canceled' && d.lineStatus !== 'refused');
  const productsTotal = round2(counted.reduce((sum, d) => sum + round2(d.unitPrice * d.quantity), 0));
  const productsTax = round2(counted.reduce((sum, d) => sum + taxOf(round2(d.unitPrice * d.quantity), d.taxRate), 0));
  const shipping = importCase === 'large_cart' ? 19.9 : fba ? 0 : rng.pick([0, 0, 4.9, 5.99, 6.5]);
  const shippingTax = taxOf(shipping, 20);
  const processingFee = marketplace === 'cdiscount' ? 0.99 : 0;
  const commission = round2(productsTotal * (marketplace === 'amazon_fr' ? 0.15 : 0.12));
  const noRate = importCase === 'no_exchange_rate';
  const account = (value: number): Money => (noRate ? money(-1) : money(value));
  const original = (value: number): Money => money(value * rate);

  const orderDate = formatIso(skeleton.orderDateMs, dateStyle);
  const lineCreated = formatIso(skeleton.orderDateMs, 'seconds-z');
  const lineUpdated = formatIso(updatedAtMs, 'seconds-z');
  const maxShipping = formatIso(skeleton.orderDateMs + 3 * DAY_MS, 'seconds-z');

  let lineCounter = 0;
  const lineIdBase = 1_000_000_000 + index * 200;
  const packages: LengowPackage[] = drafts.map((lines, p) => {
    const cart: LengowCartLine[] = lines.map((draft) => {
      const k = lineCounter++;
      const amount = round2(draft.unitPrice * draft.quantity);
      const tax = taxOf(amount, draft.taxRate);
      return {
        id: lineIdBase + k,
        marketplace_order_line_id: lineIdFor(marketplace, skeleton.marketplaceOrderId, k, rng),
        marketplace_product_id: draft.marketplaceProductId,
        merchant_product_id: { id: draft.merchantId, field: draft.field },
        marketplace_status: rawStatusOf(draft.lineStatus),
        lengow_status: draft.lineStatus,
        title: draft.title,
        category: null,
        quantity: draft.quantity,
        amount: noRate ? money(-1) : money(amount),
        tax: noRate ? money(-1) : money(tax),
        original_amount: original(amount),
        original_tax: original(tax),
        discount: null,
        shipping: null,
        refunded_amount: draft.lineStatus === 'partial_refunded' ? money(amount) : null,
        max_shipping_date: maxShipping,
        created_at: lineCreated,
        updated_at: lineUpdated,
        url_product: null,
        url_image: null,
        marketplace_package_id: packageCount > 1 ? `${skeleton.marketplaceOrderId}-P${p + 1}` : null,
        orderline_types: [],
      };
    });
    return { delivery: makeDelivery(), cart };

    function makeDelivery(): LengowDelivery {
      const address = buyerAddress('delivery', 50_000_000 + index * 4 + p, buyer, marketplace, { anonymized, fba });
      if (importCase === 'missing_delivery_country') address.common_country_iso_a2 = null;
      if (importCase === 'b2b_vat_company') address.company = companyOf(index);
      const relay = importCase === 'relay_point' ? RELAY_POINTS[index % RELAY_POINTS.length] : null;
      if (relay) {
        address.complement = `Point relais ${relay.name}`;
        address.first_line = relay.street;
        address.full_address = `${relay.street} ${address.zipcode ?? ''} ${address.city ?? ''}`.trim();
      }
      const tracking = makeTracking(p, relay, cart);
      address.trackings.push(...(tracking ? [tracking] : []));
      return address;
    }
  });

  function makeTracking(
    p: number,
    relay: (typeof RELAY_POINTS)[number] | null,
    cart: LengowCartLine[],
  ): LengowTracking | null {
    // Some channels send no tracking entry at all until shipment; the plugins then fall back to default carriers.
    if (!fba && (marketplace === 'manomano' || marketplace === 'veepee') && rng.chance(0.1)) return null;
    const carriers = Object.keys(definition.orders.carriers).filter((c) => c !== 'Other');
    const relayCarrier = carriers.find((c) => /MONDIAL/i.test(c)) ?? carriers[0];
    const carrier = relay ? relayCarrier : rng.pick(carriers);
    const shipped = ['shipped', 'closed', 'refunded', 'refunding', 'partial_refunded'].includes(skeleton.lengowStatus);
    const methods = Object.keys(definition.orders.shipping_methods);
    return {
      carrier: marketplace === 'amazon_fr' && !shipped && !fba ? null : carrier,
      method: methods.length > 0 ? (relay && methods.includes('Relay') ? 'Relay' : methods[0]) : null,
      number: shipped ? `${carrier.slice(0, 2).toUpperCase()}${rng.digits(11)}FR` : null,
      url: null,
      is_delivered_by_marketplace: fba,
      parcel_weight: null,
      shipped_at: shipped ? formatIso(skeleton.importedAtMs + (p + 1) * 3600_000, 'seconds-z') : null,
      relay: {
        id: relay ? `FR-${String(24_000 + (index % 9000)).padStart(6, '0')}` : null,
        name: relay ? relay.name : null,
      },
      marketplace_order_line_ids: cart.map((c) => c.marketplace_order_line_id),
    };
  }

  const billing: LengowAddress | null =
    importCase === 'missing_billing_address'
      ? null
      : buyerAddress('billing', 40_000_000 + index, buyer, marketplace, { anonymized, fba });
  if (billing && importCase === 'b2b_vat_company') {
    billing.company = companyOf(index);
    billing.vat_number = `FR${String(10 + (index % 89)).padStart(2, '0')}${rng.digits(9)}`;
  }

  const orderTypes: { type: string; label: string }[] = [];
  if (fba)
    orderTypes.push({
      type: 'is_delivered_by_marketplace',
      label: marketplace === 'amazon_fr' ? 'AFN' : 'Fulfillment',
    });
  if (importCase === 'b2b_is_business') orderTypes.push({ type: 'is_business', label: 'Business' });
  if (marketplace === 'amazon_fr' && !fba && rng.chance(0.2)) orderTypes.push({ type: 'is_prime', label: 'Prime' });
  if (rng.chance(0.08)) orderTypes.push({ type: 'is_express', label: 'Express' });

  const totalOrder = productsTotal + shipping;
  return {
    marketplace,
    account_id: options.accountId,
    marketplace_country_iso2: definition.country_iso_a2,
    marketplace_order_id: skeleton.marketplaceOrderId,
    merchant_order_id: null,
    marketplace_status: skeleton.marketplaceStatus,
    lengow_status: skeleton.lengowStatus,
    marketplace_order_date: orderDate,
    imported_at: formatIso(skeleton.importedAtMs, 'micro-z'),
    updated_at: formatIso(updatedAtMs, 'micro-z'),
    anonymized,
    currency: CURRENCIES[currencyCode],
    original_currency: CURRENCIES[originalCurrencyCode],
    total_order: account(totalOrder),
    total_tax: account(productsTax + shippingTax),
    shipping: account(shipping),
    discount: money(0),
    processing_fee: account(processingFee),
    commission: account(commission),
    original_total_order: original(totalOrder),
    original_total_tax: original(productsTax + shippingTax),
    original_shipping: original(shipping),
    original_discount: original(0),
    original_processing_fee: original(processingFee),
    original_commission: original(commission),
    order_types: orderTypes,
    comments: importCase === 'cancelled_line' ? 'Une ligne a été annulée par le vendeur' : null,
    marketplace_customer_id: anonymized ? null : buyer.customerId,
    invoice_number: null,
    invoice_url: null,
    order_meta: { feed_id: 70_000 + (seed % 1000), checksum: checksumOf(rng) },
    payments: [
      {
        id: 90_000_000 + index,
        checkout: null,
        status: null,
        type: marketplace === 'amazon_fr' ? 'amazon_payments' : 'marketplace',
        settled_at: formatIso(skeleton.orderDateMs, 'seconds-z'),
        payment_terms: {
          external_transaction_id: `TX-${rng.alphanumeric(10)}`,
          fiscalnb: importCase === 'b2b_fiscalnb' ? `B${rng.digits(8)}` : null,
          vat_number: null,
          siret_number: null,
        },
      },
    ],
    billing_address: billing,
    contact_address: null,
    packages,
    documents: [],
    original_total_buyer_amount: null,
    original_total_buyer_tax: null,
    original_buyer_currency: null,
  };
}

function taxOf(amountInclTax: number, rate: number): number {
  return round2(amountInclTax - amountInclTax / (1 + rate / 100));
}

function companyOf(index: number): string {
  return COMPANIES[index % COMPANIES.length];
}

function checksumOf(rng: SeededRandom): string {
  let out = '';
  for (let i = 0; i < 32; i++) out += '0123456789abcdef'[rng.int(0, 15)];
  return out;
}

/** A stable marketplace-side product id per sellable, so the same product has the same ASIN in every order. */
function marketplaceProductIdOf(marketplace: SandboxMarketplaceCode, sellable: Sellable): string {
  const code = [...sellable.id].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7);
  switch (marketplace) {
    case 'amazon_fr':
      return `B0${code.toString(36).toUpperCase().padStart(8, 'X').slice(-8)}`;
    case 'cdiscount':
      // Cdiscount lists offers by EAN.
      return sellable.ean13;
    case 'laredoute':
      return `LR${String(code % 100_000_000).padStart(8, '0')}`;
    case 'fnac':
      return `FN-${code % 10_000_000}`;
    case 'manomano':
      return `MM${code % 100_000_000}`;
    case 'veepee':
      return `VP${code % 1_000_000}`;
  }
}

function lineDraft(
  importCase: ImportCase,
  marketplace: SandboxMarketplaceCode,
  sellable: Sellable,
  quantity: number,
  status: LengowStatus,
  rng: SeededRandom,
): LineDraft {
  const base: LineDraft = {
    sellable,
    merchantId: sellable.id,
    field: 'id',
    marketplaceProductId: marketplaceProductIdOf(marketplace, sellable),
    title: sellable.name,
    unitPrice: sellable.price,
    taxRate: sellable.taxRate,
    quantity,
    lineStatus: status,
  };
  switch (importCase) {
    case 'match_by_reference':
      return {
        ...base,
        merchantId: sellable.reference,
        field: 'reference',
        marketplaceProductId: opaqueProductId(marketplace, rng),
      };
    case 'match_by_ean':
      return {
        ...base,
        merchantId: sellable.ean13,
        field: 'ean',
        marketplaceProductId: opaqueProductId(marketplace, rng),
      };
    case 'match_by_marketplace_product_id':
      return { ...base, merchantId: null, field: null, marketplaceProductId: sellable.id };
    case 'match_fba_suffix':
    case 'shipped_by_marketplace':
      return { ...base, merchantId: `${sellable.id}_FBA` };
    default:
      return base;
  }
}

/** A marketplace product id that matches nothing in the catalogue, so only the merchant id can resolve the line. */
function opaqueProductId(marketplace: SandboxMarketplaceCode, rng: SeededRandom): string {
  return marketplace === 'cdiscount' ? `299${rng.digits(10)}` : `X${rng.alphanumeric(9)}`;
}

function makeUnknown(draft: LineDraft, marketplace: SandboxMarketplaceCode, rng: SeededRandom): void {
  const id = String(rng.int(8000, 8999));
  draft.sellable = null;
  draft.merchantId = id;
  draft.field = 'id';
  draft.marketplaceProductId = opaqueProductId(marketplace, rng);
  draft.title = `Article retiré du catalogue ${id}`;
}

function makeParent(draft: LineDraft, rng: SeededRandom): void {
  draft.sellable = null;
  draft.merchantId = rng.pick(PARENT_IDS);
  draft.field = 'id';
  draft.marketplaceProductId = `X${rng.alphanumeric(9)}`;
}

function lineIdFor(marketplace: SandboxMarketplaceCode, orderId: string, k: number, rng: SeededRandom): string {
  if (marketplace === 'amazon_fr') return `${rng.digits(12)}${String(k).padStart(3, '0')}`;
  return `${orderId}-${k + 1}`;
}

function makeBuyer(rng: SeededRandom, marketplace: SandboxMarketplaceCode, index: number): Buyer {
  const firstName = rng.pick(FIRST_NAMES);
  const lastName = rng.pick(LAST_NAMES);
  // Mostly France, some neighbours; the generator never invents a country the shop could not know.
  const place = rng.chance(0.85) ? rng.pick(PLACES.filter((p) => p.country === 'FR')) : rng.pick(PLACES);
  const civilities: Record<SandboxMarketplaceCode, string[] | null> = {
    amazon_fr: null,
    cdiscount: ['MR', 'MRS'],
    laredoute: ['M.', 'Mme'],
    fnac: ['M', 'Mme'],
    manomano: ['Mr', 'Mrs'],
    veepee: null,
  };
  const local = `${rng.alphanumeric(12).toLowerCase()}`;
  const emails: Record<SandboxMarketplaceCode, string | null> = {
    amazon_fr: `${local}@marketplace.amazon-fr.example`,
    // Octopia-style shared relay address: one e-mail for every buyer, told apart only by marketplace_customer_id.
    cdiscount: 'acheteurs@relay.cdiscount.example',
    laredoute: `${local}@buyers.laredoute.example`,
    fnac: `${firstName
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z]/g, '')}.${rng.digits(4)}@mail.example`,
    manomano: `${local}@contact.manomano.example`,
    veepee: rng.chance(0.5) ? null : `${local}@membres.veepee.example`,
  };
  const civilityList = civilities[marketplace];
  return {
    firstName,
    lastName,
    civility: civilityList ? rng.pick(civilityList) : null,
    email: emails[marketplace],
    phone: rng.chance(0.5) ? `06${rng.digits(8)}` : `+336${rng.digits(8)}`,
    street: `${rng.int(1, 180)} ${rng.pick(STREETS)}`,
    place,
    customerId: `${marketplace.slice(0, 2).toUpperCase()}C${String(index * 7 + 13).padStart(9, '0')}`,
  };
}

function buyerAddress(
  type: 'billing',
  id: number,
  buyer: Buyer,
  marketplace: SandboxMarketplaceCode,
  flags: { anonymized: boolean; fba: boolean },
): LengowAddress;
function buyerAddress(
  type: 'delivery',
  id: number,
  buyer: Buyer,
  marketplace: SandboxMarketplaceCode,
  flags: { anonymized: boolean; fba: boolean },
): LengowDelivery;
function buyerAddress(
  type: 'billing' | 'delivery',
  id: number,
  buyer: Buyer,
  marketplace: SandboxMarketplaceCode,
  flags: { anonymized: boolean; fba: boolean },
): LengowAddress | LengowDelivery {
  const { place } = buyer;
  const fullAddress = `${buyer.street} ${place.zipcode} ${place.city}`;
  const address: LengowAddress = {
    id,
    type,
    company: null,
    civility: buyer.civility,
    email: buyer.email,
    first_name: buyer.firstName,
    last_name: buyer.lastName,
    full_name: `${buyer.firstName} ${buyer.lastName}`,
    first_line: buyer.street,
    second_line: null,
    complement: null,
    full_address: fullAddress,
    zipcode: place.zipcode,
    city: place.city,
    state_region: null,
    common_country_iso_a2: place.country,
    phone_home: null,
    // Cdiscount sends placeholder phones the plugins have to clean.
    phone_office: marketplace === 'cdiscount' && id % 10 === 0 ? '__' : null,
    phone_mobile: buyer.phone,
    vat_number: null,
    metas: {},
  };
  if (flags.anonymized) {
    Object.assign(address, {
      civility: null,
      email: null,
      first_name: null,
      last_name: null,
      full_name: null,
      first_line: null,
      full_address: null,
      phone_mobile: null,
      phone_office: null,
    });
  } else if (flags.fba) {
    // Marketplace-shipped orders expose little more than the town (plugins fill in "not provided").
    Object.assign(address, {
      civility: null,
      first_name: null,
      last_name: null,
      full_name: type === 'delivery' ? address.full_name : null,
      first_line: type === 'delivery' ? address.first_line : null,
      full_address: null,
      phone_mobile: null,
      phone_office: null,
    });
  }
  return type === 'delivery' ? { ...address, trackings: [] } : address;
}
