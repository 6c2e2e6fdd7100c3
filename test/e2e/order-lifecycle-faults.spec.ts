import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LengowClientTuning } from '../../src/lengow/lengow.module.js';
import type { FaultSpec } from '../../src/sandbox/fault-injector.js';
import { expectedOutcomes, TestEngine, type OutcomeCounts } from '../support/engine.js';
import { checkPostgres, describeWithService, dropSchema, freshSchemaName } from '../support/services.js';

const SEED = 21;
const ORDERS = Number(process.env.LIFECYCLE_FAULT_ORDERS ?? 200);
const postgres = await checkPostgres();

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

interface FaultRun {
  state: FinalState;
  runs: string[];
  /** Armed faults that never fired. */
  unspent: FaultSpec[];
}

/** A fresh engine on the same seed, the fault armed before the first run, runs retried until one succeeds. */
async function runWith(
  faults: FaultSpec[],
  { lengow, postgresSchema }: { lengow?: LengowClientTuning; postgresSchema?: string } = {},
): Promise<FaultRun> {
  const harness = await TestEngine.start({ seed: SEED, orders: ORDERS, lengow, postgresSchema });
  try {
    // Starting the engine already fetched a token (its settings check reads the marketplace list): expired, the run
    // has to fetch another, which is what a token fault needs to fire.
    harness.sandbox!.expireTokens();
    for (const fault of faults) harness.sandbox!.faults.add(fault);
    const reports = await harness.importUntilSucceeded(6, 90_000);
    return {
      state: await finalState(harness),
      runs: reports.map((r) => r.outcome),
      unspent: harness.sandbox!.faults.list(),
    };
  } finally {
    await harness.close();
  }
}

const ORDERS_ROUTE = '/v3.0/orders';

/**
 * Far above what a clean call takes on a busy machine, so only the armed faults time out, yet short enough that each
 * timed-out attempt costs a second rather than the plugins' 10-20 s.
 */
const CLIENT_TIMEOUT_MS = 1_000;
const IMPATIENT_CONNECTOR: LengowClientTuning = {
  timeoutsMs: { token: CLIENT_TIMEOUT_MS, orders: CLIENT_TIMEOUT_MS, moi: CLIENT_TIMEOUT_MS },
  retry: { baseDelayMs: 20, maxDelayMs: 100 },
};
const SLOW_MS = 3 * CLIENT_TIMEOUT_MS;
/**
 * The session token, the first orders page twice in a row (two of the connector's four attempts) and one order's moi:
 * every kind of call the run makes times out at least once, the import's calls and a saga's alike.
 */
const SLOW_FAULTS: FaultSpec[] = [
  { kind: 'slow', route: '/access/get_token', count: 1, delayMs: SLOW_MS },
  { kind: 'slow', route: ORDERS_ROUTE, count: 2, delayMs: SLOW_MS },
  { kind: 'slow', route: '/v3.0/orders/moi/', method: 'PATCH', count: 1, delayMs: SLOW_MS },
];

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

  describe('slow answers past the client timeout (token, orders pages, moi)', () => {
    const expectAbsorbed = ({ state, runs, unspent }: FaultRun): void => {
      expect(unspent).toEqual([]);
      // The connector retries timed-out calls itself: the first run already succeeds.
      expect(runs).toEqual(['succeeded']);
      expect(state).toEqual(clean);
    };

    it('on SQLite', async () => expectAbsorbed(await runWith(SLOW_FAULTS, { lengow: IMPATIENT_CONNECTOR })), 120_000);

    describeWithService(postgres, 'on PostgreSQL', () => {
      let schema: string | undefined;
      afterAll(async () => {
        if (schema) await dropSchema(schema);
      });

      it('ends where the clean run ends', async () => {
        schema = freshSchemaName('lifecycle_slow');
        expectAbsorbed(await runWith(SLOW_FAULTS, { lengow: IMPATIENT_CONNECTOR, postgresSchema: schema }));
      }, 120_000);
    });
  });
});
