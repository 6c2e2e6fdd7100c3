import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { MarkShopOrderShipped } from '../../src/orders/integration/mark-shop-order-commands.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox-server.js';
import { expectedOutcomes, perStream, TestEngine } from '../support/engine.js';
import { checkPostgres, describeWithService, dropSchema, freshSchemaName } from '../support/services.js';

const SEED = 13;
const ORDERS = 150;
const postgres = await checkPostgres();
const NO_PROJECTION = { projection: false };

describeWithService(postgres, 'two whole engines on one PostgreSQL schema and one Lengow', () => {
  let sandbox: Sandbox;
  let schema: string;
  let a: TestEngine;
  let b: TestEngine;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, seed: SEED, orderCount: ORDERS, actionProcessingDelayMs: 0 });
    schema = freshSchemaName('lifecycle');
    // Side by side for real: uniqueness must not rest on one engine refusing to import while the other does.
    const options = { seed: SEED, lengowUrl: sandbox.url, postgresSchema: schema, importsSideBySide: true };
    a = await TestEngine.start(options);
    b = await TestEngine.start(options);
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await sandbox?.close();
    if (schema) await dropSchema(schema);
  });

  it('import the same window concurrently, and the same orders in overlapping windows: every effect once', async () => {
    const runs = await Promise.all([a.importer.runScheduled(), b.importer.runScheduled()]);
    expect(runs.map((run) => run.outcome)).toEqual(['succeeded', 'succeeded']);
    // The same orders again, in overlapping windows, while the sagas of both engines are busy with the first runs.
    const overlapping = await Promise.all([
      a.importer.runWindow({ days: 2 }, { actor: 'operator:ann' }),
      b.importer.runWindow({ days: 1 }, { actor: 'operator:bob' }),
    ]);
    expect(overlapping.map((run) => run.outcome)).toEqual(['succeeded', 'succeeded']);
    await Promise.all([a.settle(60_000, NO_PROJECTION), b.settle(60_000, NO_PROJECTION)]);
    await Promise.all([a.settle(60_000, NO_PROJECTION), b.settle(60_000, NO_PROJECTION)]);

    // On PostgreSQL an idle read stops below transactions still open anywhere in the database, so "settled" can come
    // a little early under load: wait (bounded) for the effects to be written, then check each happened once.
    const expectedImported = sandbox.manifest().byOutcome.created;
    let events = await a.orderEvents();
    for (let i = 0; i < 120; i++) {
      const done = ['OrderImported', 'StockDecremented', 'MerchantOrderIdsSent'].every(
        (type) => perStream(events, type).size >= expectedImported,
      );
      if (done) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
      events = await a.orderEvents();
    }
    expect(await a.outcomes()).toEqual(expectedOutcomes(SEED, ORDERS));
    const imported = new Set(events.filter((e) => e.type === 'OrderImported').map((e) => e.stream));
    expect(imported.size).toBe(expectedImported);
    for (const type of ['OrderImportPlanned', 'OrderImported', 'StockDecremented', 'MerchantOrderIdsSent']) {
      const counts = perStream(events, type);
      expect({ type, streams: counts.size, maxPerStream: Math.max(...counts.values()) }).toEqual({
        type,
        streams: imported.size,
        maxPerStream: 1,
      });
    }
    const facts = await a.shopFacts();
    expect(facts.stockDecrements).toBe(imported.size);
    expect(facts.shopOrdersPerOrder.size).toBe(imported.size);
    const orderRequests = await a.db.query<{ n: string | number }>('SELECT COUNT(*) AS n FROM shop_order_requests');
    expect(Number(orderRequests[0].n)).toBe(imported.size);
    const moi = new Set(sandbox.state.moiCalls.map((c) => `${c.marketplace}:${c.marketplace_order_id}`));
    expect(moi.size).toBe(imported.size);
  }, 240_000);

  it('a merchant ship on one order posts exactly one action, though both engines poll and run their sagas', async () => {
    const candidates = await a.db.query<{ id: string | number; marketplace: string; marketplace_order_id: string }>(
      `SELECT id, marketplace, marketplace_order_id FROM shop_orders o WHERE marketplace = 'fnac' AND package_count = 1
         AND (SELECT COUNT(*) FROM shop_order_lines l WHERE l.order_id = o.id) = 1
       ORDER BY id`,
    );
    // One line, since fnac takes a ship action per line, and still waiting for shipment at the marketplace (orders
    // imported as already shipped take no ship action). Which order has the lowest id depends on how the two engines'
    // creations interleaved.
    const shopOrder = candidates.find(
      (row) =>
        (sandbox.state.orders.find(row.marketplace, row.marketplace_order_id)?.order as { lengow_status?: string })
          ?.lengow_status === 'waiting_shipment',
    )!;
    expect(shopOrder).toBeDefined();
    await a.commandBus.execute(
      new MarkShopOrderShipped(
        { shopOrderId: String(shopOrder.id), carrier: 'Colissimo', trackingNumber: 'TRK-TWO-ENGINES' },
        'two-engines-ship',
      ),
    );
    await Promise.all([a.reactions.pollShopChanges(), b.reactions.pollShopChanges()]);
    await Promise.all([a.settle(60_000, NO_PROJECTION), b.settle(60_000, NO_PROJECTION)]);
    // On PostgreSQL an idle read can stop below a transaction still open: poll until the outcome is recorded.
    const stream = `order-${shopOrder.marketplace}-${shopOrder.marketplace_order_id}`;
    const typesNow = async () => (await a.store.readStream(stream)).map((event) => event.type);
    for (let i = 0; i < 60 && !(await typesNow()).includes('ActionConfirmed'); i++) {
      await Promise.all([a.reactions.pollShopChanges(), b.reactions.pollShopChanges()]);
      await Promise.all([a.reactions.pollActionResults(), b.reactions.pollActionResults()]);
      await Promise.all([a.settle(60_000, NO_PROJECTION), b.settle(60_000, NO_PROJECTION)]);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    const actions = sandbox.state
      .actionsJson()
      .filter((action) => action.marketplace_order_id === shopOrder.marketplace_order_id);
    if (actions.length !== 1) console.log('stream of the shipped order', await typesNow());
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ action_type: 'ship' });
    const types = await typesNow();
    expect(types.filter((type) => type === 'ShopOrderShipped')).toHaveLength(1);
    expect(types.filter((type) => type === 'ActionSent')).toHaveLength(1);
    expect(types.filter((type) => type === 'ActionConfirmed')).toHaveLength(1);
  }, 120_000);
});
