import { request, Agent } from 'undici';
import { startEmulatorProcess } from '../lib/lengow-emulator.js';
import { distDir, loadEngineModule } from '../lib/engine-dist.js';
import { alternate, median, withConcurrency } from '../lib/measure.js';
import { threadSchedstat } from '../lib/thread-schedstat.js';

export const name = 'connector-moi';
export const description =
  "The Lengow connector's moi (one PATCH per imported order) against the emulator in its own process, 16 calls at a " +
  'time: CPU per call of the calling thread (the engine runs its HTTP on a thread of its own) and of the whole ' +
  'process, against a bare undici request of the same PATCH on a keep-alive agent on the calling thread, and against ' +
  'the connector with its transport on the calling thread';

const SEED = 3;
const CONCURRENCY = 16;
const SLICES = 4;
const ORDERS = 400;

export async function run(context) {
  const calls = context.size('MOI_CALLS', 4000);
  const { HttpLengowApi } = await loadEngineModule('lengow/http-lengow-api.js');
  const { undiciLengowTransport } = await loadEngineModule('lengow/undici-lengow-transport.js');
  const emulator = await startEmulatorProcess({ distDir, seed: SEED, orders: 2000 });
  const connector = new HttpLengowApi({ baseUrl: emulator.url, accessToken: 'bench', secret: 'bench' });
  const onThreadAgent = new Agent();
  const onThread = new HttpLengowApi({
    baseUrl: emulator.url,
    accessToken: 'bench',
    secret: 'bench',
    transport: undiciLengowTransport(onThreadAgent),
  });
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
    const oursOnThread = (i) =>
      onThread.setMerchantOrderIds({ ...keys[i % keys.length], merchantOrderIds: [`S-${i}`] });
    // Every side once through every order first: connections open, code compiled, the emulator's orders marked.
    await withConcurrency(keys.length, CONCURRENCY, bare);
    await withConcurrency(keys.length, CONCURRENCY, ours);
    await withConcurrency(keys.length, CONCURRENCY, oursOnThread);

    // Wall time here is mostly the emulator's; what the engine pays is this process's CPU, sampled per slice.
    const contender = (key, op) => {
      const state = { cpu: [], caller: [] };
      return {
        key,
        ops: calls,
        open: () => state,
        async run(_state, n) {
          const before = process.cpuUsage();
          const callerBefore = threadSchedstat()?.onCpu ?? null;
          await withConcurrency(n, CONCURRENCY, op);
          const spent = process.cpuUsage(before);
          state.cpu.push((spent.user + spent.system) / n);
          if (callerBefore !== null) state.caller.push(((threadSchedstat().onCpu - callerBefore) * 1000) / n);
        },
        state,
      };
    };
    const sides = [contender('undici', bare), contender('connector', ours), contender('on-thread', oursOnThread)];
    await alternate(context.rounds, sides, context.log, { slices: SLICES });
    const [bareState, oursState, onThreadState] = sides.map((side) => side.state);
    // µs per call in each round (the mean of its slices), then medians, and the median of the per-round ratios.
    const perRound = (samples) =>
      Array.from({ length: context.rounds }, (_, round) => {
        const slices = samples.slice(round * SLICES, (round + 1) * SLICES);
        return slices.reduce((a, b) => a + b, 0) / slices.length;
      });
    const figure = (id, label, field, against, againstLabel) => {
      const ourRounds = perRound(oursState[field]);
      const baseRounds = perRound(against[field]);
      const ratios = ourRounds.map((value, round) => value / baseRounds[round]);
      context.row({
        id,
        figure: label,
        unit: 'µs/call',
        value: median(ourRounds),
        ratio: median(ratios),
        baseline: { label: againstLabel, value: median(baseRounds) },
        details: { calls, concurrency: CONCURRENCY, ours: ourRounds, baseline: baseRounds, ratios },
      });
    };
    const fmt = (samples) => median(perRound(samples)).toFixed(1);
    context.log(
      `  CPU per moi call, whole process: connector ${fmt(oursState.cpu)} µs, connector with its transport on the ` +
        `calling thread ${fmt(onThreadState.cpu)} µs, bare undici ${fmt(bareState.cpu)} µs`,
    );
    figure('connector-moi.cpuPerCall', 'connector moi, process CPU per call', 'cpu', bareState, 'bare undici request');
    if (oursState.caller.length === 0) {
      context.skip('connector-moi.callerCpuPerCall', 'calling thread CPU', 'no /proc/thread-self/schedstat here');
      return;
    }
    context.log(
      `  CPU per moi call, calling thread: connector ${fmt(oursState.caller)} µs, connector with its transport on ` +
        `the calling thread ${fmt(onThreadState.caller)} µs, bare undici ${fmt(bareState.caller)} µs`,
    );
    figure(
      'connector-moi.callerCpuPerCall',
      'connector moi, calling thread CPU per call',
      'caller',
      bareState,
      'bare undici request',
    );
    figure(
      'connector-moi.callerCpuPerCallVsOnThread',
      'connector moi, calling thread CPU per call',
      'caller',
      onThreadState,
      'transport on the calling thread',
    );
  } finally {
    await connector.close();
    await onThread.close();
    await onThreadAgent.close();
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
