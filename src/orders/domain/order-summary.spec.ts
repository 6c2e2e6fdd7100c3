import { DEFAULT_IMPORT_SETTINGS } from './import-settings.js';
import { evolve } from './evolve.js';
import { initialState } from './order-state.js';
import { summariseOrder } from './order-summary.js';
import type { OrderEvent } from './order-events.js';
import { lookups, snapshot } from './testing/order-fixtures.js';
import {
  historyOf,
  importedHistory,
  importFailure,
  importOrder,
  later,
  shipRequestedHistory,
} from './testing/order-scenario.js';

const summary = (events: OrderEvent[]) => summariseOrder(events.reduce(evolve, initialState()));

describe('summariseOrder', () => {
  it('shows an order never seen', () => {
    expect(summary([])).toEqual({
      import: { status: 'not_seen' },
      actions: { ship: { status: 'none' }, cancel: { status: 'none' }, refund: { status: 'none' } },
      shopOrderIds: [],
      marketplaceStatus: null,
      lengowStatus: null,
      progress: 'in_progress',
    });
  });

  it('shows an import in progress, then imported with its shop orders', () => {
    expect(summary(historyOf(importOrder())).import).toEqual({
      status: 'importing',
      since: '2024-05-02T10:00:00.000Z',
    });
    expect(summary(importedHistory())).toMatchObject({
      import: { status: 'imported', generation: 1, reimportFailure: null },
      shopOrderIds: ['SO-1'],
    });
  });

  it('shows "not imported" with every message, and how it will be retried', () => {
    expect(summary(historyOf(importOrder({ lookups: lookups({ currencyAvailable: false }) }))).import).toEqual({
      status: 'not_imported',
      messages: ['the EUR currency is not available in your shop'],
      retry: 'after_fix',
      nextAttemptAt: null,
    });
    expect(summary(historyOf(importFailure())).import).toEqual({
      status: 'not_imported',
      messages: ['the shop did not answer'],
      retry: 'automatic',
      nextAttemptAt: later(2),
    });
  });

  it('shows an ignored order with its reason, closed when the marketplace ships it', () => {
    const fba = snapshot({ orderTypes: [{ type: 'is_delivered_by_marketplace', label: 'AFN' }] });
    expect(summary(historyOf(importOrder({ snapshot: fba, settings: DEFAULT_IMPORT_SETTINGS })))).toMatchObject({
      import: { status: 'ignored', code: 'SHIPPED_BY_MARKETPLACE', reason: 'order shipped by Demo Market FR' },
      progress: 'closed',
    });
  });

  it('shows an open action as waiting, and the order closed once Lengow reports a finishing status', () => {
    expect(summary(shipRequestedHistory()).actions.ship).toEqual({ status: 'waiting', since: later(11) });
    const canceled = historyOf(importOrder({ snapshot: snapshot({ marketplaceStatus: 'Cancelled' }) }));
    expect(summary(canceled).progress).toBe('closed');
    expect(summary(importedHistory()).progress).toBe('in_progress');
  });
});
