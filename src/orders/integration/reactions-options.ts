/** How the order reactions run: clocks, retry pacing and the periodic pollers. */
export interface OrdersReactionsOptions {
  /** Start the periodic pollers (shop change feed, action results, import and action request retries) at boot. */
  readonly pollers: boolean;
  /**
   * Start the follow-up index consumer at boot. Off in the operator CLI: one process keeps the index (the server), and
   * a second instance would move its checkpoint and make the server's stand by.
   */
  readonly followUpIndex: boolean;
  /** The engine's clock: every `now` the domain commands carry comes from it. */
  readonly clock: () => Date;
  readonly shopFeedIntervalMs: number;
  readonly actionResultsIntervalMs: number;
  readonly importRetryIntervalMs: number;
  /** How often deferred action requests are looked at; each is tried again only once its own backoff is over. */
  readonly actionRequestRetryIntervalMs: number;
  /** moi PATCH: tries per send (the plugins' 5) and the backoff between them (the plugins wait a flat 250 ms). */
  readonly moiRetry: { readonly attempts: number; readonly initialDelayMs: number; readonly maxDelayMs: number };
  readonly sleep: (ms: number) => Promise<void>;
  /**
   * How often a merchant command (ship, cancel, refund) renews its idempotency key's claim while it runs, so a retry
   * takes it over only from a call that died (not renewed for 30 s), never from a slow one. Real time.
   */
  readonly shopCommandHeartbeatMs: number;
}

export const DEFAULT_ORDERS_REACTIONS_OPTIONS: OrdersReactionsOptions = {
  pollers: true,
  followUpIndex: true,
  clock: () => new Date(),
  shopFeedIntervalMs: 2_000,
  actionResultsIntervalMs: 60_000,
  importRetryIntervalMs: 30_000,
  actionRequestRetryIntervalMs: 15_000,
  moiRetry: { attempts: 5, initialDelayMs: 250, maxDelayMs: 4_000 },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  shopCommandHeartbeatMs: 10_000,
};

export const ORDERS_REACTIONS_OPTIONS = Symbol('ORDERS_REACTIONS_OPTIONS');
