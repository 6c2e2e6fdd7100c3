import type { RecordedEvent } from '../../event-store/event-store.port.js';
import type { OrderEvent } from '../domain/order-events.js';
import { snapshot } from '../domain/testing/order-fixtures.js';
import {
  historyOf,
  importFailure,
  importOrder,
  later,
  requestCancel,
  shipped,
  shopChange,
  shopOrdersCreated,
  STREAM,
  requestShip,
} from '../domain/testing/order-scenario.js';
import { foldOverview } from './overview-fold.js';
import { overviewOf } from './overview-of.js';

/** Domain events as the store would hand them back. */
function recorded(events: OrderEvent[]): RecordedEvent[] {
  return events.map((event, revision) => ({
    id: `e${revision}`,
    stream: STREAM,
    revision,
    position: String(revision + 1).padStart(19, '0'),
    type: event.type,
    data: event.data as unknown as Record<string, unknown>,
    metadata: { schemaVersion: event.schemaVersion },
    recordedAt: later(revision),
  }));
}

const overview = (events: OrderEvent[]) => overviewOf(foldOverview(STREAM, recorded(events)))!;

describe('overviewOf', () => {
  it('is null before the first event', () => {
    expect(overviewOf(foldOverview(STREAM, []))).toBeNull();
  });

  it('shows a transient import failure as retried automatically, with the next attempt', () => {
    expect(overview(historyOf(importFailure()))).toMatchObject({
      importState: 'not_imported',
      importRetry: 'automatic',
      importNextAttemptAt: later(2),
      importMessages: ['the shop did not answer'],
      marketplace: 'demo_market_fr',
      marketplaceOrderId: 'DM-2024-000123',
    });
  });

  it('summarises actions: a failure first, with every failed type and its messages', () => {
    const history = historyOf(
      importOrder(),
      shopOrdersCreated(),
      shopChange('chg-cancel', { kind: 'canceled' }),
      requestCancel('chg-cancel', { choices: { reason: 'BORED' } }),
      shopChange('chg-ship', shipped(null), 'SO-1', later(20)),
      requestShip('chg-ship', { now: later(21) }),
    );
    const row = overview(history);
    expect(row).toMatchObject({
      shipState: 'failed',
      cancelState: 'failed',
      actionState: 'failed',
      actionType: 'ship',
    });
    expect(row.actionMessages).toEqual([...row.shipMessages, ...row.cancelMessages]);
    expect(row.actionMessages).toHaveLength(2);
  });

  it('shows a cancel closed by a shipped status as closed, and the order closed', () => {
    const row = overview(
      historyOf(
        importOrder(),
        shopOrdersCreated(),
        shopChange('chg-cancel', { kind: 'canceled' }),
        requestCancel('chg-cancel', { choices: { reason: 'BORED' } }),
        importOrder({ snapshot: snapshot({ marketplaceStatus: 'Sent' }), now: later(60) }),
      ),
    );
    expect(row).toMatchObject({
      cancelState: 'closed',
      actionState: 'closed',
      actionType: 'cancel',
      actionMessages: [],
      cancelMessages: [],
      lengowStatus: 'shipped',
      progress: 'closed',
    });
  });

  it('records first seen, last event and where the stream stands', () => {
    const events = recorded(historyOf(importOrder(), shopOrdersCreated()));
    expect(overviewOf(foldOverview(STREAM, events))).toMatchObject({
      firstSeenAt: events[0]!.recordedAt,
      lastEventAt: events[1]!.recordedAt,
      lastEventType: 'OrderImported',
      streamRevision: 1,
      lastPosition: events[1]!.position,
      importedAt: later(1),
    });
  });
});
