import type { EventStore, GlobalPosition } from '../../event-store/event-store.port.js';
import { orderStreamName } from '../domain/order-key.js';
import type { OrderState } from '../domain/order-state.js';
import { summariseOrder, type OrderSummary } from '../domain/order-summary.js';
import { InvalidOverviewQuery } from '../projections/invalid-overview-query.error.js';
import { marketplaceLabel, type MarketplaceLabeler } from '../projections/marketplace-label.js';
import type { OrderOverview, OverviewField } from '../projections/order-overview.js';
import { foldRecordedEvent, initialOverviewFold } from '../projections/overview-fold.js';
import { overviewOf } from '../projections/overview-of.js';
import { timelineEntry, type TimelineEntry } from '../projections/order-timeline.js';
import { overviewChanges } from './field-difference.js';
import { readOrderStream } from './read-order-stream.js';
import { parseIsoInstant } from '../../common/iso-instant.js';

export type OrderKeyInput = { marketplace: string; marketplaceOrderId: string };

/** Up to which point to fold: a revision (inclusive) or an instant (events recorded at or before it). */
export type AuditPoint = { revision: number } | { at: string };

export interface OrderStateAt {
  stream: string;
  /** Last event folded; -1 (and nulls) when the point is before the first event. */
  revision: number;
  position: GlobalPosition | null;
  recordedAt: string | null;
  state: OrderState;
  summary: OrderSummary;
  /** The overview row the order had at that point; null before its first event. */
  overview: OrderOverview | null;
  /** Events recorded after the point. */
  laterEvents: number;
}

export interface ReplayStep {
  event: TimelineEntry;
  /** False when this code could not fold the event (unknown type or version, unreadable data): the state is unchanged. */
  folded: boolean;
  summary: OrderSummary;
  overview: OrderOverview;
  /** Overview fields this event changed (bookkeeping fields such as the revision left out). */
  changes: { field: OverviewField; before: unknown; after: unknown }[];
}

export interface OrderReplay {
  stream: string;
  steps: ReplayStep[];
}

const BOOKKEEPING: readonly OverviewField[] = ['streamRevision', 'lastPosition', 'lastEventAt', 'lastEventType'];

/**
 * An order as it was: folded from its stream up to a revision or an instant, or replayed event by event with what
 * each one changed. Reads the event store only (the read models may lag or be rebuilt); the fold is the overview's
 * own, so "what the overview showed then" and "what the domain decided on" are the same thing.
 */
export class OrderAudit {
  constructor(
    private readonly store: EventStore,
    private readonly label: MarketplaceLabeler = marketplaceLabel,
  ) {}

  async stateAt(key: OrderKeyInput, point: AuditPoint): Promise<OrderStateAt> {
    const stream = streamOf(key);
    const accept = acceptor(point);
    const events = await readOrderStream(this.store, stream);
    let fold = initialOverviewFold(stream);
    let folded = 0;
    for (const event of events) {
      if (!accept(event.revision, event.recordedAt)) break;
      fold = foldRecordedEvent(fold, event);
      folded += 1;
    }
    return {
      stream,
      revision: fold.revision,
      position: fold.position,
      recordedAt: fold.lastEventAt,
      state: fold.state,
      summary: summariseOrder(fold.state),
      overview: overviewOf(fold, this.label),
      laterEvents: events.length - folded,
    };
  }

  /** Every event from `fromRevision` to `toRevision` (inclusive), each with the order's summary and row after it. */
  async replay(key: OrderKeyInput, range: { fromRevision?: number; toRevision?: number } = {}): Promise<OrderReplay> {
    const stream = streamOf(key);
    const from = revisionOption('fromRevision', range.fromRevision) ?? 0;
    const to = revisionOption('toRevision', range.toRevision) ?? Number.MAX_SAFE_INTEGER;
    const events = await readOrderStream(this.store, stream);
    const steps: ReplayStep[] = [];
    let fold = initialOverviewFold(stream);
    for (const event of events) {
      if (event.revision > to) break;
      const before = fold;
      fold = foldRecordedEvent(fold, event);
      if (event.revision < from) continue;
      const overview = overviewOf(fold, this.label)!;
      steps.push({
        event: timelineEntry(event),
        folded: fold.unreadableEvents === before.unreadableEvents,
        summary: summariseOrder(fold.state),
        overview,
        changes: overviewChanges(overviewOf(before, this.label), overview, BOOKKEEPING),
      });
    }
    return { stream, steps };
  }
}

function streamOf(key: OrderKeyInput): string {
  const marketplace = typeof key?.marketplace === 'string' ? key.marketplace.trim().toLowerCase() : '';
  const marketplaceOrderId = typeof key?.marketplaceOrderId === 'string' ? key.marketplaceOrderId.trim() : '';
  if (marketplace === '' || marketplaceOrderId === '') {
    throw new InvalidOverviewQuery('orderKey', 'marketplace and marketplaceOrderId are required');
  }
  return orderStreamName({ marketplace, marketplaceOrderId });
}

function acceptor(point: AuditPoint): (revision: number, recordedAt: string) => boolean {
  if (point && 'revision' in point) {
    const revision = revisionOption('revision', point.revision)!;
    return (candidate) => candidate <= revision;
  }
  const ms = parseIsoInstant(point?.at);
  if (ms === null) throw new InvalidOverviewQuery('at', 'must be an ISO 8601 timestamp with an offset');
  return (_revision, recordedAt) => Date.parse(recordedAt) <= ms;
}

function revisionOption(field: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < -1)
    throw new InvalidOverviewQuery(field, 'must be a revision (an integer from 0)');
  return value;
}
