import { SeededRandom } from './seeded-random.js';

/**
 * Faults the sandbox can inject into its API routes. Each fault fires either a fixed number of times ("the next 2 calls
 * to /v3.0/orders return 503") or with a probability drawn from a seeded sequence, so a test run is repeatable.
 */

export const FAULT_KINDS = [
  /** 429 with Retry-After and the rate-limit envelope. */
  'http_429',
  /** 500 with the error envelope. */
  'http_500',
  /** 503 with a load balancer's HTML page, not the envelope. */
  'http_503',
  /** 401 as if the token had expired, whatever token was sent. */
  'unauthorized',
  /** The response is held back `delayMs` before it is sent. */
  'slow',
  /** A 2xx response whose JSON body is cut short. */
  'malformed_json',
  /** Paging shifts by one from the page it fires on, so the last order of the previous page is served again. */
  'duplicate_across_pages',
  /** Served orders get new `delivery.id`s each time it fires (and keep the last ones afterwards). */
  'changing_delivery_id',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  kind: FaultKind;
  /** An exact API path (`/v3.0/orders`), or a prefix ending in `*`; all API routes when absent. */
  route?: string;
  /** HTTP method to match; any when absent. */
  method?: string;
  /** Fires this many times, then is spent. Defaults to 1 when no probability is given. */
  count?: number;
  /** Fires on each matching request with this probability, until removed (or until `count` runs out, if both are set). */
  probability?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
  /** `changing_delivery_id`: restrict to one order. */
  marketplace?: string;
  marketplaceOrderId?: string;
}

export interface Fault extends FaultSpec {
  id: number;
  /** Firings left, or null for a probability-only fault. */
  remaining: number | null;
  fired: number;
}

export class FaultSpecError extends Error {}

const normalisePath = (path: string): string => (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path);

export class FaultInjector {
  private faults: Fault[] = [];
  private nextId = 1;
  private random: SeededRandom;

  constructor(private seed = 1) {
    this.random = new SeededRandom(seed, 0xfa17);
  }

  add(spec: FaultSpec): Fault {
    if (!FAULT_KINDS.includes(spec.kind))
      throw new FaultSpecError(`unknown fault kind "${String(spec.kind)}" (known: ${FAULT_KINDS.join(', ')})`);
    if (spec.count !== undefined && (!Number.isInteger(spec.count) || spec.count < 1))
      throw new FaultSpecError('count must be a positive integer');
    if (
      spec.probability !== undefined &&
      (typeof spec.probability !== 'number' || !(spec.probability > 0 && spec.probability <= 1))
    ) {
      throw new FaultSpecError('probability must be a number in (0, 1]');
    }
    if (spec.route !== undefined && (typeof spec.route !== 'string' || !spec.route.startsWith('/')))
      throw new FaultSpecError('route must be a path starting with /');
    if (spec.delayMs !== undefined && (!Number.isFinite(spec.delayMs) || spec.delayMs < 0))
      throw new FaultSpecError('delayMs must be a non-negative number');
    if (spec.kind === 'slow' && spec.delayMs === undefined) throw new FaultSpecError('a slow fault needs delayMs');
    if (
      spec.retryAfterSeconds !== undefined &&
      (!Number.isInteger(spec.retryAfterSeconds) || spec.retryAfterSeconds < 0)
    ) {
      throw new FaultSpecError('retryAfterSeconds must be a non-negative integer');
    }
    const remaining = spec.count ?? (spec.probability === undefined ? 1 : null);
    const fault: Fault = { ...spec, id: this.nextId++, remaining, fired: 0 };
    this.faults.push(fault);
    return fault;
  }

  remove(id: number): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length < before;
  }

  clear(): void {
    this.faults = [];
    this.random = new SeededRandom(this.seed, 0xfa17);
  }

  /** Active faults (spent ones are dropped). */
  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /**
   * The first active fault of one of `kinds` that matches the request and fires now; it is consumed. `extra` narrows
   * the candidates further (e.g. to one order).
   */
  take(kinds: readonly FaultKind[], method: string, path: string, extra?: (fault: Fault) => boolean): Fault | null {
    const target = normalisePath(path);
    for (const fault of this.faults) {
      if (!kinds.includes(fault.kind)) continue;
      if (fault.method && fault.method.toUpperCase() !== method.toUpperCase()) continue;
      if (fault.route) {
        const route = fault.route.endsWith('*') ? fault.route.slice(0, -1) : normalisePath(fault.route);
        if (fault.route.endsWith('*') ? !target.startsWith(route) : target !== route) continue;
      }
      if (extra && !extra(fault)) continue;
      if (fault.probability !== undefined && this.random.next() >= fault.probability) continue;
      fault.fired++;
      if (fault.remaining !== null) {
        fault.remaining--;
        if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
      }
      return { ...fault };
    }
    return null;
  }

  /** Whether some fault of `kind` could still fire on this route (without consuming it). */
  has(kind: FaultKind): boolean {
    return this.faults.some((f) => f.kind === kind);
  }
}
