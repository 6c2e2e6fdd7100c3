import { Inject, Injectable, type BeforeApplicationShutdown, type MessageEvent } from '@nestjs/common';
import { Observable, type Subscriber } from 'rxjs';
import {
  EVENT_STORE,
  type EventStore,
  type GlobalPosition,
  type RecordedEvent,
} from '../../event-store/event-store.port.js';
import { InvalidEventStoreInput } from '../../event-store/event-ids.js';
import { HTTP_API_OPTIONS, type HttpApiOptions } from '../../http/http-api-options.js';
import { HttpProblem } from '../../http/http-problem.js';
import { EngineMetrics } from '../../metrics/engine-metrics.js';

/** One SSE message: which order changed and how; clients re-read the order (or its overview row) when they care. */
export interface OrderChange {
  readonly position: GlobalPosition;
  readonly stream: string;
  readonly marketplace: string;
  readonly marketplaceOrderId: string;
  readonly revision: number;
  readonly type: string;
  readonly recordedAt: string;
}

const ORDER_PREFIX = 'order-';

/** `order-<marketplace>-<id>`: marketplace codes carry no `-` (`amazon_fr`), order ids may. */
export function orderChangeOf(event: RecordedEvent): OrderChange {
  const rest = event.stream.slice(ORDER_PREFIX.length);
  const dash = rest.indexOf('-');
  return {
    position: event.position,
    stream: event.stream,
    marketplace: dash < 0 ? rest : rest.slice(0, dash),
    marketplaceOrderId: dash < 0 ? '' : rest.slice(dash + 1),
    revision: event.revision,
    type: event.type,
    recordedAt: event.recordedAt,
  };
}

/**
 * Live order changes for Server-Sent Events: each client gets its own subscription to the event store from a global
 * position (order streams only), so a reconnect with `Last-Event-ID` resumes exactly after the last event it got,
 * with nothing skipped and nothing repeated. Heartbeat comments keep proxies from closing a quiet stream; at shutdown
 * every stream is completed first, so the HTTP server can close instead of waiting on open connections.
 */
@Injectable()
export class OrderChangeStream implements BeforeApplicationShutdown {
  private readonly open = new Set<Subscriber<MessageEvent>>();
  private readonly heartbeatMs: number;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(HTTP_API_OPTIONS) options: HttpApiOptions,
    private readonly metrics: EngineMetrics,
  ) {
    this.heartbeatMs = options.sseHeartbeatMs ?? 15_000;
  }

  /** Refuses (400) a position this store cannot read from, before any header of the stream is sent. */
  async checkPosition(position: GlobalPosition, field: string): Promise<void> {
    try {
      await this.store.readAll({ fromPosition: position, maxCount: 1 });
    } catch (error) {
      if (!(error instanceof InvalidEventStoreInput)) throw error;
      throw new HttpProblem(400, 'INVALID_POSITION', 'Bad Request', `${field} is not a position of this event store`, {
        errors: [{ field, message: `${field} must be an id this stream sent (a global position)` }],
      });
    }
  }

  /** The newest position the store reports, when it reports one (SQLite does); null otherwise. */
  async head(): Promise<GlobalPosition | null> {
    const health = await this.store.health().catch(() => null);
    const last = health?.details?.lastPosition;
    return typeof last === 'string' ? last : null;
  }

  /** Order changes strictly after `from` (null: from the first event), then live, until the client leaves. */
  changes(from: GlobalPosition | null): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      const abort = new AbortController();
      this.open.add(subscriber);
      this.metrics.sseClients.inc();
      // The first frame carries the position the stream starts from as its id: EventSource keeps the last id it saw
      // and sends it back when it reconnects, so a client that lost the stream before any change resumes from there.
      // Without an id here, Nest would number the frame itself (1), and that resume would be refused as no position.
      // An empty id (a stream from the very first event) clears the client's, which then reconnects from the newest.
      subscriber.next({ id: from ?? '', retry: 2000, comment: 'connected' });
      const heartbeat = setInterval(() => subscriber.next({ comment: 'heartbeat' }), this.heartbeatMs);
      heartbeat.unref();
      void (async () => {
        const events = this.store.subscribe({ from, filter: { streamPrefixes: [ORDER_PREFIX] }, signal: abort.signal });
        for await (const event of events) {
          if (subscriber.closed) break;
          subscriber.next({ id: event.position, type: 'order-changed', data: orderChangeOf(event) });
        }
        subscriber.complete();
      })().catch((error: unknown) => {
        if (!abort.signal.aborted) subscriber.error(error);
      });
      return () => {
        abort.abort();
        clearInterval(heartbeat);
        if (this.open.delete(subscriber)) this.metrics.sseClients.dec();
      };
    });
  }

  beforeApplicationShutdown(): void {
    for (const subscriber of [...this.open]) subscriber.complete();
  }
}
