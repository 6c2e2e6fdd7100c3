import { IndexSet } from './index-set.js';
import { formatIso } from './iso-dates.js';
import { generatedIndexOf, generateOrder, orderSkeleton, type OrderSkeleton } from './order-generator.js';

export type JsonObject = Record<string, unknown>;

/**
 * The sandbox's orders, sorted by (updated_at, sequence). Generated orders are implicit: order `i` of the generated
 * range sits at a computable updated_at that grows with `i`, so a window is found by binary search and a page is built
 * from the few orders it holds. Orders that were added, or whose updated_at moved, are kept explicitly in a sorted list
 * and merged in; generated orders changed in place (moi) are kept as overrides at their original position.
 */

export interface OrderQuery {
  updatedFrom?: number;
  updatedTo?: number;
  orderDateFrom?: number;
  orderDateTo?: number;
  /** `merchant_order_id=None`: only orders not marked by moi yet. */
  merchantOrderIdNone?: boolean;
  merchantOrderId?: string;
  marketplace?: string;
  marketplaceOrderId?: string;
  lengowStatus?: string;
  marketplaceStatus?: string;
}

export interface StoredOrder {
  /** Tie-breaker after updated_at: the generated index, or a number above every index for added orders. */
  seq: number;
  key: string;
  order: JsonObject;
  updatedAtMs: number;
}

interface GeneratedBatch {
  firstIndex: number;
  count: number;
  fromMs: number;
  toMs: number;
}

export interface OrderStoreOptions {
  seed: number;
  accountId: number;
  /** updated_at of the last generated order; the initial batch spreads over `spanMs` before it. */
  anchorMs: number;
  spanMs: number;
  initialCount: number;
}

export interface OrderPage {
  count: number;
  results: JsonObject[];
}

const ADDED_SEQ_BASE = 2 ** 40;

/** Marked by moi: a non-empty list (the 2016 samples carry `[]` for "not marked", the 2024 ones null). */
export function isMarked(order: JsonObject): boolean {
  const marks = order.merchant_order_id;
  return Array.isArray(marks) ? marks.length > 0 : marks != null;
}

export function orderKey(marketplace: string, marketplaceOrderId: string): string {
  return `${marketplace.toLowerCase()}\u0000${marketplaceOrderId}`;
}

type Ref = { kind: 'implicit'; index: number } | { kind: 'explicit'; stored: StoredOrder };

export class OrderStore {
  readonly seed: number;
  readonly accountId: number;
  private readonly batches: GeneratedBatch[] = [];
  private generatedTotal = 0;
  /** Generated indices whose order now lives in `explicit` (moved in time or replaced). */
  private readonly moved = new IndexSet();
  /** Generated indices still in place but marked by moi; with `moved`, the holes of a `merchant_order_id=None` page. */
  private readonly movedOrMarked = new IndexSet();
  /**
   * Generated orders changed without moving (moi), by index, as the top-level fields that differ from the generated
   * order: a backfill marks every order, and keeping each one whole would cost its full JSON per order for the
   * sandbox's lifetime (it runs inside the engine by default). The order is regenerated when read.
   */
  private readonly overrides = new Map<number, OrderPatch>();
  /** Sorted by (updatedAtMs, seq). */
  private readonly explicit: StoredOrder[] = [];
  private readonly explicitByKey = new Map<string, StoredOrder>();
  private nextAddedSeq = ADDED_SEQ_BASE;
  private readonly filterCache = new Map<string, { version: number; refs: Ref[] }>();
  /** Bumped on every change, so cached filter results know when they are stale. */
  version = 0;

  constructor(options: OrderStoreOptions) {
    this.seed = options.seed;
    this.accountId = options.accountId;
    if (options.initialCount > 0) {
      this.batches.push({
        firstIndex: 0,
        count: options.initialCount,
        fromMs: options.anchorMs - options.spanMs,
        toMs: options.anchorMs,
      });
      this.generatedTotal = options.initialCount;
    }
    this.moved.ensureCapacity(this.generatedTotal);
    this.movedOrMarked.ensureCapacity(this.generatedTotal);
  }

  get generatedCount(): number {
    return this.generatedTotal;
  }

  get stats(): { generated: number; added: number; moved: number; overridden: number; total: number } {
    const added = this.explicit.filter((s) => s.seq >= ADDED_SEQ_BASE).length;
    return {
      generated: this.generatedTotal,
      added,
      moved: this.moved.size,
      overridden: this.overrides.size,
      total: this.generatedTotal - this.moved.size + this.explicit.length,
    };
  }

  /** Appends `count` generated orders stamped `atMs` (never before the last generated one, to keep the range sorted). */
  generateMore(count: number, atMs: number): { firstIndex: number; count: number } {
    const last = this.batches[this.batches.length - 1];
    const fromMs = Math.max(atMs, last ? last.toMs : atMs);
    const batch: GeneratedBatch = { firstIndex: this.generatedTotal, count, fromMs, toMs: fromMs };
    this.batches.push(batch);
    this.generatedTotal += count;
    this.moved.ensureCapacity(this.generatedTotal);
    this.movedOrMarked.ensureCapacity(this.generatedTotal);
    this.version++;
    return { firstIndex: batch.firstIndex, count };
  }

  updatedAtOf(index: number): number {
    let lo = 0;
    let hi = this.batches.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.batches[mid].firstIndex <= index) lo = mid;
      else hi = mid - 1;
    }
    const batch = this.batches[lo];
    return batch.fromMs + Math.floor(((index - batch.firstIndex) * (batch.toMs - batch.fromMs)) / batch.count);
  }

  skeletonOf(index: number): OrderSkeleton {
    return orderSkeleton(this.seed, index, this.updatedAtOf(index));
  }

  /** The order as currently stored (not a copy: callers must not mutate it). */
  find(marketplace: string, marketplaceOrderId: string): StoredOrder | null {
    const key = orderKey(marketplace, marketplaceOrderId);
    const stored = this.explicitByKey.get(key);
    if (stored) return stored;
    const index = this.generatedIndex(marketplace, marketplaceOrderId);
    if (index === undefined || this.moved.has(index)) return null;
    return this.materializeCurrent(index);
  }

  /** Adds or replaces (same marketplace + marketplace_order_id) an order given as JSON. */
  add(order: JsonObject, nowMs: number): { key: string; replaced: boolean } {
    const marketplace = order.marketplace;
    const id = order.marketplace_order_id;
    if (
      typeof marketplace !== 'string' ||
      marketplace === '' ||
      (typeof id !== 'string' && typeof id !== 'number') ||
      id === ''
    ) {
      throw new TypeError('an order needs a non-empty string "marketplace" and "marketplace_order_id"');
    }
    const key = orderKey(marketplace, String(id));
    const parsed = typeof order.updated_at === 'string' ? Date.parse(order.updated_at) : NaN;
    // Orders without a usable updated_at are indexed at the time they were added; their JSON is served unchanged.
    const updatedAtMs = Number.isNaN(parsed) ? nowMs : parsed;
    const existing = this.explicitByKey.get(key);
    if (existing) {
      this.removeExplicit(existing);
      this.insertExplicit({ ...existing, order, updatedAtMs });
      this.version++;
      return { key, replaced: true };
    }
    const index = this.generatedIndex(String(marketplace), String(id));
    if (index !== undefined && !this.moved.has(index)) {
      this.hideGenerated(index);
      this.insertExplicit({ seq: index, key, order, updatedAtMs });
      this.version++;
      return { key, replaced: true };
    }
    this.insertExplicit({ seq: this.nextAddedSeq++, key, order, updatedAtMs });
    this.version++;
    return { key, replaced: false };
  }

  /**
   * Sets top-level fields of an order, leaving its updated_at and its place in the listing alone (as moi does). Unlike
   * `mutate`, a generated order is not regenerated to be changed and compared: the fields go straight into its patch,
   * which matters for a backfill, where every imported order gets its moi. False when there is no such order.
   */
  setFields(marketplace: string, marketplaceOrderId: string, fields: JsonObject): boolean {
    const stored = this.explicitByKey.get(orderKey(marketplace, marketplaceOrderId));
    if (stored) {
      Object.assign(stored.order, fields);
    } else {
      const index = this.generatedIndex(marketplace, marketplaceOrderId);
      if (index === undefined || this.moved.has(index)) return false;
      const patch = this.overrides.get(index);
      const names = Object.keys(fields);
      this.overrides.set(index, {
        set: { ...patch?.set, ...fields },
        unset: (patch?.unset ?? []).filter((name) => !names.includes(name)),
      });
      if ('merchant_order_id' in fields) this.trackMark(index, fields);
    }
    this.version++;
    return true;
  }

  /**
   * Changes an order in place. With `bumpToMs` its updated_at moves there (and so does its place in the listing);
   * without it the order keeps its position, as moi does.
   */
  mutate(
    marketplace: string,
    marketplaceOrderId: string,
    change: (order: JsonObject) => void,
    bumpToMs?: number,
  ): StoredOrder | null {
    const key = orderKey(marketplace, marketplaceOrderId);
    let stored = this.explicitByKey.get(key) ?? null;
    let index: number | undefined;
    if (!stored) {
      index = this.generatedIndex(marketplace, marketplaceOrderId);
      if (index === undefined || this.moved.has(index)) return null;
      stored = this.materializeCurrent(index);
    }
    change(stored.order);
    if (bumpToMs !== undefined) {
      stored.order.updated_at = formatIso(bumpToMs, 'micro-z');
      if (index !== undefined) {
        this.overrides.delete(index);
        this.hideGenerated(index);
      } else {
        this.removeExplicit(stored);
      }
      stored.updatedAtMs = bumpToMs;
      this.insertExplicit(stored);
    } else if (index !== undefined) {
      this.overrides.set(index, patchFrom(this.materialize(index).order, stored.order));
      this.trackMark(index, stored.order);
    }
    this.version++;
    return stored;
  }

  /** One page of the orders matching `query`, in (updated_at, sequence) order. */
  query(query: OrderQuery, offset: number, limit: number): OrderPage {
    if (query.marketplaceOrderId !== undefined && query.marketplace !== undefined) {
      const stored = this.find(query.marketplace, query.marketplaceOrderId);
      const results = stored && matches(stored.order, stored.updatedAtMs, query) ? [stored.order] : [];
      return { count: results.length, results: results.slice(offset, offset + limit) };
    }
    const onlyWindow = Object.entries(query).every(
      ([name, value]) =>
        value === undefined ||
        name === 'updatedFrom' ||
        name === 'updatedTo' ||
        (name === 'merchantOrderIdNone' && value === true),
    );
    return onlyWindow ? this.windowPage(query, offset, limit) : this.filteredPage(query, offset, limit);
  }

  // ---- the fast path: an updated_at window, optionally without moi-marked orders ----

  private windowPage(query: OrderQuery, offset: number, limit: number): OrderPage {
    const from = query.updatedFrom ?? -Infinity;
    const to = query.updatedTo ?? Infinity;
    const holes = query.merchantOrderIdNone ? this.movedOrMarked : this.moved;
    const lo = this.implicitLowerBound(from, -Infinity);
    const hi = this.implicitLowerBound(to, Infinity);
    const implicitCount = hi - lo - (holes.countBelow(hi) - holes.countBelow(lo));
    const window = this.explicitWindow(from, to).filter((s) => !query.merchantOrderIdNone || !isMarked(s.order));
    const count = implicitCount + window.length;
    // Position of explicit entry j in the merged sequence: j plus the implicit orders sorting before it.
    const position = (j: number): number => {
      const below = this.implicitLowerBound(window[j].updatedAtMs, window[j].seq);
      return j + (below - lo) - (holes.countBelow(below) - holes.countBelow(lo));
    };
    let j = 0;
    let high = window.length;
    while (j < high) {
      const mid = (j + high) >> 1;
      if (position(mid) < offset) j = mid + 1;
      else high = mid;
    }
    const results: JsonObject[] = [];
    const end = Math.min(count, offset + limit);
    let nextExplicit = j < window.length ? position(j) : Infinity;
    for (let p = offset; p < end; p++) {
      if (p === nextExplicit) {
        results.push(window[j].order);
        j++;
        nextExplicit = j < window.length ? position(j) : Infinity;
      } else {
        const index = this.kthRemaining(lo, hi, p - j, holes);
        results.push(this.materializeCurrent(index).order);
      }
    }
    return { count, results };
  }

  /** Number of generated indices (holes included) whose (updated_at, index) sorts before (ms, seq). */
  private implicitLowerBound(ms: number, seq: number): number {
    let lo = 0;
    let hi = this.generatedTotal;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const at = this.updatedAtOf(mid);
      if (at < ms || (at === ms && mid < seq)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The generated index of the k-th (0-based) non-hole order in [lo, hi). */
  private kthRemaining(lo: number, hi: number, k: number, holes: IndexSet): number {
    const holesBeforeLo = holes.countBelow(lo);
    let a = lo;
    let b = hi - 1;
    while (a < b) {
      const mid = Math.floor((a + b) / 2);
      const remaining = mid + 1 - lo - (holes.countBelow(mid + 1) - holesBeforeLo);
      if (remaining >= k + 1) b = mid;
      else a = mid + 1;
    }
    return a;
  }

  private explicitWindow(from: number, to: number): StoredOrder[] {
    const start = this.explicitLowerBound(from, -Infinity);
    const end = this.explicitLowerBound(to, Infinity);
    return this.explicit.slice(start, end);
  }

  // ---- the general path: other filters, evaluated once per store version and cached for the following pages ----

  private filteredPage(query: OrderQuery, offset: number, limit: number): OrderPage {
    const cacheKey = JSON.stringify(query);
    let cached = this.filterCache.get(cacheKey);
    if (!cached || cached.version !== this.version) {
      cached = { version: this.version, refs: this.collect(query) };
      if (this.filterCache.size >= 16) this.filterCache.delete(this.filterCache.keys().next().value!);
      this.filterCache.set(cacheKey, cached);
    }
    const results = cached.refs
      .slice(offset, offset + limit)
      .map((ref) => (ref.kind === 'explicit' ? ref.stored.order : this.materializeCurrent(ref.index).order));
    return { count: cached.refs.length, results };
  }

  private collect(query: OrderQuery): Ref[] {
    const from = query.updatedFrom ?? -Infinity;
    const to = query.updatedTo ?? Infinity;
    const lo = this.implicitLowerBound(from, -Infinity);
    const hi = this.implicitLowerBound(to, Infinity);
    const window = this.explicitWindow(from, to).filter((s) => matches(s.order, s.updatedAtMs, query));
    const refs: Ref[] = [];
    let j = 0;
    for (let index = lo; index < hi; index++) {
      if (this.moved.has(index)) continue;
      const updatedAtMs = this.updatedAtOf(index);
      while (
        j < window.length &&
        (window[j].updatedAtMs < updatedAtMs || (window[j].updatedAtMs === updatedAtMs && window[j].seq < index))
      ) {
        refs.push({ kind: 'explicit', stored: window[j++] });
      }
      if (
        this.overrides.has(index)
          ? this.overriddenMatches(index, updatedAtMs, query)
          : skeletonMatches(orderSkeleton(this.seed, index, updatedAtMs), query)
      ) {
        refs.push({ kind: 'implicit', index });
      }
    }
    while (j < window.length) refs.push({ kind: 'explicit', stored: window[j++] });
    return refs;
  }

  // ---- bookkeeping ----

  private materialize(index: number): StoredOrder {
    const updatedAtMs = this.updatedAtOf(index);
    const order = generateOrder(this.seed, index, updatedAtMs, { accountId: this.accountId }) as unknown as JsonObject;
    return {
      seq: index,
      key: orderKey(String(order.marketplace), String(order.marketplace_order_id)),
      order,
      updatedAtMs,
    };
  }

  /** Like `matches` on the overridden order, without regenerating it when only its marks changed (moi). */
  private overriddenMatches(index: number, updatedAtMs: number, query: OrderQuery): boolean {
    const patch = this.overrides.get(index)!;
    if (patch.unset.length > 0 || SKELETON_FIELDS.some((name) => name in patch.set))
      return matches(this.materializeCurrent(index).order, updatedAtMs, query);
    const { merchantOrderId, merchantOrderIdNone } = query;
    const marks = { merchant_order_id: patch.set.merchant_order_id ?? null };
    return (
      skeletonMatches(orderSkeleton(this.seed, index, updatedAtMs), { ...query, merchantOrderId: undefined }) &&
      matches(marks, updatedAtMs, { merchantOrderId, merchantOrderIdNone })
    );
  }

  /** Generated order `index` with its overrides applied. */
  private materializeCurrent(index: number): StoredOrder {
    const stored = this.materialize(index);
    const patch = this.overrides.get(index);
    if (patch) applyPatch(stored.order, patch);
    return stored;
  }

  /** Keeps a generated order among the marked ones (skipped by `merchantOrderIdNone`) as its merchant_order_id says. */
  private trackMark(index: number, order: JsonObject): void {
    if (isMarked(order)) this.movedOrMarked.add(index);
    else this.movedOrMarked.delete(index);
  }

  private hideGenerated(index: number): void {
    this.overrides.delete(index);
    this.moved.add(index);
    this.movedOrMarked.add(index);
  }

  /** The generated index behind (marketplace, id), found from the id itself and confirmed by regenerating it. */
  private generatedIndex(marketplace: string, marketplaceOrderId: string): number | undefined {
    const index = generatedIndexOf(marketplace, marketplaceOrderId);
    if (index === null || index >= this.generatedTotal) return undefined;
    const skeleton = this.skeletonOf(index);
    return skeleton.marketplace === marketplace.toLowerCase() && skeleton.marketplaceOrderId === marketplaceOrderId
      ? index
      : undefined;
  }

  private explicitLowerBound(ms: number, seq: number): number {
    let lo = 0;
    let hi = this.explicit.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const s = this.explicit[mid];
      if (s.updatedAtMs < ms || (s.updatedAtMs === ms && s.seq < seq)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insertExplicit(stored: StoredOrder): void {
    this.explicit.splice(this.explicitLowerBound(stored.updatedAtMs, stored.seq), 0, stored);
    this.explicitByKey.set(stored.key, stored);
  }

  private removeExplicit(stored: StoredOrder): void {
    const at = this.explicitLowerBound(stored.updatedAtMs, stored.seq);
    if (this.explicit[at] === stored) this.explicit.splice(at, 1);
    else {
      const found = this.explicit.indexOf(stored);
      if (found >= 0) this.explicit.splice(found, 1);
    }
    this.explicitByKey.delete(stored.key);
  }
}

/** The fields `matches` reads that `skeletonMatches` answers from the skeleton. */
const SKELETON_FIELDS = [
  'marketplace_order_date',
  'marketplace',
  'marketplace_order_id',
  'lengow_status',
  'marketplace_status',
];

interface OrderPatch {
  set: JsonObject;
  unset: string[];
}

/** The top-level fields of `changed` that differ from `base` (whole values: the patch holds them, not copies). */
function patchFrom(base: JsonObject, changed: JsonObject): OrderPatch {
  const set: JsonObject = {};
  for (const [name, value] of Object.entries(changed)) {
    if (!(name in base) || JSON.stringify(base[name]) !== JSON.stringify(value)) set[name] = value;
  }
  return { set, unset: Object.keys(base).filter((name) => !(name in changed)) };
}

function applyPatch(order: JsonObject, patch: OrderPatch): void {
  for (const name of patch.unset) delete order[name];
  Object.assign(order, patch.set);
}

function within(value: number | null, from?: number, to?: number): boolean {
  if (from === undefined && to === undefined) return true;
  if (value === null || Number.isNaN(value)) return false;
  return (from === undefined || value >= from) && (to === undefined || value <= to);
}

function matches(order: JsonObject, updatedAtMs: number, query: OrderQuery): boolean {
  if (!within(updatedAtMs, query.updatedFrom, query.updatedTo)) return false;
  const orderDate = typeof order.marketplace_order_date === 'string' ? Date.parse(order.marketplace_order_date) : null;
  if (!within(orderDate, query.orderDateFrom, query.orderDateTo)) return false;
  const marks = order.merchant_order_id;
  if (query.merchantOrderIdNone && isMarked(order)) return false;
  if (
    query.merchantOrderId !== undefined &&
    !(Array.isArray(marks) && marks.map(String).includes(query.merchantOrderId))
  )
    return false;
  if (
    query.marketplace !== undefined &&
    String(order.marketplace ?? '').toLowerCase() !== query.marketplace.toLowerCase()
  )
    return false;
  if (query.marketplaceOrderId !== undefined && String(order.marketplace_order_id) !== query.marketplaceOrderId)
    return false;
  if (query.lengowStatus !== undefined && order.lengow_status !== query.lengowStatus) return false;
  if (query.marketplaceStatus !== undefined && order.marketplace_status !== query.marketplaceStatus) return false;
  return true;
}

function skeletonMatches(skeleton: OrderSkeleton, query: OrderQuery): boolean {
  // Generated orders start unmarked: a specific merchant_order_id never matches one that has no override.
  if (query.merchantOrderId !== undefined) return false;
  if (!within(Math.floor(skeleton.orderDateMs / 1000) * 1000, query.orderDateFrom, query.orderDateTo)) return false;
  if (query.marketplace !== undefined && skeleton.marketplace !== query.marketplace.toLowerCase()) return false;
  if (query.marketplaceOrderId !== undefined && skeleton.marketplaceOrderId !== query.marketplaceOrderId) return false;
  if (query.lengowStatus !== undefined && skeleton.lengowStatus !== query.lengowStatus) return false;
  if (query.marketplaceStatus !== undefined && skeleton.marketplaceStatus !== query.marketplaceStatus) return false;
  return true;
}
