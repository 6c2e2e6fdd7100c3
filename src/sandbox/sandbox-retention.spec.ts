import { startSandbox, type Sandbox } from './sandbox-server.js';
import { DEFAULT_MAX_MOI_CALLS } from './sandbox-state.js';

const ANCHOR = Date.parse('2025-03-10T12:00:00Z');
const HOUR = 3600_000;
const DAY = 24 * HOUR;
type Json = Record<string, unknown>;
type Envelope = { count: number; results: Json[] };

/** A sandbox on a fake clock with a token, and the calls a soak test makes. */
async function harness(options: Parameters<typeof startSandbox>[0]) {
  const clock = { ms: ANCHOR };
  const sandbox = await startSandbox({
    seed: 3,
    orderCount: 50,
    anchor: new Date(ANCHOR),
    now: () => new Date(clock.ms),
    // The clock jumps days ahead; one token must outlive that.
    tokenLifetimeSeconds: 30 * 24 * 3600,
    ...options,
  });
  const response = await fetch(`${sandbox.url}/access/get_token`, {
    method: 'POST',
    body: new URLSearchParams({ access_token: 'k', secret: 's' }),
  });
  const token = ((await response.json()) as { token: string }).token;
  const manifest = (await (await fetch(`${sandbox.url}/_sandbox/manifest?orders=1`)).json()) as {
    orders: { marketplace: string; marketplace_order_id: string }[];
  };
  const order = (i: number) => manifest.orders[i]!;
  const postAction = async (i: number): Promise<number> => {
    const { marketplace, marketplace_order_id } = order(i);
    const posted = await fetch(`${sandbox.url}/v3.0/orders/actions/`, {
      method: 'POST',
      headers: { Authorization: token },
      // Refused or accepted does not matter here: either way the action is processed and kept alike.
      body: new URLSearchParams({ account_id: '4242', marketplace, marketplace_order_id, action_type: 'ship' }),
    });
    expect(posted.status).toBe(201);
    return ((await posted.json()) as { id: number }).id;
  };
  const listActions = async (params: Record<string, string> = {}): Promise<Envelope> => {
    const listed = await fetch(
      `${sandbox.url}/v3.0/orders/actions/?${new URLSearchParams({ account_id: '4242', ...params })}`,
      { headers: { Authorization: token } },
    );
    expect(listed.status).toBe(200);
    return (await listed.json()) as Envelope;
  };
  const moi = async (i: number, shopOrderId: string) => {
    const { marketplace, marketplace_order_id } = order(i);
    const sent = await fetch(`${sandbox.url}/v3.0/orders/moi/`, {
      method: 'PATCH',
      headers: { Authorization: token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ account_id: 4242, marketplace, marketplace_order_id, merchant_order_id: [shopOrderId] }),
    });
    expect(sent.status).toBe(200);
  };
  const admin = async <T>(path: string): Promise<T> => (await (await fetch(`${sandbox.url}${path}`)).json()) as T;
  return { sandbox, clock, token, postAction, listActions, moi, admin };
}

describe('Lengow sandbox: bounded memory over a long run', () => {
  let sandbox: Sandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  it('keeps a processed action listed for as long as the plugins look back, and drops it after the retention', async () => {
    const h = await harness({ actionProcessingDelayMs: 1000 });
    sandbox = h.sandbox;
    const id = await h.postAction(0);
    h.clock.ms += 1000;
    const answeredAt = h.clock.ms;

    // The plugins list results from 3 days + a 2 h security window back: the default retention must cover that.
    h.clock.ms = answeredAt + 3 * DAY + 2 * HOUR;
    expect((await h.listActions({ id: String(id) })).results).toMatchObject([{ id, processed: true }]);
    h.clock.ms = answeredAt + 7 * DAY;
    expect((await h.listActions({ id: String(id) })).count).toBe(1);

    h.clock.ms = answeredAt + 7 * DAY + 1;
    expect((await h.listActions({ id: String(id) })).count).toBe(0);
    expect(h.sandbox.state.actions).toEqual([]);
    const state = await h.admin<{ actions: Json[]; retention: Json }>('/_sandbox/state');
    expect(state.actions).toEqual([]);
    expect(state.retention).toMatchObject({ actionRetentionMs: 7 * DAY, actionsDropped: 1 });
  });

  it('never drops an action still waiting for the marketplace, however old', async () => {
    const h = await harness({ actionProcessingDelayMs: 10 * DAY, actionRetentionMs: DAY, maxProcessedActions: 0 });
    sandbox = h.sandbox;
    const id = await h.postAction(1);
    h.clock.ms += 9 * DAY;
    // The plugins' duplicate guard must still find it.
    expect((await h.listActions({ id: String(id), queued: 'True' })).results).toMatchObject([{ id, queued: true }]);
    h.clock.ms += DAY;
    await h.admin('/_sandbox/state');
    expect(h.sandbox.state.retention().actionsDropped).toBe(1);
  });

  it('keeps the most recent processed actions beyond the cap, and every pending one', async () => {
    const h = await harness({ actionProcessingDelayMs: 1000, maxProcessedActions: 3 });
    sandbox = h.sandbox;
    const processed: number[] = [];
    for (let i = 0; i < 5; i++) processed.push(await h.postAction(i));
    h.clock.ms += 1000;
    const pending = await h.postAction(5);

    const listed = await h.listActions();
    expect(listed.results.map((a) => a.id)).toEqual([...processed.slice(2), pending]);
    const inspected = await h.admin<Json[]>('/_sandbox/actions');
    expect(inspected.map((a) => a.id)).toEqual([...processed.slice(2), pending]);
    expect(h.sandbox.state.retention()).toMatchObject({ maxProcessedActions: 3, actionsDropped: 2 });
  });

  it('keeps only the latest moi calls for inspection', async () => {
    const h = await harness({ maxMoiCalls: 3 });
    sandbox = h.sandbox;
    for (let i = 0; i < 5; i++) await h.moi(i, `shop-${i}`);

    const calls = await h.admin<{ merchant_order_id: string[] }[]>('/_sandbox/moi');
    expect(calls.map((call) => call.merchant_order_id)).toEqual([['shop-2'], ['shop-3'], ['shop-4']]);
    const state = await h.admin<{ moiCalls: Json[]; retention: Json }>('/_sandbox/state');
    expect(state.moiCalls).toHaveLength(3);
    expect(state.retention).toMatchObject({ maxMoiCalls: 3, moiCallsDropped: 2 });
  });

  it('keeps a whole backfill’s moi calls by default, and no more than the cap', async () => {
    const h = await harness({});
    sandbox = h.sandbox;
    for (let i = 0; i < 1005; i++) await h.moi(i % 50, `shop-${i}`);
    expect(h.sandbox.state.moiCalls).toHaveLength(1005);
    expect(h.sandbox.state.retention()).toMatchObject({ maxMoiCalls: DEFAULT_MAX_MOI_CALLS, moiCallsDropped: 0 });
    expect(DEFAULT_MAX_MOI_CALLS).toBe(50_000);
  });

  it('counts requests by route pattern, so ids in paths and queries add no keys', async () => {
    const h = await harness({});
    sandbox = h.sandbox;
    const headers = { Authorization: h.token };
    for (let i = 0; i < 40; i++) {
      await fetch(`${h.sandbox.url}/v3.0/orders?account_id=4242&marketplace_order_id=${i}`, { headers });
      await fetch(`${h.sandbox.url}/v3.0/orders/actions/?account_id=4242&id=${100_000 + i}`, { headers });
      await fetch(`${h.sandbox.url}/v3.0/orders/${i}/lines/${i}`, { headers });
      await fetch(`${h.sandbox.url}/unknown-${i}`, { method: 'POST', headers });
    }
    expect(Object.keys(h.sandbox.state.requestCountsJson()).sort()).toEqual([
      'GET (unknown route)',
      'GET /v3.0/orders',
      'GET /v3.0/orders/actions/',
      'POST (unknown route)',
      'POST /access/get_token',
    ]);
  });
});
