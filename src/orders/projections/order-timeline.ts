import type { EventStore, GlobalPosition, RecordedEvent } from '../../event-store/event-store.port.js';
import { orderStreamName } from '../domain/order-key.js';
import { InvalidOverviewQuery, type OverviewQueryProblem } from './invalid-overview-query.error.js';

/** One event of an order's history with who, when and why. */
export interface TimelineEntry {
  id: string;
  revision: number;
  position: GlobalPosition;
  type: string;
  /** When the store recorded it (ISO 8601, UTC). */
  recordedAt: string;
  /** `system`, `operator:<name>`, `api-key:<id>`, `saga:<name>`; null on events written without one. */
  actor: string | null;
  correlationId: string | null;
  causationId: string | null;
  commandId: string | null;
  schemaVersion: number | null;
  data: Record<string, unknown>;
  /** The whole metadata, for fields the ones above do not cover. */
  metadata: Record<string, unknown>;
}

export interface TimelinePage {
  stream: string;
  entries: TimelineEntry[];
  /** `fromRevision` of the next page in the same direction; null when this page reached the end. */
  nextRevision: number | null;
}

export interface TimelineOptions {
  /** First revision of the page (inclusive); default the first event, or the last one when reading backwards. */
  fromRevision?: number;
  /** 1 to 500, default 100. */
  limit?: number;
  direction?: 'forwards' | 'backwards';
}

export const MAX_TIMELINE_PAGE = 500;

/** The order's history straight from its stream (never from a read model), page by page. */
export class OrderTimeline {
  constructor(private readonly store: EventStore) {}

  async page(
    key: { marketplace: string; marketplaceOrderId: string },
    options: TimelineOptions = {},
  ): Promise<TimelinePage> {
    if (typeof key?.marketplace !== 'string' || typeof key.marketplaceOrderId !== 'string') {
      throw new InvalidOverviewQuery('orderKey', 'marketplace and marketplaceOrderId are required');
    }
    const marketplace = key.marketplace.trim().toLowerCase();
    const marketplaceOrderId = key.marketplaceOrderId.trim();
    if (marketplace === '' || marketplaceOrderId === '') {
      throw new InvalidOverviewQuery('orderKey', 'marketplace and marketplaceOrderId are required');
    }
    return this.pageOfStream(orderStreamName({ marketplace, marketplaceOrderId }), options);
  }

  async pageOfStream(stream: string, options: TimelineOptions = {}): Promise<TimelinePage> {
    const problems: OverviewQueryProblem[] = [];
    const direction = options.direction ?? 'forwards';
    if (direction !== 'forwards' && direction !== 'backwards') {
      problems.push({ field: 'direction', message: 'must be forwards or backwards' });
    }
    const limit = options.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TIMELINE_PAGE) {
      problems.push({ field: 'limit', message: `must be an integer from 1 to ${MAX_TIMELINE_PAGE}` });
    }
    const from = options.fromRevision;
    if (from !== undefined && (!Number.isSafeInteger(from) || from < 0)) {
      problems.push({ field: 'fromRevision', message: 'must be a revision (an integer from 0)' });
    }
    InvalidOverviewQuery.throwIfAny(problems);
    // One more than asked tells whether another page follows without a second read.
    const events = await this.store.readStream(stream, { fromRevision: from, maxCount: limit + 1, direction });
    const entries = events.slice(0, limit).map(timelineEntry);
    const next = events.length > limit ? events[limit]! : null;
    return { stream, entries, nextRevision: next ? next.revision : null };
  }
}

export function timelineEntry(event: RecordedEvent): TimelineEntry {
  const metadata = (event.metadata ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    id: event.id,
    revision: event.revision,
    position: event.position,
    type: event.type,
    recordedAt: event.recordedAt,
    actor: text(metadata.actor),
    correlationId: text(metadata.correlationId),
    causationId: text(metadata.causationId),
    commandId: text(metadata.commandId),
    schemaVersion: typeof metadata.schemaVersion === 'number' ? metadata.schemaVersion : null,
    data: event.data,
    metadata,
  };
}
