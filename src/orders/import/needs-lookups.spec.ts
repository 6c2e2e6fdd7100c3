import { parseOrder } from '../../lengow/dto/parse-order.js';
import { parseMarketplaces } from '../../lengow/marketplace-definition.js';
import { defaultMarketplaces } from '../../sandbox/marketplaces.js';
import { generateOrder } from '../../sandbox/order-generator.js';
import { importDecision } from '../domain/import-decision.js';
import type { ImportTrigger } from '../domain/import-events.js';
import { DEFAULT_IMPORT_SETTINGS, type ImportSettings } from '../domain/import-settings.js';
import type { ImportState } from '../domain/order-state.js';
import { definition, pkg, snapshot } from '../domain/testing/order-fixtures.js';
import { toDomainMarketplaceDefinition } from '../lengow-mapping/to-domain-marketplace-definition.js';
import { toMarketplaceOrderSnapshot } from '../lengow-mapping/to-marketplace-order-snapshot.js';
import { needsLookups } from './needs-lookups.js';

const NOW = Date.parse('2025-03-10T12:00:00Z');
const DEFINITIONS = parseMarketplaces(defaultMarketplaces())!.definitions;

const STATES: ImportState[] = [
  { status: 'not_seen' },
  { status: 'ignored', code: 'STATUS_NOT_IMPORTABLE', message: 'x', at: '2025-03-09T00:00:00.000Z' },
  ...[
    { kind: 'permanent' as const, parked: false, nextAttemptAt: null, configurationRevision: 'old' },
    {
      kind: 'transient' as const,
      parked: false,
      nextAttemptAt: '2025-03-01T00:00:00.000Z',
      configurationRevision: 'cfg',
    },
    { kind: 'transient' as const, parked: true, nextAttemptAt: null, configurationRevision: 'cfg' },
  ].map((failure): ImportState => ({
    status: 'not_imported',
    generation: 1,
    failures: [{ code: 'SHOP_UNAVAILABLE', message: 'x' }],
    attempt: 1,
    at: '2025-03-09T00:00:00.000Z',
    ...failure,
  })),
  { status: 'imported', generation: 1, at: '2025-03-09T00:00:00.000Z', lastReimportFailure: null },
];
const TRIGGERS: ImportTrigger[] = ['poll', 'operator', 'reimport'];
const SETTINGS: ImportSettings[] = [
  DEFAULT_IMPORT_SETTINGS,
  { ...DEFAULT_IMPORT_SETTINGS, createShippedByMarketplace: true },
  { ...DEFAULT_IMPORT_SETTINGS, importableStatuses: ['accepted', 'waiting_shipment'] },
];

describe('needsLookups', () => {
  it('spares the shop only for orders the rules would not create in any state, by any trigger', () => {
    let spared = 0;
    let needed = 0;
    const wrongly: string[] = [];
    for (let index = 0; index < 200; index++) {
      const raw = JSON.parse(JSON.stringify(generateOrder(5, index, NOW - index * 60_000, { accountId: 1 })));
      const parsed = parseOrder(raw);
      if (!parsed.ok) throw new Error(parsed.reason);
      const lengow = DEFINITIONS.get(parsed.order.marketplace)!;
      const definition = toDomainMarketplaceDefinition(lengow);
      const snapshot = toMarketplaceOrderSnapshot(parsed.order, lengow);
      for (const settings of SETTINGS) {
        if (needsLookups(snapshot, definition, settings)) {
          needed++;
          continue;
        }
        spared++;
        for (const current of STATES)
          for (const trigger of TRIGGERS) {
            const decision = importDecision({
              current,
              importInProgress: false,
              snapshot,
              definition,
              settings,
              nowMs: NOW,
              trigger,
              configurationRevision: 'cfg',
              retryAfterFix: trigger !== 'poll',
            });
            if (decision.kind === 'import') wrongly.push(`#${index} ${current.status}/${trigger}`);
          }
      }
    }
    expect(wrongly).toEqual([]);
    // Both answers occur: the check is neither "always" nor "never".
    expect(spared).toBeGreaterThan(50);
    expect(needed).toBeGreaterThan(300);
  });

  it('spares the shop for an order shipped by the marketplace that says so only in its tracking', () => {
    const flagged = snapshot({ orderTypes: [], packages: [pkg({ deliveredByMarketplace: true })] });
    expect(needsLookups(flagged, definition(), DEFAULT_IMPORT_SETTINGS)).toBe(false);
    expect(needsLookups(flagged, definition(), { ...DEFAULT_IMPORT_SETTINGS, createShippedByMarketplace: true })).toBe(
      true,
    );
  });
});
