import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LengowOrder, ParsedOrder } from '../../lengow/dto/lengow-order.js';
import { parseOrder } from '../../lengow/dto/parse-order.js';
import { parseMarketplaces, type MarketplaceDefinition } from '../../lengow/marketplace-definition.js';
import { IMPORT_CASES } from '../../sandbox/import-cases.js';
import { defaultMarketplaces } from '../../sandbox/marketplaces.js';
import { generateOrder, orderSkeleton } from '../../sandbox/order-generator.js';
import { isBusinessOrder } from '../domain/detect-business-order.js';
import { importDecision } from '../domain/import-decision.js';
import { DEFAULT_IMPORT_SETTINGS, type ImportSettings } from '../domain/import-settings.js';
import { lengowStatusOf } from '../domain/lengow-status.js';
import { hasOrderType, SHIPPED_BY_MARKETPLACE_ORDER_TYPE } from '../domain/marketplace-order-snapshot.js';
import { normaliseAddresses } from '../domain/normalise-addresses.js';
import { planShopOrders } from '../domain/plan-shop-orders.js';
import { productCandidates } from '../domain/product-candidates.js';
import { validateOrder } from '../domain/validate-order.js';
import { toDomainMarketplaceDefinition } from './to-domain-marketplace-definition.js';
import { toMarketplaceOrderSnapshot } from './to-marketplace-order-snapshot.js';

const SAMPLES_DIR =
  process.env.LENGOW_SAMPLES_DIR ?? fileURLToPath(new URL('../../../../shared/lengow-samples/', import.meta.url));
const samplesAvailable = existsSync(SAMPLES_DIR);
if (!samplesAvailable)
  console.warn(`SKIPPED order snapshot sample tests: ${SAMPLES_DIR} is absent (set LENGOW_SAMPLES_DIR)`);
const describeSamples = samplesAvailable ? describe : describe.skip;

const loadSample = (file: string): unknown => JSON.parse(readFileSync(`${SAMPLES_DIR}/${file}`, 'utf8'));

function typed(parsed: ParsedOrder): LengowOrder {
  if (!parsed.ok) throw new Error(`expected a typed order, got "${parsed.reason}"`);
  return parsed.order;
}

/** Orders of a sample file: a list envelope, a bare order, or something else (no orders). */
function rawOrdersOf(raw: unknown): unknown[] {
  if (raw && typeof raw === 'object' && Array.isArray((raw as { results?: unknown }).results))
    return (raw as { results: unknown[] }).results;
  if (raw && typeof raw === 'object' && 'marketplace_order_id' in raw) return [raw];
  return [];
}

const SANDBOX_DEFINITIONS: Map<string, MarketplaceDefinition> = parseMarketplaces(defaultMarketplaces())!.definitions;

function baseOrder(): LengowOrder {
  const raw = generateOrder(3, 0, Date.parse('2025-03-10T12:00:00Z'), { accountId: 4242 });
  return typed(parseOrder(JSON.parse(JSON.stringify(raw))));
}

describe('toMarketplaceOrderSnapshot', () => {
  it('files an order carrying the plugin v2 code of its marketplace under the v3 code', () => {
    const order = { ...baseOrder(), marketplace: 'amazon' };
    expect(toMarketplaceOrderSnapshot(order, { code: 'amazon_fr', legacyCode: 'Amazon' }).marketplace).toBe(
      'amazon_fr',
    );
    expect(toMarketplaceOrderSnapshot(order, { code: 'cdiscount', legacyCode: 'cdiscount' }).marketplace).toBe(
      'amazon',
    );
    expect(toMarketplaceOrderSnapshot(order).marketplace).toBe('amazon');
  });

  it('never guesses money: a line or a total without amount is NaN, absent charges are 0, -1 is kept', () => {
    const order = baseOrder();
    const [firstPackage] = order.packages;
    const broken: LengowOrder = {
      ...order,
      totalOrder: null,
      shipping: null,
      processingFee: null,
      totalTax: null,
      packages: [{ ...firstPackage, cart: [{ ...firstPackage.cart[0], amount: null }] }],
    };
    const snapshot = toMarketplaceOrderSnapshot(broken);
    expect(snapshot.amounts.total).toBeNaN();
    expect(snapshot.amounts).toMatchObject({ shipping: 0, processingFee: 0, tax: 0 });
    expect(snapshot.packages[0].lines[0].amount).toBeNaN();
    expect(toMarketplaceOrderSnapshot({ ...order, totalOrder: -1 }).amounts.total).toBe(-1);
  });

  it('keys lines by marketplace line id, else by Lengow line id, else by position', () => {
    const order = baseOrder();
    const line = order.packages[0].cart[0];
    const lines = [
      { ...line, marketplaceOrderLineId: ' ML-1 ' },
      { ...line, marketplaceOrderLineId: '  ', id: 77 },
      { ...line, marketplaceOrderLineId: null, id: null },
    ];
    const snapshot = toMarketplaceOrderSnapshot({ ...order, packages: [{ ...order.packages[0], cart: lines }] });
    // Sent back to Lengow with per-line actions, so the marketplace's id is kept exactly as written.
    expect(snapshot.packages[0].lines.map((l) => l.lineId)).toEqual([' ML-1 ', '77', '1-3']);
  });

  it('reads no status as an empty status, so the rules report it instead of guessing one', () => {
    const snapshot = toMarketplaceOrderSnapshot({ ...baseOrder(), marketplaceStatus: null });
    expect(snapshot.marketplaceStatus).toBe('');
    const definition = toDomainMarketplaceDefinition(SANDBOX_DEFINITIONS.get(snapshot.marketplace)!);
    const decision = firstSighting(snapshot, definition, 'poll');
    expect(decision).toMatchObject({ kind: 'ignore', code: 'STATUS_NOT_IMPORTABLE' });
  });

  it('maps the emulator’s generated orders faithfully, whatever their case', () => {
    const seed = 11;
    const anchor = Date.parse('2025-03-10T12:00:00Z');
    const problems: string[] = [];
    const seenCases = new Set<string>();
    for (let index = 0; index < 300; index++) {
      const updatedAtMs = anchor - 48 * 3600_000 + index * 60_000;
      // Through JSON, as the API serves it: money arrives as strings in about a third of the orders.
      const raw = JSON.parse(JSON.stringify(generateOrder(seed, index, updatedAtMs, { accountId: 4242 })));
      const order = typed(parseOrder(raw));
      const skeleton = orderSkeleton(seed, index, updatedAtMs);
      const lengowDefinition = SANDBOX_DEFINITIONS.get(order.marketplace)!;
      const definition = toDomainMarketplaceDefinition(lengowDefinition);
      const snapshot = toMarketplaceOrderSnapshot(order, lengowDefinition);
      const kase = skeleton.importCase;
      seenCases.add(kase);
      const fail = (what: string) => problems.push(`#${index} ${kase}: ${what}`);

      if (snapshot.marketplace !== skeleton.marketplace) fail(`marketplace ${snapshot.marketplace}`);
      if (snapshot.marketplaceOrderId !== skeleton.marketplaceOrderId) fail('order id');
      if (lengowStatusOf(definition.statusTable, snapshot.marketplaceStatus) !== skeleton.lengowStatus)
        fail(`status ${snapshot.marketplaceStatus} does not map to ${skeleton.lengowStatus}`);
      if (snapshot.packages.length !== raw.packages.length) fail('package count');
      snapshot.packages.forEach((item, p) => {
        if (item.deliveryId !== String(raw.packages[p].delivery.id)) fail(`delivery id of package ${p}`);
        if (item.lines.length !== raw.packages[p].cart.length) fail(`line count of package ${p}`);
        item.lines.forEach((line, l) => {
          const rawLine = raw.packages[p].cart[l];
          if (line.lineId !== rawLine.marketplace_order_line_id) fail(`line id ${line.lineId}`);
          if (line.amount !== Number(rawLine.amount)) fail(`amount ${line.amount} vs ${rawLine.amount}`);
          if (line.quantity !== rawLine.quantity) fail('quantity');
          for (const candidate of productCandidates(line))
            if (candidate.value.endsWith('_FBA')) fail(`candidate ${candidate.value} keeps _FBA`);
        });
      });
      const amounts = snapshot.amounts;
      if (amounts.total !== Number(raw.total_order)) fail(`total ${amounts.total} vs ${raw.total_order}`);
      if (![amounts.shipping, amounts.processingFee, amounts.tax].every(Number.isFinite)) fail('charges not numbers');

      const billing = normaliseAddresses(snapshot, false).billing;
      const business = kase.startsWith('b2b_');
      if (isBusinessOrder(snapshot, billing) !== business) fail(`business ${!business}`);
      const fba = hasOrderType(snapshot, SHIPPED_BY_MARKETPLACE_ORDER_TYPE);
      if (fba !== (kase === 'shipped_by_marketplace')) fail(`shipped by marketplace ${fba}`);
      if ((snapshot.billingAddress === null) !== (kase === 'missing_billing_address')) fail('billing address');
      if (kase === 'relay_point' && !snapshot.packages[0].tracking?.relayId) fail('relay id lost');
      if (kase === 'missing_delivery_country' && snapshot.packages.every((p) => p.deliveryAddress?.countryIso2))
        fail('delivery country invented');
      if (kase === 'unknown_currency' && snapshot.currency !== 'XYZ') fail(`currency ${snapshot.currency}`);
      if (kase === 'anonymized' && !snapshot.anonymized) fail('anonymized lost');
      if (kase === 'older_than_3_months' && snapshot.orderDate === null) fail('order date lost');
    }
    expect(problems).toEqual([]);
    // Every case of the generator's schedule was exercised by these 300 orders.
    expect([...seenCases].sort()).toEqual(Object.keys(IMPORT_CASES).sort());
  });
});

/** The import decision on an order seen for the first time, on 2025-03-10 at noon. */
function firstSighting(
  snapshot: Parameters<typeof importDecision>[0]['snapshot'],
  definition: Parameters<typeof importDecision>[0]['definition'],
  trigger: Parameters<typeof importDecision>[0]['trigger'],
  settings: ImportSettings = DEFAULT_IMPORT_SETTINGS,
) {
  return importDecision({
    current: { status: 'not_seen' },
    importInProgress: false,
    snapshot,
    definition,
    settings,
    nowMs: Date.parse('2025-03-10T12:00:00Z'),
    trigger,
    configurationRevision: null,
    retryAfterFix: false,
  });
}

/** A marketplace definition of the shared samples' marketplaces list, by file and code. */
function sampleDefinition(file: string, code: string): MarketplaceDefinition {
  return parseMarketplaces(loadSample(file))!.definitions.get(code)!;
}

describeSamples('toMarketplaceOrderSnapshot on the shared Lengow samples', () => {
  it('maps the 2024 WooCommerce mock with the Zalando definition it was written with', () => {
    const [raw] = rawOrdersOf(loadSample('lengow-plugin-woocommerce-mock-order-sample.json'));
    const lengowDefinition = sampleDefinition('lengow-plugin-woocommerce-mock-marketplace-sample.json', 'zalando');
    const snapshot = toMarketplaceOrderSnapshot(typed(parseOrder(raw)), lengowDefinition);
    expect(snapshot).toMatchObject({
      marketplace: 'zalando',
      marketplaceOrderId: '4UT0-000001',
      marketplaceStatus: 'exported',
      lengowStatus: 'waiting_shipment',
      orderDate: '2024-08-19T00:00:00.000Z',
      anonymized: false,
      currency: 'EUR',
      amounts: { total: 40.3, tax: 0, shipping: 4.3, processingFee: 0 },
      merchantOrderIds: null,
      payments: [],
      billingAddress: { firstName: 'TestB', countryIso2: 'FR', phoneMobile: '0600000000' },
    });
    expect(snapshot.packages).toEqual([
      {
        deliveryId: '1234',
        deliveryAddress: expect.objectContaining({ city: 'TestD', zipcode: '12345', countryIso2: 'FR' }),
        tracking: null,
        deliveredByMarketplace: false,
        lines: [
          {
            lineId: '4UT0-000001-1',
            marketplaceProductId: '30',
            merchantProductId: { id: '30', field: 'ID_PRODUCT' },
            marketplaceStatus: 'exported',
            quantity: 2,
            amount: 36,
            tax: 0,
            title: 'T-Shirt with Logo',
          },
        ],
      },
    ]);
    const definition = toDomainMarketplaceDefinition(lengowDefinition);
    expect(lengowStatusOf(definition.statusTable, snapshot.marketplaceStatus)).toBe('waiting_shipment');
  });

  it('maps the 2016 PrestaShop shape: money strings, empty merchant ids, no order date', () => {
    const [raw] = rawOrdersOf(loadSample('lengow-plugin-prestashop-fixture-import-simple-order.json'));
    const snapshot = toMarketplaceOrderSnapshot(typed(parseOrder(raw)));
    expect(snapshot).toMatchObject({
      marketplace: 'galeries_lafayette',
      marketplaceOrderId: '1300435653830-A',
      marketplaceStatus: 'WAITING_DEBIT_PAYMENT',
      orderDate: null,
      importedAt: '2015-11-23T17:10:50.098Z',
      amounts: { total: 229, shipping: 0, processingFee: 0, tax: 0 },
      merchantOrderIds: null,
      payments: [{ type: 'paypal', fiscalNb: null, vatNumber: null, siretNumber: null }],
    });
    const [line] = snapshot.packages[0].lines;
    expect(line).toMatchObject({ lineId: '1300435653833-A-1', marketplaceProductId: '2', amount: 229, quantity: 1 });
    // A merchant product id with neither id nor field leaves only the marketplace id to search the catalogue with.
    expect(productCandidates(line).map((c) => c.value)).toEqual(['2']);
  });

  it('reads an order shipped by the marketplace from its tracking flag alone, and does not take stock for it', () => {
    // The 2016 shape has no order_types: the tracking flag is the only sign that the marketplace ships the order.
    const [raw] = rawOrdersOf(loadSample('lengow-plugin-prestashop-fixture-import-order-check-shipped-mp.json'));
    const lengowDefinition = sampleDefinition(
      'lengow-plugin-prestashop-fixture-connector-marketplaces.json',
      'galeries_lafayette',
    );
    const snapshot = toMarketplaceOrderSnapshot(typed(parseOrder(raw)), lengowDefinition);
    expect(snapshot.orderTypes).toEqual([]);
    expect(snapshot.packages.map((item) => item.deliveredByMarketplace)).toEqual([true]);
    // An operator's import: a poll would stop earlier, at the order's age and at its merchant order id ["60"].
    const decide = (settings: ImportSettings) =>
      firstSighting(snapshot, toDomainMarketplaceDefinition(lengowDefinition), 'operator', settings);
    expect(decide(DEFAULT_IMPORT_SETTINGS)).toEqual({
      kind: 'ignore',
      code: 'SHIPPED_BY_MARKETPLACE',
      message: 'order shipped by Galeries Lafayette',
      lengowStatus: 'shipped',
    });
    expect(decide({ ...DEFAULT_IMPORT_SETTINGS, createShippedByMarketplace: true })).toEqual({
      kind: 'import',
      lengowStatus: 'shipped',
      shippedByMarketplace: true,
      decrementStock: false,
    });
  });

  it('plans a line Lengow lists in two packages once: one shop order of 229, one item of stock', () => {
    // Given order 1300435653832-A, whose line 1300435653833-A-1 is in both packages 7530 and 7531
    const raw = rawOrdersOf(loadSample('lengow-plugin-prestashop-fixture-import-import-orders.json')).find(
      (order) => (order as { marketplace_order_id?: unknown }).marketplace_order_id === '1300435653832-A',
    );
    const lengowDefinition = sampleDefinition(
      'lengow-plugin-prestashop-fixture-connector-marketplaces.json',
      'galeries_lafayette',
    );
    const snapshot = toMarketplaceOrderSnapshot(typed(parseOrder(raw)), lengowDefinition);
    expect(snapshot.packages.map((item) => [item.deliveryId, item.lines.map((l) => l.lineId)])).toEqual([
      ['7530', ['1300435653833-A-1']],
      ['7531', ['1300435653833-A-1']],
    ]);
    const definition = toDomainMarketplaceDefinition(lengowDefinition);
    const decision = firstSighting(snapshot, definition, 'operator');
    if (decision.kind !== 'import') throw new Error(`expected an import, got ${JSON.stringify(decision)}`);
    const product = { productId: '2', variantId: null };
    const validation = validateOrder({
      snapshot,
      definition,
      lookups: {
        products: { '1300435653833-A-1': { kind: 'found', product, matchedBy: 'marketplace_id', available: true } },
        currencyAvailable: true,
        countries: { FR: { name: 'France', active: true } },
        carrierMapping: {
          carriers: [],
          methods: [],
          defaults: [{ country: 'FR', importCarrier: { id: '1', name: 'La Poste' }, shipCarrier: null }],
        },
      },
      settings: DEFAULT_IMPORT_SETTINGS,
      shippedByMarketplace: decision.shippedByMarketplace,
    });
    if (!validation.ok) throw new Error(`expected a valid order, got ${JSON.stringify(validation.failures)}`);
    // When the shop orders are planned
    const plan = planShopOrders({
      orderKey: { marketplace: snapshot.marketplace, marketplaceOrderId: snapshot.marketplaceOrderId },
      generation: 1,
      snapshot,
      billing: validation.billing,
      packages: validation.packages,
      filledIn: validation.filledIn,
      settings: DEFAULT_IMPORT_SETTINGS,
      lengowStatus: decision.lengowStatus,
      shippedByMarketplace: decision.shippedByMarketplace,
      decrementStock: decision.decrementStock,
    });
    // Then the buyer is billed the order's total once, and one item leaves the stock
    expect(plan.shopOrders.map((order) => [order.deliveryId, order.amounts.total])).toEqual([['7530', 229]]);
    expect(plan.shopOrders[0]?.amounts.total).toBe(snapshot.amounts.total);
    expect(plan.stockDecrement?.lines).toEqual([{ product, quantity: 1 }]);
    expect(plan.filledIn).toContainEqual({
      address: 'delivery:1',
      field: 'line',
      value: 'line 1300435653833-A-1 dropped: already planned in package 0 (delivery 7530)',
    });
  });

  it('maps every typed order of every sample without losing packages, lines or identity', () => {
    const files = readdirSync(SAMPLES_DIR).filter((file) => file.endsWith('.json'));
    let mapped = 0;
    for (const file of files) {
      for (const raw of rawOrdersOf(loadSample(file))) {
        const parsed = parseOrder(raw);
        if (!parsed.ok) continue;
        const { order } = parsed;
        const snapshot = toMarketplaceOrderSnapshot(order);
        expect({ file, id: snapshot.marketplaceOrderId }).toEqual({ file, id: order.marketplaceOrderId.trim() });
        expect(snapshot.marketplace).toBe(order.marketplace);
        expect(snapshot.packages.map((p) => p.lines.length)).toEqual(order.packages.map((p) => p.cart.length));
        expect(snapshot.packages.map((p) => p.deliveryId)).toEqual(order.packages.map((p) => String(p.delivery.id)));
        for (const line of snapshot.packages.flatMap((p) => p.lines)) expect(line.lineId.trim()).not.toBe('');
        // Business signals survive: the detector gives the same answer on the snapshot as on the typed order's data.
        const billing = normaliseAddresses(snapshot, false).billing;
        const expectedBusiness =
          order.orderTypes.some((t) => t.type === 'is_business') ||
          [order.payments[0]?.paymentTerms?.fiscalnb, order.payments[0]?.paymentTerms?.vatNumber]
            .concat(order.payments[0]?.paymentTerms?.siretNumber)
            .some((v) => typeof v === 'string' && v.trim() !== '') ||
          Boolean(billing?.vatNumber?.trim() && billing?.company?.trim());
        expect({ file, business: isBusinessOrder(snapshot, billing) }).toEqual({ file, business: expectedBusiness });
        mapped++;
      }
    }
    expect(mapped).toBeGreaterThan(10);
  });
});
