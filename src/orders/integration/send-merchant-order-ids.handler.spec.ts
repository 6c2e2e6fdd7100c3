import { startSandbox, type Sandbox } from '../../sandbox/sandbox-server.js';
import type { OrderCommandExecutor } from '../commands/order-command-executor.js';
import type { OrderImported } from '../domain/import-events.js';
import type { OrderKey } from '../domain/order-key.js';
import { sagaMetadata } from './reaction-metadata.js';
import { SendMerchantOrderIds } from './send-merchant-order-ids.js';
import { emulatorOrder } from './testing/emulator-order.js';
import { PortFaults, SimulatedCrash } from './testing/port-faults.js';
import { ReactionsEngine } from './testing/reactions-test-engine.js';

let sandbox: Sandbox;
let engine: ReactionsEngine;
let executor: PortFaults<OrderCommandExecutor>;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, actionProcessingDelayMs: 0, orderCount: 0 });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  sandbox.state.reset();
  executor = new PortFaults<OrderCommandExecutor>();
  engine = await ReactionsEngine.start({ sandbox, sagas: false, wrapExecutor: (real) => executor.wrap(real) });
});
afterEach(() => engine.close());

async function imported(id: string): Promise<{ orderKey: OrderKey; command: SendMerchantOrderIds; ids: string[] }> {
  const orderKey = await engine.importOrder(emulatorOrder({ marketplaceOrderId: id }));
  await engine.createPlannedOrders(orderKey);
  const event = await engine.lastEvent<OrderImported['data']>(orderKey, 'OrderImported');
  const command = new SendMerchantOrderIds(
    event.stream,
    event.data.merchantOrderIds.key,
    sagaMetadata(event, 'merchant-order-ids', 'moi'),
  );
  return { orderKey, command, ids: [...event.data.merchantOrderIds.ids] };
}

const MOI = '/v3.0/orders/moi/';

describe('SendMerchantOrderIds', () => {
  it('PATCHes every shop order id once and records it; the same command again sends nothing', async () => {
    const { orderKey, command, ids } = await imported('CD-4001');
    expect(await engine.commands.execute(command)).toEqual({ kind: 'sent', tries: 1 });
    expect(await engine.commands.execute(command)).toEqual({ kind: 'skipped' });

    expect(engine.moiCallsOf(orderKey).map((call) => [call.merchant_order_id, call.found])).toEqual([[ids, true]]);
    expect(await engine.eventTypes(orderKey)).toEqual([
      'OrderImportPlanned',
      'OrderImported',
      'StockDecremented',
      'MerchantOrderIdsSent',
    ]);
  });

  it('tries again with backoff while Lengow is unavailable, then records the success', async () => {
    const { orderKey, command } = await imported('CD-4002');
    // The connector retries once by itself: three 503s outlast one try of ours, not two.
    sandbox.faults.add({ kind: 'http_503', route: MOI, count: 3 });
    expect(await engine.commands.execute(command)).toEqual({ kind: 'sent', tries: 2 });
    expect(engine.moiCallsOf(orderKey)).toHaveLength(1);
    expect(await engine.eventTypes(orderKey)).toContain('MerchantOrderIdsSent');
  });

  it('records the failure after 5 tries, and a re-synchronisation sends the ids again later', async () => {
    const { orderKey, command, ids } = await imported('CD-4003');
    sandbox.faults.add({ kind: 'http_500', route: MOI, count: 10 });
    const outcome = await engine.commands.execute(command);
    expect(outcome).toMatchObject({ kind: 'failed', tries: 5 });
    expect(engine.moiCallsOf(orderKey)).toEqual([]);
    const failed = await engine.lastEvent<{ message: string }>(orderKey, 'MerchantOrderIdsFailed');
    expect(failed.data.message).toBe(outcome.kind === 'failed' ? outcome.message : '');

    await engine.execute({ type: 'ResynchronizeOrder', data: { orderKey, now: engine.clock.now().toISOString() } });
    const requested = await engine.lastEvent<{ key: string }>(orderKey, 'OrderResynchronisationRequested');
    const resync = new SendMerchantOrderIds(
      requested.stream,
      requested.data.key,
      sagaMetadata(requested, 'merchant-order-ids', 'moi'),
    );
    expect(await engine.commands.execute(resync)).toEqual({ kind: 'sent', tries: 1 });
    expect(engine.moiCallsOf(orderKey).map((call) => call.merchant_order_id)).toEqual([ids]);
    expect(await engine.eventTypes(orderKey)).toContain('OrderResynchronised');
  });

  it('records an order Lengow does not know as failed at the first try (nothing to wait for)', async () => {
    const { orderKey, command } = await imported('CD-4004');
    sandbox.state.reset(); // the emulator forgets the order
    const outcome = await engine.commands.execute(command);
    expect(outcome).toMatchObject({ kind: 'failed', tries: 1 });
    expect(await engine.eventTypes(orderKey)).toContain('MerchantOrderIdsFailed');
  });

  it('after a crash once Lengow took the ids, the redelivery sets the same ids again and records them once', async () => {
    const { orderKey, command, ids } = await imported('CD-4005');
    executor.crashBefore('execute', { when: (domain) => domain.type === 'RecordMerchantOrderIdsSent' });
    await expect(engine.commands.execute(command)).rejects.toBeInstanceOf(SimulatedCrash);
    await engine.commands.execute(command);

    // moi sets the list (it does not append to it), so the repeat leaves Lengow exactly as one call would.
    expect(engine.moiCallsOf(orderKey).map((call) => call.merchant_order_id)).toEqual([ids, ids]);
    expect((await engine.eventTypes(orderKey)).filter((type) => type === 'MerchantOrderIdsSent')).toHaveLength(1);
  });
});
