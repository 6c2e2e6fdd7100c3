import { SeededRandom } from './seeded-random.js';

/**
 * The import situations of lengow-api.md §9 that the generator produces, each with the outcome the plugins' rules give
 * under their default settings (FBA creation off, bulk import, "force product" on). A downstream import engine can
 * assert its counts against `importCaseManifest` exactly.
 */
export type ImportOutcome = 'created' | 'ignored' | 'failed' | 'not_formatted';

export type ImportReason =
  | 'no_package'
  | 'no_delivery_address'
  | 'unknown_marketplace'
  | 'anonymized'
  | 'older_than_3_months'
  | 'status_not_importable'
  | 'line_waiting_acceptance'
  | 'no_products'
  | 'no_currency'
  | 'unknown_currency'
  | 'no_exchange_rate'
  | 'billing_without_country'
  | 'missing_delivery_country'
  | 'shipped_by_marketplace'
  | 'parent_product'
  | 'product_not_found';

export interface ImportCaseSpec {
  /** Orders of this case in every block of 100 generated orders. */
  weight: number;
  outcome: ImportOutcome;
  reason: ImportReason | null;
  description: string;
}

export const IMPORT_CASES = {
  standard: { weight: 34, outcome: 'created', reason: null, description: 'waiting_shipment, lines matched by shop id' },
  status_new: { weight: 2, outcome: 'ignored', reason: 'status_not_importable', description: 'Lengow status new' },
  status_waiting_acceptance: {
    weight: 2,
    outcome: 'ignored',
    reason: 'status_not_importable',
    description: 'Lengow status waiting_acceptance',
  },
  status_accepted: {
    weight: 3,
    outcome: 'ignored',
    reason: 'status_not_importable',
    description: 'Lengow status accepted',
  },
  status_shipped: { weight: 6, outcome: 'created', reason: null, description: 'Lengow status shipped, tracking set' },
  status_closed: { weight: 3, outcome: 'created', reason: null, description: 'Lengow status closed' },
  status_partial_refunded: {
    weight: 1,
    outcome: 'created',
    reason: null,
    description: 'Lengow status partial_refunded (Veepee)',
  },
  status_refused: {
    weight: 1,
    outcome: 'ignored',
    reason: 'status_not_importable',
    description: 'Lengow status refused',
  },
  status_canceled: {
    weight: 3,
    outcome: 'ignored',
    reason: 'status_not_importable',
    description: 'Lengow status canceled',
  },
  status_refunding: {
    weight: 1,
    outcome: 'ignored',
    reason: 'status_not_importable',
    description: 'Lengow status refunding',
  },
  status_refunded: {
    weight: 2,
    outcome: 'ignored',
    reason: 'status_not_importable',
    description: 'Lengow status refunded',
  },
  multi_package: {
    weight: 3,
    outcome: 'created',
    reason: null,
    description: '2 or 3 packages with distinct delivery ids',
  },
  shipped_by_marketplace: {
    weight: 4,
    outcome: 'ignored',
    reason: 'shipped_by_marketplace',
    description: 'is_delivered_by_marketplace (AFN on Amazon), _FBA product ids',
  },
  b2b_is_business: { weight: 2, outcome: 'created', reason: null, description: 'order type is_business' },
  b2b_vat_company: {
    weight: 2,
    outcome: 'created',
    reason: null,
    description: 'billing address with company and vat_number',
  },
  b2b_fiscalnb: { weight: 1, outcome: 'created', reason: null, description: 'payment_terms.fiscalnb set' },
  cancelled_line: {
    weight: 3,
    outcome: 'created',
    reason: null,
    description: 'one cart line canceled, left out of the totals',
  },
  missing_billing_address: {
    weight: 2,
    outcome: 'created',
    reason: null,
    description: 'billing_address null (copied from delivery, PS 4.2.0)',
  },
  no_exchange_rate: { weight: 1, outcome: 'failed', reason: 'no_exchange_rate', description: 'total_order -1' },
  anonymized: { weight: 2, outcome: 'ignored', reason: 'anonymized', description: 'anonymized true' },
  older_than_3_months: {
    weight: 2,
    outcome: 'ignored',
    reason: 'older_than_3_months',
    description: 'marketplace_order_date 100 to 300 days before updated_at',
  },
  unknown_product: {
    weight: 2,
    outcome: 'failed',
    reason: 'product_not_found',
    description: 'a line matching nothing in the catalogue',
  },
  unknown_currency: { weight: 1, outcome: 'failed', reason: 'unknown_currency', description: 'currency XYZ' },
  large_cart: { weight: 1, outcome: 'created', reason: null, description: '150 cart lines' },
  match_by_reference: {
    weight: 3,
    outcome: 'created',
    reason: null,
    description: 'merchant_product_id field reference',
  },
  match_by_ean: { weight: 3, outcome: 'created', reason: null, description: 'merchant_product_id field ean' },
  match_by_marketplace_product_id: {
    weight: 3,
    outcome: 'created',
    reason: null,
    description: 'no merchant id, marketplace_product_id is the shop id',
  },
  match_fba_suffix: {
    weight: 1,
    outcome: 'created',
    reason: null,
    description: 'merchant id with an _FBA suffix, shipped by the merchant',
  },
  missing_delivery_country: {
    weight: 1,
    outcome: 'failed',
    reason: 'missing_delivery_country',
    description: 'delivery common_country_iso_a2 null',
  },
  line_waiting_acceptance: {
    weight: 1,
    outcome: 'ignored',
    reason: 'line_waiting_acceptance',
    description: 'one line still waiting_acceptance',
  },
  relay_point: { weight: 3, outcome: 'created', reason: null, description: 'trackings[0].relay.id set' },
  parent_product: {
    weight: 1,
    outcome: 'failed',
    reason: 'parent_product',
    description: 'merchant id of a parent product with variants',
  },
} as const satisfies Record<string, ImportCaseSpec>;

export type ImportCase = keyof typeof IMPORT_CASES;
export const IMPORT_CASE_NAMES = Object.keys(IMPORT_CASES) as ImportCase[];

/** The case schedule repeats in blocks of this many orders, each block shuffled with its own seeded order. */
export const CASE_BLOCK_SIZE = 100;

const SLOTS: ImportCase[] = IMPORT_CASE_NAMES.flatMap((name) =>
  Array<ImportCase>(IMPORT_CASES[name].weight).fill(name),
);
if (SLOTS.length !== CASE_BLOCK_SIZE)
  throw new Error(`import case weights add up to ${SLOTS.length}, not ${CASE_BLOCK_SIZE}`);

const blockCache = new Map<string, ImportCase[]>();

function block(seed: number, blockIndex: number): ImportCase[] {
  const key = `${seed}:${blockIndex}`;
  let cases = blockCache.get(key);
  if (!cases) {
    if (blockCache.size >= 4096) blockCache.clear();
    cases = new SeededRandom(seed, blockIndex, 0xca5e).shuffle(SLOTS);
    blockCache.set(key, cases);
  }
  return cases;
}

/** The case of generated order `index` for `seed`; pure and cheap, no order is built. */
export function importCaseAt(seed: number, index: number): ImportCase {
  if (!Number.isInteger(index) || index < 0)
    throw new RangeError(`order index must be a non-negative integer, got ${index}`);
  return block(seed, Math.floor(index / CASE_BLOCK_SIZE))[index % CASE_BLOCK_SIZE];
}

export interface ImportCaseManifest {
  seed: number;
  firstIndex: number;
  count: number;
  byCase: Record<ImportCase, number>;
  byOutcome: Record<ImportOutcome, number>;
  byReason: Partial<Record<ImportReason, number>>;
}

/** Expected counts for generated orders `firstIndex .. firstIndex + count - 1` (their state as generated). */
export function importCaseManifest(seed: number, count: number, firstIndex = 0): ImportCaseManifest {
  const byCase = Object.fromEntries(IMPORT_CASE_NAMES.map((name) => [name, 0])) as Record<ImportCase, number>;
  const byOutcome: Record<ImportOutcome, number> = { created: 0, ignored: 0, failed: 0, not_formatted: 0 };
  const byReason: Partial<Record<ImportReason, number>> = {};
  for (let index = firstIndex; index < firstIndex + count; index++) {
    const name = importCaseAt(seed, index);
    const spec: ImportCaseSpec = IMPORT_CASES[name];
    byCase[name]++;
    byOutcome[spec.outcome]++;
    if (spec.reason) byReason[spec.reason] = (byReason[spec.reason] ?? 0) + 1;
  }
  return { seed, firstIndex, count, byCase, byOutcome, byReason };
}
