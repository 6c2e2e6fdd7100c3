import { PostgresDatabase } from '../../database/postgres-database.js';
import { PostgresEventStore } from '../../event-store/postgres/postgres-event-store.js';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox-server.js';
import {
  checkPostgres,
  describeWithService,
  dropSchema,
  freshSchemaName,
  POSTGRES_URL,
} from '../../../test/support/services.js';
import type { CommandMetadata } from '../commands/command-metadata.js';
import type { OrderCommandExecutor } from '../commands/order-command-executor.js';
import type { OrderKey } from '../domain/order-key.js';
import { MarkShopOrderRefunded, MarkShopOrderShipped } from './mark-shop-order-commands.js';
import { emulatorOrder } from './testing/emulator-order.js';
import { PortFaults } from './testing/port-faults.js';
import { ReactionsEngine } from './testing/reactions-test-engine.js';

const postgres = await checkPostgres();

/** One engine process: its own connection pool, event store and Nest app, on the shared schema. */
interface Engine {
  db: PostgresDatabase;
  store: PostgresEventStore;
  reactions: ReactionsEngine;
  /** Around the order command executor: holds the command's own record of its change. */
  executor: PortFaults<OrderCommandExecutor>;
}

/**
 * A merchant command on one engine records its shop change in the order stream with the command's metadata, while the
 * shop change feed poll of every engine records the changes it finds. Two engines share one PostgreSQL schema here
 * (event store, shop and the feed's checkpoint), and the other engine's poll gets to the change first.
 */
describeWithService(postgres, 'shop change origin: two engines on one PostgreSQL database', () => {
  let sandbox: Sandbox;
  let schema: string;
  let a: Engine;
  let b: Engine;

  async function startEngine(): Promise<Engine> {
    const db = new PostgresDatabase({ connectionString: POSTGRES_URL, schema, max: 4 });
    await db.init();
    const store = new PostgresEventStore(db);
    await store.init();
    const executor = new PortFaults<OrderCommandExecutor>();
    // Sagas off: what matters is how the change reaches the order stream, not the Lengow action that follows.
    const reactions = await ReactionsEngine.start({
      sandbox,
      sagas: false,
      database: { db, store },
      wrapExecutor: (real) => executor.wrap(real),
    });
    return { db, store, reactions, executor };
  }

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, actionProcessingDelayMs: 0, orderCount: 0 });
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    sandbox.state.reset();
    schema = freshSchemaName('shop_origin');
    a = await startEngine();
    b = await startEngine();
  });
  afterEach(async () => {
    for (const engine of [a, b]) {
      await engine?.reactions.close();
      await engine?.store.close();
      await engine?.db.close();
    }
    await dropSchema(schema);
  });

  async function importedOrder(id: string): Promise<{ orderKey: OrderKey; shopOrderId: string }> {
    const orderKey = await a.reactions.importOrder(emulatorOrder({ marketplaceOrderId: id }));
    await a.reactions.createPlannedOrders(orderKey);
    const [shopOrder] = await a.reactions.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId);
    return { orderKey, shopOrderId: String(shopOrder.id) };
  }

  async function recorded(orderKey: OrderKey, type: string) {
    return (await a.reactions.events(orderKey)).filter((event) => event.type === type);
  }

  /**
   * Runs `command` on engine a, and engine b's feed poll between a's shop call and a's own record of the change;
   * resolves with a's answer once a has tried its record too.
   */
  async function pollOnBFirst<Result>(run: () => Promise<Result>): Promise<Result> {
    const ownRecord = a.executor.hold('execute');
    const answer = run();
    await ownRecord.reached;
    expect(await b.reactions.reactions.pollShopChanges()).toMatchObject({ recorded: 1, parked: 0 });
    ownRecord.release();
    return answer;
  }

  it('an operator’s ship on engine a, recorded first by engine b’s feed poll, still names the operator', async () => {
    const { orderKey, shopOrderId } = await importedOrder('PG-ORIGIN-1');
    const door: CommandMetadata = { commandId: 'cli-ship-1', correlationId: 'ticket-4711', actor: 'operator:ann' };
    const ship = new MarkShopOrderShipped(
      { shopOrderId, carrier: 'Colissimo', trackingNumber: 'TRK-O1' },
      'ship-origin-1',
      door,
    );

    const answer = await pollOnBFirst(() => a.reactions.commands.execute(ship));
    expect(answer).toMatchObject({ replayed: false, changed: true });

    const shipped = await recorded(orderKey, 'ShopOrderShipped');
    expect(shipped).toHaveLength(1);
    expect(shipped[0].metadata).toMatchObject({
      actor: 'operator:ann',
      correlationId: 'ticket-4711',
      causationId: 'cli-ship-1',
    });
    // The feed's checkpoint is shared: engine b's poll moved it past the change for engine a too.
    expect(await a.reactions.reactions.pollShopChanges()).toMatchObject({ recorded: 0, parked: 0 });
    expect(await recorded(orderKey, 'ShopOrderShipped')).toHaveLength(1);
  });

  it('an API key’s refund keeps its key id, correlation and causation whichever engine records it', async () => {
    const { orderKey, shopOrderId } = await importedOrder('PG-ORIGIN-2');
    const door: CommandMetadata = {
      commandId: 'http-refund-1',
      correlationId: 'crm-case-88',
      causationId: 'crm-event-12',
      actor: 'api-key:3f2a9c1d0b7e',
    };
    const refund = new MarkShopOrderRefunded({ shopOrderId }, 'refund-origin-1', door);

    await pollOnBFirst(() => a.reactions.commands.execute(refund));

    const [event] = await recorded(orderKey, 'ShopOrderRefunded');
    expect(event.metadata).toMatchObject({
      actor: 'api-key:3f2a9c1d0b7e',
      correlationId: 'crm-case-88',
      causationId: 'crm-event-12',
    });
  });

  it('a change the merchant makes in the shop directly stays the engine’s own, whichever engine records it', async () => {
    const { orderKey, shopOrderId } = await importedOrder('PG-ORIGIN-3');
    await b.reactions.shop.cancelOrder(shopOrderId, null);

    expect(await b.reactions.reactions.pollShopChanges()).toMatchObject({ recorded: 1 });
    const [event] = await recorded(orderKey, 'ShopOrderCanceled');
    expect(event.metadata.actor).toBe('system');
    expect(event.metadata.correlationId).toBe(event.metadata.causationId);
  });
});
