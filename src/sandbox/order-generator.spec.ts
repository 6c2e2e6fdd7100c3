import { matchCatalogue, SANDBOX_CATALOGUE, sellables } from './catalogue.js';
import { classifyOrder } from './classify-order.js';
import { CASE_BLOCK_SIZE, IMPORT_CASE_NAMES, IMPORT_CASES, importCaseAt, importCaseManifest } from './import-cases.js';
import { defaultMarketplaces, lengowStatusOf } from './marketplaces.js';
import { expectedImportCase, generatedIndexOf, generateOrder, orderSkeleton } from './order-generator.js';

const ANCHOR = Date.parse('2025-03-10T12:00:00Z');
const updatedAt = (index: number) => ANCHOR - 48 * 3600_000 + index * 60_000;
const build = (seed: number, index: number) => generateOrder(seed, index, updatedAt(index), { accountId: 4242 });

describe('order generator', () => {
  it('gives the same order for the same seed and index, and different orders for another seed', () => {
    for (const index of [0, 7, 99, 1234]) {
      expect(JSON.stringify(build(42, index))).toBe(JSON.stringify(build(42, index)));
    }
    expect(build(42, 5).marketplace_order_id).not.toBe(build(43, 5).marketplace_order_id);
  });

  it('does not depend on which orders were generated before', () => {
    const direct = build(9, 250);
    for (let i = 0; i < 20; i++) build(9, i);
    expect(build(9, 250)).toEqual(direct);
  });

  it('schedules every case in each block of 100 exactly as often as its weight', () => {
    const manifest = importCaseManifest(17, CASE_BLOCK_SIZE * 3);
    for (const name of IMPORT_CASE_NAMES) expect(manifest.byCase[name]).toBe(IMPORT_CASES[name].weight * 3);
    const total = Object.values(manifest.byOutcome).reduce((a, b) => a + b, 0);
    expect(total).toBe(300);
    // Shuffled per block: two blocks do not share the same order.
    const first = Array.from({ length: 100 }, (_, i) => importCaseAt(17, i)).join();
    const second = Array.from({ length: 100 }, (_, i) => importCaseAt(17, 100 + i)).join();
    expect(first).not.toBe(second);
  });

  it('produces orders whose JSON the import rules classify exactly as the manifest says', () => {
    const seed = 2024;
    const count = 500;
    const marketplaces = defaultMarketplaces();
    const mismatches: string[] = [];
    const byOutcome: Record<string, number> = {};
    for (let index = 0; index < count; index++) {
      const order = build(seed, index);
      const expected = IMPORT_CASES[importCaseAt(seed, index)];
      const actual = classifyOrder(order, { now: new Date(updatedAt(index)), marketplaces });
      byOutcome[actual.outcome] = (byOutcome[actual.outcome] ?? 0) + 1;
      if (actual.outcome !== expected.outcome || actual.reason !== expected.reason || actual.reasons.length > 1) {
        mismatches.push(
          `#${index} ${importCaseAt(seed, index)}: expected ${expected.outcome}/${expected.reason}, got ${JSON.stringify(actual)}`,
        );
      }
    }
    expect(mismatches).toEqual([]);
    const manifest = importCaseManifest(seed, count);
    expect(byOutcome).toEqual(Object.fromEntries(Object.entries(manifest.byOutcome).filter(([, n]) => n > 0)));
  });

  it('derives lengow_status from marketplace_status through the marketplace table, for order and lines', () => {
    const marketplaces = defaultMarketplaces();
    const seen = new Set<string>();
    for (let index = 0; index < 400; index++) {
      const order = build(5, index);
      const definition = marketplaces[order.marketplace];
      expect(lengowStatusOf(definition, order.marketplace_status)).toBe(order.lengow_status);
      for (const line of order.packages.flatMap((p) => p.cart)) {
        expect(lengowStatusOf(definition, line.marketplace_status)).toBe(line.lengow_status);
      }
      seen.add(order.lengow_status);
    }
    expect([...seen].sort()).toEqual(
      [
        'accepted',
        'canceled',
        'closed',
        'new',
        'partial_refunded',
        'refunded',
        'refunding',
        'refused',
        'shipped',
        'waiting_acceptance',
        'waiting_shipment',
      ].sort(),
    );
  });

  it('builds each special case with the shape the rules look at', () => {
    const seed = 77;
    const firstOf = (name: string) => {
      for (let index = 0; index < 1000; index++) if (importCaseAt(seed, index) === name) return build(seed, index);
      throw new Error(`no ${name} in the first 1000 orders`);
    };
    const multi = firstOf('multi_package');
    expect(multi.packages.length).toBeGreaterThanOrEqual(2);
    expect(new Set(multi.packages.map((p) => p.delivery.id)).size).toBe(multi.packages.length);

    const fba = firstOf('shipped_by_marketplace');
    expect(fba.order_types).toContainEqual({
      type: 'is_delivered_by_marketplace',
      label: fba.marketplace === 'amazon_fr' ? 'AFN' : 'Fulfillment',
    });
    expect(fba.packages[0].cart.every((l) => l.merchant_product_id.id?.endsWith('_FBA'))).toBe(true);

    expect(firstOf('large_cart').packages[0].cart).toHaveLength(150);
    expect(firstOf('missing_billing_address').billing_address).toBeNull();
    expect(Number(firstOf('no_exchange_rate').total_order)).toBe(-1);
    expect(firstOf('unknown_currency').currency.iso_a3).toBe('XYZ');
    expect(firstOf('anonymized').anonymized).toBe(true);
    expect(firstOf('relay_point').packages[0].delivery.trackings[0].relay.id).toMatch(/^FR-/);
    expect(firstOf('missing_delivery_country').packages[0].delivery.common_country_iso_a2).toBeNull();
    expect(firstOf('b2b_is_business').order_types.map((t) => t.type)).toContain('is_business');
    const vat = firstOf('b2b_vat_company').billing_address!;
    expect(vat.company).toBeTruthy();
    expect(vat.vat_number).toMatch(/^FR\d{11}$/);
    expect(firstOf('b2b_fiscalnb').payments[0].payment_terms.fiscalnb).toBeTruthy();
    expect(firstOf('match_by_reference').packages[0].cart[0].merchant_product_id.field).toBe('reference');
    expect(firstOf('match_by_ean').packages[0].cart[0].merchant_product_id.field).toBe('ean');
    const cancelled = firstOf('cancelled_line').packages[0].cart;
    expect(cancelled.filter((l) => l.lengow_status === 'canceled')).toHaveLength(1);
    const waiting = firstOf('line_waiting_acceptance');
    expect(waiting.lengow_status).toBe('waiting_shipment');
    expect(waiting.packages[0].cart.some((l) => l.lengow_status === 'waiting_acceptance')).toBe(true);
  });

  it('excludes cancelled lines from total_order, which is lines plus shipping', () => {
    for (let index = 0; index < 300; index++) {
      if (importCaseAt(3, index) !== 'cancelled_line') continue;
      const order = build(3, index);
      const lines = order.packages.flatMap((p) => p.cart).filter((l) => l.lengow_status !== 'canceled');
      const expected = lines.reduce((sum, l) => sum + Number(l.amount), 0) + Number(order.shipping);
      expect(Number(order.total_order)).toBeCloseTo(expected, 2);
    }
  });

  it('mixes money as JSON numbers and as strings', () => {
    const kinds = new Set(Array.from({ length: 60 }, (_, i) => typeof build(8, i).total_order));
    expect(kinds).toEqual(new Set(['number', 'string']));
  });

  it('reads the generated index back out of every marketplace order id format', () => {
    const seen = new Set<string>();
    for (const index of [0, 1, 99, 12_345, 999_999, 3_000_001]) {
      for (let k = 0; k < 40; k++) {
        const skeleton = orderSkeleton(6, index + k, updatedAt(0));
        seen.add(skeleton.marketplace);
        expect(generatedIndexOf(skeleton.marketplace, skeleton.marketplaceOrderId)).toBe(index + k);
      }
    }
    expect(seen.size).toBe(6);
    expect(generatedIndexOf('amazon_fr', 'DM-2024-000123')).toBeNull();
    const order = build(6, 4321);
    expect(expectedImportCase(6, order.marketplace, order.marketplace_order_id)).toEqual({
      case: importCaseAt(6, 4321),
      index: 4321,
      ...IMPORT_CASES[importCaseAt(6, 4321)],
    });
    expect(expectedImportCase(7, order.marketplace, order.marketplace_order_id)).toBeNull();
    expect(generatedIndexOf('galeries_lafayette', '1300435653830-A')).toBeNull();
  });

  it('puts the marketplace order id, status and dates of the skeleton into the order', () => {
    const skeleton = orderSkeleton(11, 321, updatedAt(321));
    const order = build(11, 321);
    expect(order.marketplace_order_id).toBe(skeleton.marketplaceOrderId);
    expect(order.marketplace).toBe(skeleton.marketplace);
    expect(order.marketplace_status).toBe(skeleton.marketplaceStatus);
    expect(Date.parse(order.updated_at)).toBe(updatedAt(321));
    expect(Date.parse(order.marketplace_order_date!)).toBe(Math.floor(skeleton.orderDateMs / 1000) * 1000);
    expect(Date.parse(order.imported_at)).toBeLessThanOrEqual(Date.parse(order.updated_at));
  });
});

describe('catalogue', () => {
  it('resolves sellables by id, variant id, reference, EAN and _FBA suffix, and flags parents', () => {
    const tshirtM = SANDBOX_CATALOGUE.products.find((p) => p.id === 1003)!.variants.find((v) => v.idAttribute === 12)!;
    expect(tshirtM.id).toBe('1003_12');
    expect(matchCatalogue('1003_12')).toMatchObject({ kind: 'sellable', sellable: { id: '1003_12' } });
    expect(matchCatalogue(tshirtM.reference)).toMatchObject({ kind: 'sellable', sellable: { id: '1003_12' } });
    expect(matchCatalogue(tshirtM.ean13)).toMatchObject({ kind: 'sellable', sellable: { id: '1003_12' } });
    expect(matchCatalogue('1003_12_FBA')).toMatchObject({ kind: 'sellable', sellable: { id: '1003_12' } });
    expect(matchCatalogue('1001')).toMatchObject({ kind: 'sellable', sellable: { id: '1001' } });
    expect(matchCatalogue('1003')).toEqual({ kind: 'parent', productId: 1003 });
    expect(matchCatalogue('8123')).toEqual({ kind: 'none' });
  });

  it('has unique ids, references and valid EAN13s', () => {
    const all = sellables();
    for (const key of ['id', 'reference', 'ean13'] as const)
      expect(new Set(all.map((s) => s[key])).size).toBe(all.length);
    for (const s of all) {
      const digits = [...s.ean13].map(Number);
      const sum = digits.slice(0, 12).reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 1 : 3), 0);
      expect((10 - (sum % 10)) % 10).toBe(digits[12]);
    }
  });
});
