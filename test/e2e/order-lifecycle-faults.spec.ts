import { beforeAll, describe, expect, it } from '@jest/globals';
import type { FaultSpec } from '../../src/sandbox/fault-injector.js';
import { expectedOutcomes, TestEngine, type OutcomeCounts } from '../support/engine.js';

const SEED = 21;
const ORDERS = Number(process.env.LIFECYCLE_FAULT_ORDERS ?? 200);

interface FinalState {
  outcomes: OutcomeCounts;
  shopOrders: number;
  stock: Record<string, number>;
  moiOrders: number;
}

async function finalState(harness: TestEngine): Promise<FinalState> {
  const facts = await harness.shopFacts();
  const moi = new Set(harness.sandbox!.state.moiCalls.map((c) => `${c.marketplace}:${c.marketplace_order_id}`));
  return { outcomes: await harness.outcomes(), shopOrders: facts.shopOrders, stock: facts.stock, moiOrders: moi.size };
}

/** A fresh engine on the same seed, the fault armed before the first run, runs retried until one succeeds. */
async function runWith(faults: FaultSpec[]): Promise<{ state: FinalState; runs: string[] }> {
  const harness = await TestEngine.start({ seed: SEED, orders: ORDERS });
  try {
    for (const fault of faults) harness.sandbox!.faults.add(fault);
    const reports = await harness.importUntilSucceeded(6, 90_000);
    return { state: await finalState(harness), runs: reports.map((r) => r.outcome) };
  } finally {
    await harness.close();
  }
}

const ORDERS_ROUTE = '/v3.0/orders';

describe(`the whole engine under Lengow faults ends where a clean run of the same ${ORDERS} orders ends`, () => {
  let clean: FinalState;

  beforeAll(async () => {
    const harness = await TestEngine.start({ seed: SEED, orders: ORDERS });
    try {
      await harness.importAndSettle(90_000);
      clean = await finalState(harness);
    } finally {
      await harness.close();
    }
  }, 120_000);

  it('the clean run imports the manifest’s orders', () => {
    expect(clean.outcomes).toEqual(expectedOutcomes(SEED, ORDERS));
    expect(clean.moiOrders).toBe(clean.outcomes.imported);
    expect(clean.shopOrders).toBeGreaterThanOrEqual(clean.outcomes.imported);
  });

  const cases: [string, FaultSpec[]][] = [
    ['429 with Retry-After', [{ kind: 'http_429', route: ORDERS_ROUTE, count: 1, retryAfterSeconds: 0 }]],
    ['503 from the load balancer', [{ kind: 'http_503', route: ORDERS_ROUTE, count: 2 }]],
    ['token expiry (401 mid-run)', [{ kind: 'unauthorized', route: ORDERS_ROUTE, count: 1 }]],
    ['malformed JSON page', [{ kind: 'malformed_json', route: ORDERS_ROUTE, count: 1 }]],
    ['repeated orders across pages', [{ kind: 'duplicate_across_pages', route: ORDERS_ROUTE, count: 1 }]],
    ['changed delivery.id', [{ kind: 'changing_delivery_id', route: ORDERS_ROUTE, count: 2 }]],
  ];

  it.each(cases)(
    '%s',
    async (_name, faults) => {
      const { state, runs } = await runWith(faults);
      expect(runs[runs.length - 1]).toBe('succeeded');
      expect(state).toEqual(clean);
    },
    120_000,
  );

  // The boot builds the connector with its default timeouts (LengowModule has no timeout option), so a "slow" fault
  // past the client timeout would take that long per call here.
  it.skip('slow answers past the client timeout (skipped: the connector timeout cannot be set through startEngine)', () => {
    console.warn('skipped: slow fault — LengowModule.register takes no timeouts; see the importer sandbox spec');
  });
});
