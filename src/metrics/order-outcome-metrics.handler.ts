import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import type { RecordedDomainEvent } from '../cqrs/recorded-domain-event.js';
import {
  ActionConfirmedEvent,
  ActionRejectedEvent,
  ActionRequestedEvent,
  ActionSendFailedEvent,
  ActionSentEvent,
  ActionTimedOutEvent,
  OrderImportFailedEvent,
  OrderImportIgnoredEvent,
  OrderImportPlannedEvent,
} from '../orders/events/order-event-classes.js';
import { EngineMetrics } from './engine-metrics.js';

const IMPORT_OUTCOMES: Readonly<Record<string, string>> = {
  OrderImportPlanned: 'planned',
  OrderImportIgnored: 'ignored',
  OrderImportFailed: 'failed',
};

const ACTION_OUTCOMES: Readonly<Record<string, string>> = {
  ActionRequested: 'requested',
  ActionSent: 'sent',
  ActionSendFailed: 'send_failed',
  ActionConfirmed: 'confirmed',
  ActionRejected: 'rejected',
  ActionTimedOut: 'timed_out',
};

/**
 * Counts import and action outcomes from the EventBus, which the bridge feeds from the event store's durable
 * subscription: what is counted is what was stored, once per event seen by this process since it started.
 */
@EventsHandler(
  OrderImportPlannedEvent,
  OrderImportIgnoredEvent,
  OrderImportFailedEvent,
  ActionRequestedEvent,
  ActionSentEvent,
  ActionSendFailedEvent,
  ActionConfirmedEvent,
  ActionRejectedEvent,
  ActionTimedOutEvent,
)
export class OrderOutcomeMetricsHandler implements IEventHandler<RecordedDomainEvent> {
  constructor(private readonly metrics: EngineMetrics) {}

  handle(event: RecordedDomainEvent): void {
    const imported = IMPORT_OUTCOMES[event.type];
    if (imported) {
      this.metrics.orderImports.inc({ outcome: imported });
      return;
    }
    const outcome = ACTION_OUTCOMES[event.type];
    if (!outcome) return;
    const actionType = (event.data as { actionType?: unknown }).actionType;
    this.metrics.orderActions.inc({ action: typeof actionType === 'string' ? actionType : 'unknown', outcome });
  }
}
