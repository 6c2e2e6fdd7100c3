import { applyAcceptedAction, refusalsFor } from './action-rules.js';
import { actionMatches, actionResource, type ActionFilter, type SandboxAction } from './action-store.js';
import { importCaseManifest, type ImportCaseManifest } from './import-cases.js';
import { defaultMarketplaces, lengowStatusOf, type MarketplaceCatalogue } from './marketplaces.js';
import { OrderStore, type JsonObject } from './order-store.js';

/**
 * Everything the sandbox remembers: orders, marketplaces, actions, moi calls and request counts.
 * Time comes from the injected clock, and queued actions are processed lazily whenever state is read, so a test with
 * a fake clock sees exactly the same transitions as a real run.
 */

/**
 * Processed actions stay listed this long after their answer: past the plugins' 3-day action timeout plus their 2 h
 * security window, so a reader polling `updated_from` never misses a result it is still waiting for.
 */
export const DEFAULT_ACTION_RETENTION_MS = 7 * 24 * 3600_000;
/** Keeps a load test from growing the heap without bound when it sends more actions than the retention would hold. */
export const DEFAULT_MAX_PROCESSED_ACTIONS = 10_000;
/**
 * moi calls are only an inspection log, but a whole backfill's are what a test or an operator checks (one per imported
 * order: the benchmark's 20 000): a few MB at most.
 */
export const DEFAULT_MAX_MOI_CALLS = 50_000;

export interface SandboxStateOptions {
  seed: number;
  orderCount: number;
  accountId: number;
  now: () => Date;
  actionProcessingDelayMs: number;
  /** Time an action spends "sent, waiting for the marketplace" (queued false, processed false) after the queue. */
  actionSentPhaseMs: number;
  /** Generated orders spread their updated_at over this span before the start time. */
  generatedSpanMs: number;
  /** The instant generated orders lead up to; the start time by default. */
  anchor?: Date;
  /** A processed action is dropped this long after its last change. */
  actionRetentionMs?: number;
  /** Beyond this many processed actions, the oldest are dropped first. Unprocessed actions are never dropped. */
  maxProcessedActions?: number;
  /** Only the most recent moi calls are kept. */
  maxMoiCalls?: number;
}

export interface RetentionReport {
  actionRetentionMs: number;
  maxProcessedActions: number;
  maxMoiCalls: number;
  actionsDropped: number;
  moiCallsDropped: number;
}

export interface MoiCall {
  at: string;
  account_id: unknown;
  marketplace: string;
  marketplace_order_id: string;
  merchant_order_id: string[];
  found: boolean;
}

export interface NewAction {
  accountId: number;
  marketplace: string;
  marketplaceOrderId: string;
  actionType: string;
  line: string | null;
  args: Record<string, string>;
}

export class SandboxError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class SandboxState {
  orders!: OrderStore;
  marketplaces!: MarketplaceCatalogue;
  actions: SandboxAction[] = [];
  /** Actions not processed yet, so each request looks at those only. */
  private pending: SandboxAction[] = [];
  moiCalls: MoiCall[] = [];
  /** `METHOD /route` → status code → count. */
  requestCounts = new Map<string, Map<number, number>>();
  private nextActionId = 100_001;
  private anchorMs = 0;
  /** Earliest `updatedAtMs` among kept processed actions, so most reads know without a scan that none has expired. */
  private oldestProcessedMs = Infinity;
  private processedCount = 0;
  private actionsDropped = 0;
  private moiCallsDropped = 0;

  constructor(private options: SandboxStateOptions) {
    this.reset();
  }

  get accountId(): number {
    return this.options.accountId;
  }

  get seed(): number {
    return this.options.seed;
  }

  nowMs(): number {
    return this.options.now().getTime();
  }

  /** Back to the start: generated orders only, default marketplaces, no actions; optionally a new seed or count. */
  reset(changes: { seed?: number; orderCount?: number } = {}): void {
    if (changes.seed !== undefined) this.options.seed = changes.seed;
    if (changes.orderCount !== undefined) this.options.orderCount = changes.orderCount;
    this.anchorMs = this.options.anchor?.getTime() ?? this.nowMs();
    this.orders = new OrderStore({
      seed: this.options.seed,
      accountId: this.options.accountId,
      anchorMs: this.anchorMs,
      spanMs: this.options.generatedSpanMs,
      initialCount: this.options.orderCount,
    });
    this.marketplaces = defaultMarketplaces();
    this.actions = [];
    this.pending = [];
    this.moiCalls = [];
    this.requestCounts = new Map();
    this.nextActionId = 100_001;
    this.oldestProcessedMs = Infinity;
    this.processedCount = 0;
    this.actionsDropped = 0;
    this.moiCallsDropped = 0;
  }

  retention(): RetentionReport {
    return {
      actionRetentionMs: this.actionRetentionMs,
      maxProcessedActions: this.maxProcessedActions,
      maxMoiCalls: this.maxMoiCalls,
      actionsDropped: this.actionsDropped,
      moiCallsDropped: this.moiCallsDropped,
    };
  }

  private get actionRetentionMs(): number {
    return this.options.actionRetentionMs ?? DEFAULT_ACTION_RETENTION_MS;
  }

  private get maxProcessedActions(): number {
    return this.options.maxProcessedActions ?? DEFAULT_MAX_PROCESSED_ACTIONS;
  }

  private get maxMoiCalls(): number {
    return this.options.maxMoiCalls ?? DEFAULT_MAX_MOI_CALLS;
  }

  manifest(): ImportCaseManifest {
    return importCaseManifest(this.options.seed, this.orders.generatedCount);
  }

  generateMore(count: number): { firstIndex: number; count: number } {
    return this.orders.generateMore(count, this.nowMs());
  }

  countRequest(route: string, status: number): void {
    let byStatus = this.requestCounts.get(route);
    if (!byStatus) this.requestCounts.set(route, (byStatus = new Map()));
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  }

  requestCountsJson(): Record<string, { total: number; byStatus: Record<string, number> }> {
    const out: Record<string, { total: number; byStatus: Record<string, number> }> = {};
    for (const [route, byStatus] of this.requestCounts) {
      const statuses = Object.fromEntries([...byStatus].map(([status, n]) => [String(status), n]));
      out[route] = { total: [...byStatus.values()].reduce((a, b) => a + b, 0), byStatus: statuses };
    }
    return out;
  }

  // ---- actions ----

  createAction(request: NewAction): SandboxAction {
    this.processDueActions();
    const definition = this.marketplaces[request.marketplace.toLowerCase()];
    if (!definition)
      throw new SandboxError(400, `marketplace ${request.marketplace} does not feature in the marketplace list`);
    if (!definition.orders.actions[request.actionType]) {
      const known = Object.keys(definition.orders.actions).join(', ');
      throw new SandboxError(
        400,
        `action ${request.actionType} is not valid for marketplace ${request.marketplace} (valid: ${known})`,
      );
    }
    if (!this.orders.find(request.marketplace, request.marketplaceOrderId)) {
      throw new SandboxError(
        404,
        `order ${request.marketplaceOrderId} not found on marketplace ${request.marketplace}`,
      );
    }
    const now = this.nowMs();
    const queuedUntilMs = now + this.options.actionProcessingDelayMs;
    const action: SandboxAction = {
      id: this.nextActionId++,
      accountId: request.accountId,
      marketplaceOrderId: request.marketplaceOrderId,
      marketplace: request.marketplace,
      actionType: request.actionType,
      line: request.line,
      args: request.args,
      createdAtMs: now,
      updatedAtMs: now,
      queuedUntilMs,
      completesAtMs: queuedUntilMs + this.options.actionSentPhaseMs,
      queued: true,
      processed: false,
      errors: '',
    };
    this.actions.push(action);
    this.pending.push(action);
    return action;
  }

  listActions(filter: ActionFilter): SandboxAction[] {
    this.processDueActions();
    return this.actions.filter((a) => actionMatches(a, filter));
  }

  /** Moves every action whose time has come, oldest first, so effects land in the order they were due. */
  processDueActions(): void {
    const now = this.nowMs();
    type Step = { at: number; action: SandboxAction; kind: 'dequeue' | 'complete' };
    const steps: Step[] = [];
    for (const action of this.pending) {
      if (action.queued && action.queuedUntilMs <= now)
        steps.push({ at: action.queuedUntilMs, action, kind: 'dequeue' });
      if (action.completesAtMs <= now) steps.push({ at: action.completesAtMs, action, kind: 'complete' });
    }
    steps.sort((a, b) => a.at - b.at || a.action.id - b.action.id || (a.kind === 'dequeue' ? -1 : 1));
    for (const step of steps) {
      if (step.kind === 'dequeue') {
        step.action.queued = false;
        step.action.updatedAtMs = step.at;
      } else {
        this.complete(step.action, step.at);
      }
    }
    if (steps.length > 0) this.pending = this.pending.filter((a) => !a.processed);
    this.dropOldActions(now);
  }

  /**
   * Forgets processed actions Lengow would no longer list, then the oldest processed ones beyond the cap. An action
   * still queued or waiting for the marketplace is never dropped: its answer would be lost and the order left unmoved.
   */
  private dropOldActions(now: number): void {
    const cutoff = now - this.actionRetentionMs;
    if (this.oldestProcessedMs >= cutoff && this.processedCount <= this.maxProcessedActions) return;
    let expired = 0;
    for (const action of this.actions) if (action.processed && action.updatedAtMs < cutoff) expired++;
    // Expired ones go anyway; only what is still over the cap after them costs unexpired actions, oldest id first.
    let overCap = this.processedCount - expired - this.maxProcessedActions;
    const kept: SandboxAction[] = [];
    let oldest = Infinity;
    for (const action of this.actions) {
      if (action.processed) {
        if (action.updatedAtMs < cutoff) continue;
        if (overCap > 0) {
          overCap--;
          continue;
        }
        oldest = Math.min(oldest, action.updatedAtMs);
      }
      kept.push(action);
    }
    const dropped = this.actions.length - kept.length;
    this.actionsDropped += dropped;
    this.processedCount -= dropped;
    this.oldestProcessedMs = oldest;
    this.actions = kept;
  }

  private complete(action: SandboxAction, at: number): void {
    action.queued = false;
    action.processed = true;
    action.updatedAtMs = at;
    this.processedCount++;
    this.oldestProcessedMs = Math.min(this.oldestProcessedMs, at);
    const definition = this.marketplaces[action.marketplace.toLowerCase()];
    const actionDefinition = definition?.orders.actions[action.actionType];
    const stored = this.orders.find(action.marketplace, action.marketplaceOrderId);
    if (!definition || !actionDefinition || !stored) {
      action.errors = `order ${action.marketplaceOrderId} can no longer be found on ${action.marketplace}`;
      return;
    }
    const request = { actionType: action.actionType, line: action.line, args: action.args };
    const refusals = refusalsFor(definition, actionDefinition, stored.order, request);
    if (refusals.length > 0) {
      action.errors = refusals.join('; ');
      return;
    }
    action.errors = null;
    this.orders.mutate(
      action.marketplace,
      action.marketplaceOrderId,
      (order) => applyAcceptedAction(definition, order, request),
      at,
    );
  }

  // ---- moi and admin changes ----

  moi(call: {
    account_id: unknown;
    marketplace: string;
    marketplace_order_id: string;
    merchant_order_id: string[];
  }): boolean {
    // moi leaves updated_at alone: it marks the order for the merchant, the marketplace did not change it.
    const found = this.orders.setFields(call.marketplace, call.marketplace_order_id, {
      merchant_order_id: [...call.merchant_order_id],
    });
    this.moiCalls.push({ at: new Date(this.nowMs()).toISOString(), ...call, found });
    const excess = this.moiCalls.length - this.maxMoiCalls;
    if (excess > 0) {
      this.moiCalls.splice(0, excess);
      this.moiCallsDropped += excess;
    }
    return found;
  }

  /** Sets the marketplace status (and the Lengow status it maps to), moving live lines along; bumps updated_at. */
  setOrderStatus(
    marketplace: string,
    marketplaceOrderId: string,
    marketplaceStatus: string,
    options: { lengowStatus?: string; lines?: boolean } = {},
  ): JsonObject {
    this.processDueActions();
    const definition = this.marketplaces[marketplace.toLowerCase()];
    const lengowStatus = options.lengowStatus ?? (definition ? lengowStatusOf(definition, marketplaceStatus) : null);
    if (!lengowStatus) {
      throw new SandboxError(
        400,
        `marketplace status ${marketplaceStatus} is not in the ${marketplace} status table; pass lengow_status to force it`,
      );
    }
    const stored = this.orders.mutate(
      marketplace,
      marketplaceOrderId,
      (order) => {
        const previous = order.marketplace_status;
        order.marketplace_status = marketplaceStatus;
        order.lengow_status = lengowStatus;
        if (options.lines === false) return;
        for (const pack of Array.isArray(order.packages) ? order.packages : []) {
          for (const line of Array.isArray(pack?.cart) ? pack.cart : []) {
            if (line && line.marketplace_status === previous) {
              line.marketplace_status = marketplaceStatus;
              line.lengow_status = lengowStatus;
            }
          }
        }
      },
      this.nowMs(),
    );
    if (!stored) throw new SandboxError(404, `order ${marketplaceOrderId} not found on marketplace ${marketplace}`);
    return stored.order;
  }

  actionsJson(): Record<string, unknown>[] {
    this.processDueActions();
    return this.actions.map(actionResource);
  }
}
