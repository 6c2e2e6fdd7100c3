import { importDecision, type ImportDecisionInput } from './import-decision.js';
import { DEFAULT_IMPORT_SETTINGS } from './import-settings.js';
import type { ImportState } from './order-state.js';
import { definition, line, NOW, pkg, snapshot } from './testing/order-fixtures.js';

const nowMs = Date.parse(NOW);

function decide(overrides: Partial<ImportDecisionInput> = {}) {
  return importDecision({
    current: { status: 'not_seen' },
    importInProgress: false,
    snapshot: snapshot(),
    definition: definition(),
    settings: DEFAULT_IMPORT_SETTINGS,
    nowMs,
    trigger: 'poll',
    configurationRevision: 'rev-1',
    retryAfterFix: false,
    ...overrides,
  });
}

const failed = (overrides: Partial<Extract<ImportState, { status: 'not_imported' }>> = {}): ImportState => ({
  status: 'not_imported',
  generation: 1,
  kind: 'permanent',
  failures: [{ code: 'PRODUCT_NOT_FOUND', message: 'product 1001_3 could not be found' }],
  attempt: 1,
  nextAttemptAt: null,
  parked: false,
  configurationRevision: 'rev-1',
  at: NOW,
  ...overrides,
});

describe('importDecision', () => {
  it('imports an order waiting for shipment, decrementing stock', () => {
    expect(decide()).toEqual({
      kind: 'import',
      lengowStatus: 'waiting_shipment',
      shippedByMarketplace: false,
      decrementStock: true,
    });
  });

  it.each([
    ['Sent', 'shipped'],
    ['Delivered', 'closed'],
    ['PartiallyRefunded', 'partial_refunded'],
  ])('imports marketplace status %s (%s)', (status, lengow) => {
    expect(decide({ snapshot: snapshot({ marketplaceStatus: status }) })).toMatchObject({
      kind: 'import',
      lengowStatus: lengow,
    });
  });

  it.each([['Cancelled'], ['Refunded'], ['New'], ['Accepted'], ['Rejected'], ['SomethingUnmapped']])(
    'ignores marketplace status %s',
    (status) => {
      expect(decide({ snapshot: snapshot({ marketplaceStatus: status }) })).toMatchObject({
        kind: 'ignore',
        code: 'STATUS_NOT_IMPORTABLE',
        message: `current order's status [${status}] makes it unavailable to import for marketplace demo_market_fr`,
      });
    },
  );

  it('derives the state from the marketplace status, not from lengow_status', () => {
    expect(
      decide({ snapshot: snapshot({ marketplaceStatus: 'Cancelled', lengowStatus: 'waiting_shipment' }) }),
    ).toMatchObject({ kind: 'ignore', lengowStatus: 'canceled' });
  });

  it('follows configured importable statuses', () => {
    const settings = { ...DEFAULT_IMPORT_SETTINGS, importableStatuses: ['accepted'] };
    expect(decide({ settings, snapshot: snapshot({ marketplaceStatus: 'Accepted' }) })).toMatchObject({
      kind: 'import',
      lengowStatus: 'accepted',
    });
    expect(decide({ settings })).toMatchObject({ kind: 'ignore', code: 'STATUS_NOT_IMPORTABLE' });
  });

  it('ignores an order of a marketplace missing from the list', () => {
    expect(decide({ definition: null })).toEqual({
      kind: 'ignore',
      code: 'MARKETPLACE_UNKNOWN',
      message: 'Lengow error: demo_market_fr does not feature in the marketplace list',
      lengowStatus: null,
    });
  });

  it('ignores anonymized orders on a poll', () => {
    expect(decide({ snapshot: snapshot({ anonymized: true }) })).toMatchObject({
      code: 'ANONYMIZED',
      message: 'order is anonymized and has not been imported',
    });
  });

  it('ignores orders older than three calendar months, falling back to imported_at', () => {
    expect(decide({ snapshot: snapshot({ orderDate: '2024-02-02T09:59:59Z' }) })).toMatchObject({
      code: 'TOO_OLD',
      message: 'order is older than 3 months and has not been imported',
    });
    expect(decide({ snapshot: snapshot({ orderDate: '2024-02-02T10:00:01Z' }) })).toMatchObject({ kind: 'import' });
    expect(decide({ snapshot: snapshot({ orderDate: null, importedAt: '2023-12-01T00:00:00Z' }) })).toMatchObject({
      code: 'TOO_OLD',
    });
  });

  it('ignores an order exactly three calendar months old: the rule is "3 months or more"', () => {
    expect(decide({ snapshot: snapshot({ orderDate: '2024-02-02T10:00:00Z' }) })).toMatchObject({
      kind: 'ignore',
      code: 'TOO_OLD',
      message: 'order is older than 3 months and has not been imported',
    });
  });

  it('counts months to the end of a shorter month: on May 31 an order of Mar 1 is not yet 3 months old', () => {
    // given now = 2025-05-31 (three months back is Feb 28, not "Feb 31" rolled over to Mar 3)
    const onMay31 = (orderDate: string) =>
      decide({ nowMs: Date.parse('2025-05-31T12:00:00Z'), snapshot: snapshot({ orderDate }) });
    expect(onMay31('2025-03-01T08:00:00Z')).toMatchObject({ kind: 'import' });
    expect(onMay31('2025-02-28T12:00:01Z')).toMatchObject({ kind: 'import' });
    expect(onMay31('2025-02-28T12:00:00Z')).toMatchObject({ kind: 'ignore', code: 'TOO_OLD' });
    // and in a leap year the cut is Feb 29
    const onMay31Leap = (orderDate: string) =>
      decide({ nowMs: Date.parse('2024-05-31T12:00:00Z'), snapshot: snapshot({ orderDate }) });
    expect(onMay31Leap('2024-03-01T00:00:00Z')).toMatchObject({ kind: 'import' });
    expect(onMay31Leap('2024-02-29T12:00:00Z')).toMatchObject({ kind: 'ignore', code: 'TOO_OLD' });
    // an order of Nov 30 is 2 months 29 days old on Feb 28, and too old from Mar 1
    const order = snapshot({ orderDate: '2024-11-30T10:00:00Z' });
    expect(decide({ nowMs: Date.parse('2025-02-28T10:00:00Z'), snapshot: order })).toMatchObject({ kind: 'import' });
    expect(decide({ nowMs: Date.parse('2025-03-01T10:00:00Z'), snapshot: order })).toMatchObject({ code: 'TOO_OLD' });
  });

  it('ignores an order another connector already imported', () => {
    expect(decide({ snapshot: snapshot({ merchantOrderIds: ['PS-1042'] }) })).toMatchObject({
      code: 'ALREADY_IMPORTED_ELSEWHERE',
      message: 'already imported in the shop with the order ID PS-1042',
    });
  });

  describe("Lengow's values in a reason, which the order's events and the overview store", () => {
    it('given a marketplace status with NUL and long past reason, when ignored, then the reason quotes it escaped and bounded', () => {
      const status = `\u0000Ship${'x'.repeat(150)}`;
      expect(decide({ snapshot: snapshot({ marketplaceStatus: status }) })).toMatchObject({
        code: 'STATUS_NOT_IMPORTABLE',
        message: `current order's status [\\u0000Ship${'x'.repeat(95)}… (155 characters)] makes it unavailable to import for marketplace demo_market_fr`,
      });
    });

    it('given merchant order ids with control characters and many of them, when ignored, then five are quoted and the rest counted', () => {
      const ids = ['PS-\u00001042', 'PS-1043\u001b', 'PS-3', 'PS-4', 'P'.repeat(101), 'PS-6', 'PS-7'];
      expect(decide({ snapshot: snapshot({ merchantOrderIds: ids }) })).toMatchObject({
        code: 'ALREADY_IMPORTED_ELSEWHERE',
        message: `already imported in the shop with the order ID PS-\\u00001042, PS-1043\\u001b, PS-3, PS-4, ${'P'.repeat(100)}… (101 characters) and 2 more`,
      });
    });

    it('given five merchant order ids, when ignored, then all are listed', () => {
      const ids = ['PS-1', 'PS-2', 'PS-3', 'PS-4', 'PS-5'];
      expect(decide({ snapshot: snapshot({ merchantOrderIds: ids }) })).toMatchObject({
        message: 'already imported in the shop with the order ID PS-1, PS-2, PS-3, PS-4, PS-5',
      });
    });

    it('given a marketplace name with a control character, when the marketplace ships the order, then the reason escapes it', () => {
      const fba = snapshot({ orderTypes: [{ type: 'is_delivered_by_marketplace', label: 'AFN' }] });
      expect(decide({ snapshot: fba, definition: definition({ label: 'Demo\u0007 Market' }) })).toMatchObject({
        code: 'SHIPPED_BY_MARKETPLACE',
        message: 'order shipped by Demo\\u0007 Market',
      });
    });
  });

  it('lets an operator import what a poll ignores as anonymized or old', () => {
    expect(
      decide({ trigger: 'operator', snapshot: snapshot({ anonymized: true, orderDate: '2020-01-01T00:00:00Z' }) }),
    ).toMatchObject({ kind: 'import' });
  });

  it('waits while any line is waiting for acceptance', () => {
    const order = snapshot({
      packages: [pkg({ lines: [line(), line({ lineId: 'DM-2', marketplaceStatus: 'New' })] })],
    });
    expect(decide({ snapshot: order })).toMatchObject({ kind: 'ignore', code: 'LINES_WAITING_ACCEPTANCE' });
  });

  it('does not create orders shipped by the marketplace by default', () => {
    const fba = snapshot({ orderTypes: [{ type: 'is_delivered_by_marketplace', label: 'AFN' }] });
    expect(decide({ snapshot: fba })).toMatchObject({
      kind: 'ignore',
      code: 'SHIPPED_BY_MARKETPLACE',
      message: 'order shipped by Demo Market FR',
    });
  });

  it('creates orders shipped by the marketplace when enabled, without stock decrement unless that is enabled too', () => {
    const fba = snapshot({ orderTypes: [{ type: 'is_delivered_by_marketplace', label: 'AFN' }] });
    const create = { ...DEFAULT_IMPORT_SETTINGS, createShippedByMarketplace: true };
    expect(decide({ snapshot: fba, settings: create })).toEqual({
      kind: 'import',
      lengowStatus: 'waiting_shipment',
      shippedByMarketplace: true,
      decrementStock: false,
    });
    expect(decide({ snapshot: fba, settings: { ...create, decrementStockShippedByMarketplace: true } })).toMatchObject({
      decrementStock: true,
    });
  });

  it('reads the tracking flag alone as shipped by the marketplace, as orders without order types send it', () => {
    const flagged = snapshot({ orderTypes: [], packages: [pkg({ deliveredByMarketplace: true })] });
    expect(decide({ snapshot: flagged })).toMatchObject({ kind: 'ignore', code: 'SHIPPED_BY_MARKETPLACE' });
    const create = { ...DEFAULT_IMPORT_SETTINGS, createShippedByMarketplace: true };
    expect(decide({ snapshot: flagged, settings: create })).toMatchObject({
      kind: 'import',
      shippedByMarketplace: true,
      decrementStock: false,
    });
  });

  it('never imports an imported order again on a poll, nor while an import is in flight', () => {
    expect(decide({ current: { status: 'imported', generation: 1, at: NOW, lastReimportFailure: null } })).toEqual({
      kind: 'wait',
      reason: 'already_imported',
    });
    expect(decide({ importInProgress: true })).toEqual({ kind: 'wait', reason: 'import_in_progress' });
  });

  it('lets a re-import through an imported order', () => {
    expect(
      decide({
        trigger: 'reimport',
        current: { status: 'imported', generation: 1, at: NOW, lastReimportFailure: null },
      }),
    ).toMatchObject({ kind: 'import' });
  });

  it('does not retry a permanent failure on a poll', () => {
    expect(decide({ current: failed() })).toEqual({ kind: 'wait', reason: 'failed_permanently' });
  });

  it('retries a permanent failure once the operator fixed something or the configuration changed', () => {
    expect(decide({ current: failed(), retryAfterFix: true })).toMatchObject({ kind: 'import' });
    expect(decide({ current: failed(), configurationRevision: 'rev-2' })).toMatchObject({ kind: 'import' });
  });

  it('retries a transient failure only after its backoff', () => {
    const transient = failed({ kind: 'transient', nextAttemptAt: '2024-05-02T10:05:00.000Z' });
    expect(decide({ current: transient })).toEqual({ kind: 'wait', reason: 'retry_not_due' });
    expect(decide({ current: transient, nowMs: Date.parse('2024-05-02T10:05:00.000Z') })).toMatchObject({
      kind: 'import',
    });
  });

  it('treats a parked transient failure like a permanent one', () => {
    expect(decide({ current: failed({ kind: 'transient', parked: true, nextAttemptAt: null }) })).toEqual({
      kind: 'wait',
      reason: 'failed_permanently',
    });
  });

  it('ignores a failed order whose status is no longer importable, so the failure stops showing', () => {
    expect(decide({ current: failed(), snapshot: snapshot({ marketplaceStatus: 'Cancelled' }) })).toMatchObject({
      kind: 'ignore',
      code: 'STATUS_NOT_IMPORTABLE',
    });
  });

  it('re-evaluates an ignored order on every poll, so it imports once its status allows it', () => {
    const ignored: ImportState = { status: 'ignored', code: 'STATUS_NOT_IMPORTABLE', message: 'x', at: NOW };
    expect(decide({ current: ignored })).toMatchObject({ kind: 'import' });
  });
});
