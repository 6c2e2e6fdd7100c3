import type { ParsedOrder } from './dto/lengow-order.js';
import { LengowMalformedResponse } from './lengow-errors.js';

/** Consecutive requests that served nothing new without the cursor moving: a server ignoring `updated_from` and `page`. */
const MAX_STALLED_REQUESTS = 3;

/**
 * Where the next request of a window read in `updated_at` order starts. Page numbers over such a window are not
 * stable: an order of an earlier page that is updated while the read goes on (by the engine's own merchant order ids
 * and actions, or at the marketplace) leaves the window, every later order moves up one place, and the order at each
 * later page boundary is never served. Nor is it read by the next run, whose window starts near this one's end: it is
 * lost. Here each request starts from the last `updated_at` served instead, in whole seconds (the API's precision),
 * so what moves away cannot shift what is left. The orders of that last second are served again and dropped here; a
 * second holding more than a page of orders is read on by page number within it.
 */
export class UpdatedAtCursor {
  private fromMs: number;
  private moved = false;
  private page = 1;
  private stalled = 0;
  /** Versions served at or after `fromMs`: the only ones a later request can serve again. */
  private readonly served = new Map<string, number>();

  constructor(from: Date | string) {
    const ms = from instanceof Date ? from.getTime() : Date.parse(from);
    this.fromMs = Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
  }

  /** `updated_from` of the next request (null: the caller's own, for the first one) and its page within it. */
  next(): { readonly updatedFrom: Date | null; readonly page: number } {
    return { updatedFrom: this.moved ? new Date(this.fromMs) : null, page: this.page };
  }

  /**
   * The orders of a response not served before, in the order received; moves the cursor past them. Throws when the
   * server keeps answering with what it already served, so that a confused server cannot keep a run going for ever.
   */
  take(orders: readonly ParsedOrder[]): ParsedOrder[] {
    const fresh: ParsedOrder[] = [];
    let lastMs = Number.NEGATIVE_INFINITY;
    for (const parsed of orders) {
      const updatedAt = updatedAtOf(parsed);
      const ms = updatedAt === null ? Number.NaN : Date.parse(updatedAt);
      if (!Number.isNaN(ms)) lastMs = Math.max(lastMs, ms);
      const version = versionOf(parsed, updatedAt);
      if (version !== null && this.served.has(version)) continue;
      fresh.push(parsed);
      if (version !== null && !Number.isNaN(ms)) this.served.set(version, ms);
    }
    const nextFromMs = Number.isFinite(lastMs) ? Math.floor(lastMs / 1000) * 1000 : Number.NEGATIVE_INFINITY;
    if (nextFromMs > this.fromMs) {
      this.fromMs = nextFromMs;
      this.moved = true;
      this.page = 1;
      for (const [version, ms] of this.served) if (ms < nextFromMs) this.served.delete(version);
      this.stalled = 0;
    } else {
      this.page += 1;
      this.stalled = fresh.length === 0 ? this.stalled + 1 : 0;
      if (this.stalled >= MAX_STALLED_REQUESTS)
        throw new LengowMalformedResponse(`${this.stalled} orders pages in a row served nothing new`, 'orders');
    }
    return fresh;
  }
}

function updatedAtOf(parsed: ParsedOrder): string | null {
  if (parsed.ok) return parsed.order.updatedAt;
  const raw = parsed.raw as { updated_at?: unknown } | null;
  return raw && typeof raw === 'object' && typeof raw.updated_at === 'string' ? raw.updated_at : null;
}

function versionOf(parsed: ParsedOrder, updatedAt: string | null): string | null {
  const marketplace = parsed.ok ? parsed.order.marketplace : parsed.marketplace;
  const orderId = parsed.ok ? parsed.order.marketplaceOrderId : parsed.marketplaceOrderId;
  if (!marketplace || !orderId || updatedAt === null) return null;
  return `${marketplace}\u0000${orderId}\u0000${updatedAt}`;
}
