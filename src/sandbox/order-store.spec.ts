import { OrderStore, type JsonObject, type OrderQuery, type StoredOrder } from './order-store.js';
import { SeededRandom } from './seeded-random.js';

const ANCHOR = Date.parse('2025-06-01T00:00:00Z');
const HOUR = 3600_000;

/** Every order the store holds, found one by one and sorted the slow, obvious way. */
function reference(store: OrderStore, keys: [string, string][], query: OrderQuery): StoredOrder[] {
  const all = keys.map(([m, id]) => store.find(m, id)).filter((s): s is StoredOrder => s !== null);
  return all
    .filter((s) => {
      if (query.updatedFrom !== undefined && s.updatedAtMs < query.updatedFrom) return false;
      if (query.updatedTo !== undefined && s.updatedAtMs > query.updatedTo) return false;
      const marks = s.order.merchant_order_id;
      if (query.merchantOrderIdNone && Array.isArray(marks) && marks.length > 0) return false;
      if (query.marketplace !== undefined && s.order.marketplace !== query.marketplace) return false;
      if (query.lengowStatus !== undefined && s.order.lengow_status !== query.lengowStatus) return false;
      if (query.merchantOrderId !== undefined && !(Array.isArray(marks) && marks.includes(query.merchantOrderId)))
        return false;
      const orderDate = Date.parse(String(s.order.marketplace_order_date));
      if (query.orderDateFrom !== undefined && !(orderDate >= query.orderDateFrom)) return false;
      if (query.orderDateTo !== undefined && !(orderDate <= query.orderDateTo)) return false;
      return true;
    })
    .sort((a, b) => a.updatedAtMs - b.updatedAtMs || a.seq - b.seq);
}

function pageAll(store: OrderStore, query: OrderQuery, pageSize: number): JsonObject[] {
  const first = store.query(query, 0, pageSize);
  const out = [...first.results];
  for (let offset = pageSize; offset < first.count; offset += pageSize) {
    const page = store.query(query, offset, pageSize);
    expect(page.count).toBe(first.count);
    out.push(...page.results);
  }
  expect(out).toHaveLength(first.count);
  return out;
}

const idOf = (order: JsonObject) => `${String(order.marketplace)}/${String(order.marketplace_order_id)}`;

describe('OrderStore', () => {
  it('pages a window in updated_at order, merging moved, marked and added orders exactly like a full sort', () => {
    const store = new OrderStore({ seed: 3, accountId: 1, anchorMs: ANCHOR, spanMs: 48 * HOUR, initialCount: 300 });
    const keys: [string, string][] = Array.from({ length: 300 }, (_, i) => {
      const s = store.skeletonOf(i);
      return [s.marketplace, s.marketplaceOrderId];
    });
    const rng = new SeededRandom(99);
    let clock = ANCHOR;
    for (let step = 0; step < 400; step++) {
      const [marketplace, id] = rng.pick(keys);
      const roll = rng.next();
      if (roll < 0.35) {
        clock += rng.int(0, 5) * 1000;
        store.mutate(marketplace, id, (o) => (o.marketplace_status = `X${step}`), clock);
      } else if (roll < 0.5) {
        store.mutate(marketplace, id, (o) => (o.merchant_order_id = [String(step)]));
      } else if (roll < 0.6) {
        // moi's path; now and then a mark taken back, so an order also leaves the marked ones.
        store.setFields(marketplace, id, { merchant_order_id: roll < 0.53 ? [] : [String(step)] });
      } else if (roll < 0.7) {
        // An update back in time: the order must move earlier in the listing.
        store.mutate(marketplace, id, () => undefined, ANCHOR - rng.int(1, 47) * HOUR);
      } else if (roll < 0.85) {
        const newId = `ADDED-${step}`;
        store.add(
          {
            marketplace: 'demo',
            marketplace_order_id: newId,
            updated_at: new Date(ANCHOR - rng.int(0, 50) * HOUR).toISOString(),
          },
          clock,
        );
        keys.push(['demo', newId]);
      } else if (roll < 0.9) {
        const more = store.generateMore(5, clock);
        for (let i = more.firstIndex; i < more.firstIndex + more.count; i++) {
          const s = store.skeletonOf(i);
          keys.push([s.marketplace, s.marketplaceOrderId]);
        }
      } else {
        // Replace a generated order by an added one with the same key.
        store.add(
          { marketplace, marketplace_order_id: id, updated_at: new Date(clock).toISOString(), replaced: true },
          clock,
        );
      }
    }
    const queries: OrderQuery[] = [
      {},
      { updatedFrom: ANCHOR - 24 * HOUR, updatedTo: ANCHOR - 2 * HOUR },
      { merchantOrderIdNone: true },
      { updatedFrom: ANCHOR - 30 * HOUR, merchantOrderIdNone: true },
      { marketplace: 'amazon_fr' },
      { lengowStatus: 'waiting_shipment', updatedTo: ANCHOR - 10 * HOUR },
      { marketplace: 'cdiscount', merchantOrderIdNone: true },
      { merchantOrderId: '123' },
      { orderDateFrom: ANCHOR - 20 * 24 * HOUR, marketplace: 'fnac' },
    ];
    for (const query of queries) {
      const expected = reference(store, keys, query).map((s) => idOf(s.order));
      for (const pageSize of [1, 7, 100]) expect(pageAll(store, query, pageSize).map(idOf)).toEqual(expected);
    }
  });

  it('keeps a moi-marked order in place without changing its updated_at', () => {
    const store = new OrderStore({ seed: 1, accountId: 1, anchorMs: ANCHOR, spanMs: HOUR, initialCount: 10 });
    const before = store.query({}, 0, 10).results.map(idOf);
    const s = store.skeletonOf(4);
    const updatedAt = store.find(s.marketplace, s.marketplaceOrderId)!.order.updated_at;
    store.mutate(s.marketplace, s.marketplaceOrderId, (o) => (o.merchant_order_id = ['77']));
    expect(store.query({}, 0, 10).results.map(idOf)).toEqual(before);
    expect(store.find(s.marketplace, s.marketplaceOrderId)!.order).toMatchObject({
      merchant_order_id: ['77'],
      updated_at: updatedAt,
    });
    expect(store.query({ merchantOrderIdNone: true }, 0, 10).count).toBe(9);
  });

  it('keeps what moi changed on a generated order, not the whole order', () => {
    const store = new OrderStore({ seed: 2, accountId: 1, anchorMs: ANCHOR, spanMs: 48 * HOUR, initialCount: 500 });
    const generated = store.query({}, 0, 500).results.map((o) => structuredClone(o));
    for (const order of generated) {
      store.mutate(String(order.marketplace), String(order.marketplace_order_id), (o) => {
        o.merchant_order_id = [`SO-${String(o.marketplace_order_id)}`];
      });
    }
    const marked = pageAll(store, {}, 100);
    expect(marked).toEqual(
      generated.map((o) => ({ ...o, merchant_order_id: [`SO-${String(o.marketplace_order_id)}`] })),
    );
    expect(store.query({ merchantOrderIdNone: true }, 0, 1).count).toBe(0);
    // A backfill marks every order: what the store keeps per marked order is the mark, not the order's JSON.
    const overrides = (store as unknown as { overrides: Map<number, unknown> }).overrides;
    expect(overrides.size).toBe(500);
    const kept = JSON.stringify([...overrides.values()]).length;
    const orders = JSON.stringify(marked).length;
    expect(kept / overrides.size).toBeLessThan(100);
    expect(kept).toBeLessThan(orders / 20);
  });

  it('sets fields as mutate does, on generated, added and replaced orders, and says when there is no such order', () => {
    const options = { seed: 4, accountId: 1, anchorMs: ANCHOR, spanMs: 48 * HOUR, initialCount: 200 };
    const viaSet = new OrderStore(options);
    const viaMutate = new OrderStore(options);
    const added = { marketplace: 'demo', marketplace_order_id: 'ADDED-1', updated_at: new Date(ANCHOR).toISOString() };
    const replaced = viaSet.skeletonOf(7);
    for (const store of [viaSet, viaMutate]) {
      store.add(structuredClone(added), ANCHOR);
      store.add(
        {
          marketplace: replaced.marketplace,
          marketplace_order_id: replaced.marketplaceOrderId,
          updated_at: added.updated_at,
        },
        ANCHOR,
      );
    }
    const keys: [string, string][] = [
      ...Array.from({ length: 200 }, (_, i): [string, string] => {
        const s = viaSet.skeletonOf(i);
        return [s.marketplace, s.marketplaceOrderId];
      }),
      ['demo', 'ADDED-1'],
    ];
    keys.forEach(([marketplace, id], n) => {
      // Every third order marked twice, the second time with nothing: it must count as unmarked again.
      const marks = [[`SO-${id}`], ...(n % 3 === 0 ? [[]] : [])];
      for (const mark of marks) {
        expect(viaSet.setFields(marketplace, id, { merchant_order_id: mark, note: n })).toBe(true);
        viaMutate.mutate(marketplace, id, (o) => Object.assign(o, { merchant_order_id: mark, note: n }));
      }
    });
    for (const query of [{}, { merchantOrderIdNone: true }, { merchantOrderId: `SO-${keys[1][1]}` }]) {
      expect(pageAll(viaSet, query, 50)).toEqual(pageAll(viaMutate, query, 50));
    }
    expect(viaSet.query({ merchantOrderIdNone: true }, 0, 1).count).toBe(Math.ceil(keys.length / 3));
    expect(viaSet.setFields('demo', 'NOT-THERE', { merchant_order_id: ['x'] })).toBe(false);
    expect(viaSet.setFields(replaced.marketplace, 'NOT-THERE', { merchant_order_id: ['x'] })).toBe(false);
  });

  it('serves the first and last pages of 100 000 generated orders', () => {
    const store = new OrderStore({ seed: 5, accountId: 1, anchorMs: ANCHOR, spanMs: 48 * HOUR, initialCount: 100_000 });
    const first = store.query({}, 0, 100);
    const last = store.query({}, 99_900, 100);
    expect(first.count).toBe(100_000);
    expect(last.results).toHaveLength(100);
    expect(last.results[99].marketplace_order_id).toBe(store.skeletonOf(99_999).marketplaceOrderId);
    expect(first.results[0].marketplace_order_id).toBe(store.skeletonOf(0).marketplaceOrderId);
    const updated = last.results.map((o) => Date.parse(String(o.updated_at)));
    expect([...updated].sort((a, b) => a - b)).toEqual(updated);
  });
});
