import { request, Agent } from 'undici';
import { startEmulatorProcess } from '../lib/lengow-emulator.js';
import { distDir, loadEngineModule } from '../lib/engine-dist.js';
import { alternate, median, withConcurrency } from '../lib/measure.js';

export const name = 'connector-moi';
export const description =
  "The Lengow connector's moi (one PATCH per imported order) against the emulator in its own process, 16 calls at a " +
  'time: CPU per call of this process, against a bare undici request of the same PATCH on a keep-alive agent';

const SEED = 3;
const CONCURRENCY = 16;
const SLICES = 4;
const ORDERS = 400;

export async function run(context) {
  const calls = context.size('MOI_CALLS', 4000);
  const { HttpLengowApi } = await loadEngineModule('lengow/http-lengow-api.js');
  const emulator = await startEmulatorProcess({ distDir, seed: SEED, orders: 2000 });
  const connector = new HttpLengowApi({ baseUrl: emulator.url, accessToken: 'bench', secret: 'bench' });
  const agent = new Agent();
  try {
    const keys = await orderKeys(connector);
    const session = await token(emulator.url);
    const bare = async (i) => {
      const { marketplace, marketplaceOrderId } = keys[i % keys.length];
      const response = await request(`${emulator.url}/v3.0/orders/moi/`, {
        method: 'PATCH',
        dispatcher: agent,
        headers: {
          Accept: 'application/json',
          'User-Agent': 'lengow-sync',
          Authorization: session.token,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({
          account_id: session.account_id,
          marketplace_order_id: marketplaceOrderId,
          marketplace,
          merchant_order_id: [`S-${i}`],
        }),
      });
      const body = JSON.parse(await response.body.text());
      if (response.statusCode !== 200 || body.error) throw new Error(`bare moi answered ${response.statusCode}`);
    };
    const ours = (i) => connector.setMerchantOrderIds({ ...keys[i % keys.length], merchantOrderIds: [`S-${i}`] });
    // Both sides once through every order first: connections open, code compiled, the emulator's orders marked.
    await withConcurrency(keys.length, CONCURRENCY, bare);
    await withConcurrency(keys.length, CONCURRENCY, ours);

    // Wall time here is mostly the emulator's; what the engine pays is this process's CPU, sampled per slice.
    const contender = (key, op) => {
      const state = { cpu: [] };
      return {
        key,
        ops: calls,
        open: () => state,
        async run(_state, n) {
          const before = process.cpuUsage();
          await withConcurrency(n, CONCURRENCY, op);
          const spent = process.cpuUsage(before);
          state.cpu.push((spent.user + spent.system) / n);
        },
        state,
      };
    };
    const sides = [contender('undici', bare), contender('connector', ours)];
    await alternate(context.rounds, sides, context.log, { slices: SLICES });
    const states = sides.map((side) => side.state);
    // µs per call in each round (the mean of its slices), then medians, and the median of the per-round ratios.
    const perRound = (state) =>
      Array.from({ length: context.rounds }, (_, round) => {
        const slices = state.cpu.slice(round * SLICES, (round + 1) * SLICES);
        return slices.reduce((a, b) => a + b, 0) / slices.length;
      });
    const [bareRounds, oursRounds] = states.map(perRound);
    const ratios = oursRounds.map((value, round) => value / bareRounds[round]);
    context.log(
      `  CPU per moi call: connector ${median(oursRounds).toFixed(1)} µs, bare undici ${median(bareRounds).toFixed(1)} µs`,
    );
    context.row({
      id: 'connector-moi.cpuPerCall',
      figure: 'connector moi, CPU per call',
      unit: 'µs/call',
      value: median(oursRounds),
      ratio: median(ratios),
      baseline: { label: 'bare undici request', value: median(bareRounds) },
      details: { calls, concurrency: CONCURRENCY, ours: oursRounds, bare: bareRounds, ratios },
    });
  } finally {
    await connector.close();
    await agent.close();
    await emulator.stop();
  }
}

/** The first orders the emulator lists, as moi keys. */
async function orderKeys(connector) {
  const keys = [];
  const now = Date.now();
  const query = { updatedFrom: new Date(now - 9 * 86_400_000).toISOString(), updatedTo: new Date(now).toISOString() };
  for await (const page of connector.listOrders(query)) {
    for (const { raw } of page.orders)
      keys.push({ marketplace: raw.marketplace, marketplaceOrderId: raw.marketplace_order_id });
    if (keys.length >= ORDERS) break;
  }
  if (keys.length === 0) throw new Error('the emulator listed no order');
  return keys;
}

async function token(baseUrl) {
  const response = await request(`${baseUrl}/access/get_token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'access_token=bench&secret=bench',
  });
  return response.body.json();
}
