import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the projection gauges read at scrape time; absent when no projection runner is part of the app. */
export interface ProjectionStatusSource {
  status(): readonly { name: string; lag: number | null; caughtUp: boolean; state: string }[];
}

/** What the waiting-reactions gauge reads at scrape time: rows waiting per kind; absent outside an engine. */
export interface WaitingReactionsSource {
  counts(): Promise<Readonly<Record<string, number>>>;
}

/**
 * Every metric the engine exposes at `/metrics`, on its own registry (never prom-client's global one, so two engines
 * in one process — tests — do not share or clash). Label values are bounded: route patterns, not URLs.
 */
export class EngineMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'lengow_sync_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'lengow_sync_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly orderImports = new Counter({
    name: 'lengow_sync_order_imports_total',
    help: 'Import decisions recorded since start, by outcome (planned, ignored, failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly orderActions = new Counter({
    name: 'lengow_sync_order_actions_total',
    help: 'Lengow action steps recorded since start, by action type and outcome',
    labelNames: ['action', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly eventStoreDuration = new Histogram({
    name: 'lengow_sync_event_store_operation_duration_seconds',
    help: 'Event store call latency, by operation (append, appendMany, readStream, readAll, headPosition, health) and result',
    labelNames: ['operation', 'result'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly sseClients = new Gauge({
    name: 'lengow_sync_sse_clients',
    help: 'Open Server-Sent Events streams',
    registers: [this.registry],
  });

  private projectionSource: ProjectionStatusSource | null = null;
  private waitingSource: WaitingReactionsSource | null = null;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const source = () => this.projectionSource?.status() ?? [];
    new Gauge({
      name: 'lengow_sync_projection_lag_events',
      help: 'Events a projection is behind the newest position it has seen (-1: unknown)',
      labelNames: ['projection'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const status of source()) this.set({ projection: status.name }, status.lag ?? -1);
      },
    });
    new Gauge({
      name: 'lengow_sync_projection_caught_up',
      help: '1 when a projection has applied everything it has seen, else 0',
      labelNames: ['projection'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const status of source()) this.set({ projection: status.name }, status.caughtUp ? 1 : 0);
      },
    });
    new Gauge({
      name: 'lengow_sync_projection_running',
      help: '1 while a projection runs (or rebuilds), 0 when it failed, stopped or was superseded',
      labelNames: ['projection'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const status of source())
          this.set({ projection: status.name }, status.state === 'running' || status.state === 'rebuilding' ? 1 : 0);
      },
    });
    const waiting = () => this.waitingSource;
    new Gauge({
      name: 'lengow_sync_reactions_waiting',
      help:
        'Work the reactions could not finish on their own, by kind: parked_event (a consumer gave up on an event; ' +
        'replay it), parked_shop_change (the shop feed could not record a change; replay it), ' +
        'deferred_action_request (a Lengow action not built yet; retried by the engine with backoff)',
      labelNames: ['kind'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const source = waiting();
        if (!source) return;
        let counts: Readonly<Record<string, number>>;
        try {
          counts = await source.counts();
        } catch {
          // The database cannot be read now: no sample rather than a false 0, and the rest of the scrape still works.
          return;
        }
        for (const [kind, count] of Object.entries(counts)) this.set({ kind }, count);
      },
    });
  }

  watchWaitingReactions(source: WaitingReactionsSource | null): void {
    this.waitingSource = source;
  }

  watchProjections(source: ProjectionStatusSource | null): void {
    this.projectionSource = source;
  }
}
