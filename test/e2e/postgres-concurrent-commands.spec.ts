import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import type { CommandReply } from '../../src/bus/bus-reply.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox-server.js';
import { checkNats, freshBusNames, NATS_URL } from '../support/nats.js';
import { TestEngine } from '../support/engine.js';
import { checkPostgres, describeWithService, dropSchema, freshSchemaName } from '../support/services.js';

const SEED = 21;
const ORDERS = 40;
const ROUNDS = 3;
const NO_PROJECTION = { projection: false };
const postgres = await checkPostgres();
const nats = await checkNats();

interface Order {
  marketplace: string;
  id: string;
  stream: string;
}

/**
 * The operator's and backends' commands raced on two whole engines sharing one PostgreSQL schema, one Lengow and one
 * NATS server (each engine on a subject prefix of its own, so a test picks which one answers): every race ends with
 * one effect and typed answers.
 */
describeWithService(
  postgres.available ? nats : postgres,
  'commands under concurrency: two engines on one PostgreSQL database',
  () => {
    let sandbox: Sandbox;
    let schema: string;
    let a: TestEngine;
    let b: TestEngine;
    let client: NatsConnection;
    const prefixes = { a: freshBusNames().subjectPrefix, b: freshBusNames().subjectPrefix };
    type Side = keyof typeof prefixes;

    beforeAll(async () => {
      sandbox = await startSandbox({ port: 0, seed: SEED, orderCount: ORDERS, actionProcessingDelayMs: 0 });
      schema = freshSchemaName('h3_commands');
      // A commandId claim not renewed for 1 s is taken to be a dead request's (60 s in production).
      const natsCommandIds = { abandonAfterMs: 1_000, heartbeatMs: 50 };
      const options = { seed: SEED, lengowUrl: sandbox.url, postgresSchema: schema, natsCommandIds };
      a = await TestEngine.start({ ...options, natsSubjectPrefix: prefixes.a });
      b = await TestEngine.start({ ...options, natsSubjectPrefix: prefixes.b });
      client = await connect({ servers: NATS_URL });
      expect((await a.importer.runScheduled()).outcome).toBe('succeeded');
      await settle();
    }, 180_000);
    afterAll(async () => {
      await client?.drain();
      await a?.close();
      await b?.close();
      await sandbox?.close();
      if (schema) await dropSchema(schema);
    });

    async function settle(): Promise<void> {
      for (let i = 0; i < 2; i++) await Promise.all([a.settle(60_000, NO_PROJECTION), b.settle(60_000, NO_PROJECTION)]);
    }

    /** Shop changes recorded, actions posted and their results read, by both engines. */
    async function syncActions(): Promise<void> {
      for (let i = 0; i < 3; i++) {
        await Promise.all([a.reactions.pollShopChanges(), b.reactions.pollShopChanges()]);
        await settle();
        await Promise.all([a.reactions.pollActionResults(), b.reactions.pollActionResults()]);
        await settle();
      }
    }

    async function send(side: Side, name: string, payload: unknown, commandId = randomUUID()): Promise<CommandReply> {
      const h = headers();
      h.set('Lengow-Client', 'concurrency-suite');
      const reply = await client.request(
        `${prefixes[side]}.cmd.${name}`,
        JSON.stringify({ payload, metadata: { commandId, actor: `operator:${side}` } }),
        { timeout: 60_000, headers: h },
      );
      return reply.json<CommandReply>();
    }

    const code = (reply: CommandReply) => (reply.ok ? 'ok' : reply.error.code);
    const reference = (order: Order) => ({ marketplace: order.marketplace, marketplaceOrderId: order.id });
    const orderOf = (marketplace: string, id: string): Order => ({
      marketplace,
      id,
      stream: `order-${marketplace}-${id}`,
    });

    /** Imported orders, each used by one race only. */
    let pool: Order[] = [];
    async function takeOrder(): Promise<Order> {
      if (pool.length === 0) {
        const imported = new Set(
          (await a.orderEvents()).filter((e) => e.type === 'OrderImported').map((e) => e.stream),
        );
        const rows = await a.db.query<{ marketplace: string; marketplace_order_id: string }>(
          `SELECT DISTINCT marketplace, marketplace_order_id FROM shop_orders ORDER BY marketplace, marketplace_order_id`,
        );
        pool = rows
          .map((row) => orderOf(row.marketplace, row.marketplace_order_id))
          .filter((o) => imported.has(o.stream));
      }
      return pool.shift()!;
    }

    /** A single-package, single-line imported order the marketplace still waits to see shipped (one action per ship). */
    async function takeShippableOrder(): Promise<{ order: Order; shopOrderId: string }> {
      for (;;) {
        const order = await takeOrder();
        const rows = await a.db.query<{ id: string | number; state: string; lines: string | number }>(
          `SELECT id, state, (SELECT COUNT(*) FROM shop_order_lines l WHERE l.order_id = o.id) AS lines
           FROM shop_orders o WHERE marketplace = $1 AND marketplace_order_id = $2`,
          [order.marketplace, order.id],
        );
        const stored = sandbox.state.orders.find(order.marketplace, order.id)?.order as { lengow_status?: string };
        const [row] = rows;
        if (
          rows.length === 1 &&
          row.state === 'awaiting_shipment' &&
          Number(row.lines) === 1 &&
          stored?.lengow_status === 'waiting_shipment'
        )
          return { order, shopOrderId: String(row.id) };
      }
    }

    /** The order's facts once `done` holds (on PostgreSQL "settled" can come early), or after 15 s. */
    async function factsWhen(order: Order, done: (facts: Facts) => boolean): Promise<Facts> {
      await settle();
      let facts = await factsOf(order);
      for (let i = 0; i < 60 && !done(facts); i++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        facts = await factsOf(order);
      }
      return facts;
    }

    type Facts = Awaited<ReturnType<typeof factsOf>>;
    async function factsOf(order: Order) {
      const shop = await a.db.query<{ state: string; n: string }>(
        `SELECT state, COUNT(*) AS n FROM shop_orders WHERE marketplace = $1 AND marketplace_order_id = $2 GROUP BY state`,
        [order.marketplace, order.id],
      );
      const stock = await a.db.query<{ n: string }>(
        `SELECT COUNT(*) AS n FROM shop_stock_movements WHERE kind = 'decrement' AND idempotency_key LIKE $1`,
        [`${order.stream}:%`],
      );
      const events: Record<string, number> = {};
      for (const event of await a.store.readStream(order.stream)) events[event.type] = (events[event.type] ?? 0) + 1;
      const shopByState = Object.fromEntries(shop.map((row) => [row.state, Number(row.n)]));
      return {
        liveShopOrders: shop.filter((row) => row.state !== 'technical_error').reduce((n, row) => n + Number(row.n), 0),
        replacedShopOrders: shopByState.technical_error ?? 0,
        stockDecrements: Number(stock[0].n),
        events,
        actions: sandbox.state.actionsJson().filter((action) => action.marketplace_order_id === order.id),
        moiCalls: sandbox.state.moiCalls.filter((call) => call.marketplace_order_id === order.id).length,
      };
    }

    it('reimport-order on both engines at once: one re-import per accepted request, the others IMPORT_IN_PROGRESS', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const order = await takeOrder();
        const before = await factsOf(order);
        const replies = await Promise.all([
          send('a', 'reimport-order', reference(order)),
          send('b', 'reimport-order', reference(order)),
          // A re-import during the shop-order creation of one just accepted.
          new Promise((resolve) => setTimeout(resolve, 30)).then(() => send('b', 'reimport-order', reference(order))),
        ]);
        // A request deciding after the previous re-import finished is a re-import of its own (an engine's first
        // re-import reads its settings and marketplaces first, so "at once" can be hundreds of milliseconds apart).
        for (const reply of replies) expect(['ok', 'IMPORT_IN_PROGRESS']).toContain(code(reply));
        const accepted = replies.filter((reply) => reply.ok).length;
        expect(accepted).toBeGreaterThanOrEqual(1);
        const after = await factsWhen(order, (facts) => (facts.events.OrderReimported ?? 0) === accepted);
        expect(after.events.OrderImportPlanned).toBe(before.events.OrderImportPlanned + accepted);
        expect(after.events.OrderReimported).toBe(accepted);
        expect(after.liveShopOrders).toBe(before.liveShopOrders);
        expect(after.replacedShopOrders).toBe(before.liveShopOrders * accepted);
        expect(after.stockDecrements).toBe(1);
        expect(after.events.StockDecremented).toBe(1);
      }
    }, 180_000);

    it('reimport-order while the other engine’s import run decides that order', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const order = await takeOrder();
        const before = await factsOf(order);
        // The order changed at the marketplace, so the run has something to decide on it too.
        const stored = sandbox.state.orders.find(order.marketplace, order.id)!.order as { marketplace_status: string };
        sandbox.state.setOrderStatus(order.marketplace, order.id, stored.marketplace_status);
        const [run, reply] = await Promise.all([
          b.importer.runWindow({ days: 3 }, { actor: 'system' }),
          send('a', 'reimport-order', reference(order)),
        ]);
        expect(run.outcome).toBe('succeeded');
        expect(code(reply)).toBe('ok');
        const reimported = (before.events.OrderReimported ?? 0) + 1;
        const after = await factsWhen(order, (facts) => facts.events.OrderReimported === reimported);
        expect(after.events.OrderImportPlanned).toBe(before.events.OrderImportPlanned + 1);
        expect(after.events.OrderReimported).toBe((before.events.OrderReimported ?? 0) + 1);
        expect(after.liveShopOrders).toBe(before.liveShopOrders);
        expect(after.stockDecrements).toBe(1);
      }
    }, 180_000);

    it('resynchronize-order twice at once: requested once, merchant order ids sent once more', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const order = await takeOrder();
        const before = await factsOf(order);
        const replies = await Promise.all([
          send('a', 'resynchronize-order', reference(order)),
          send('b', 'resynchronize-order', reference(order)),
        ]);
        expect(replies.map(code)).toEqual(['ok', 'ok']);
        const requested = replies.map((reply) => reply.ok && (reply.result as { requested: boolean }).requested);
        expect(requested.sort()).toEqual([false, true]);
        const after = await factsWhen(order, (facts) => facts.moiCalls === before.moiCalls + 1);
        expect(after.events.OrderResynchronisationRequested).toBe(1);
        expect(after.moiCalls).toBe(before.moiCalls + 1);
      }
    }, 180_000);

    it('import-orders-now on one engine while the other runs one: refused, as the plugins refuse a second bulk import', async () => {
      // Lengow answers the first page after 3 s: engine a's run is still going when b is asked.
      sandbox.faults.add({ kind: 'slow', route: '/v3.0/orders', delayMs: 3_000, count: 1 });
      const first = send('a', 'import-orders-now', {});
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const second = await send('b', 'import-orders-now', {});
      expect(second).toMatchObject({ ok: false, error: { code: 'IMPORT_ALREADY_RUNNING' } });
      expect((second as { error: { message: string } }).error.message).toContain('in another engine process');
      expect(await first).toMatchObject({ ok: true, result: { outcome: 'succeeded' } });
      // Once it has finished, the other engine may run one.
      expect(await send('b', 'import-orders-now', {})).toMatchObject({ ok: true, result: { outcome: 'succeeded' } });
    }, 60_000);

    it('import-orders-now on both engines at once: at least one runs, and nothing is decided twice', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const before = (await a.orderEvents()).length;
        const replies = await Promise.all([send('a', 'import-orders-now', {}), send('b', 'import-orders-now', {})]);
        const outcomes = replies.map((reply) =>
          reply.ok ? (reply.result as { outcome: string }).outcome : reply.error.code,
        );
        // Started in the same instant, both may run (the check is no lock, and two runs do no harm).
        for (const outcome of outcomes) expect(['succeeded', 'IMPORT_ALREADY_RUNNING']).toContain(outcome);
        expect(outcomes).toContain('succeeded');
        await settle();
        expect((await a.orderEvents()).length).toBe(before);
      }
    }, 180_000);

    it('the same commandId on both engines at once: one runs, the other is told it is in progress, a retry replays', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const order = await takeOrder();
        const commandId = randomUUID();
        const replies = await Promise.all([
          send('a', 'reimport-order', reference(order), commandId),
          send('b', 'reimport-order', reference(order), commandId),
        ]);
        expect(replies.map(code).sort()).toEqual(['COMMAND_IN_PROGRESS', 'ok']);
        const answer = replies.find((reply) => reply.ok)!;
        expect(await send('b', 'reimport-order', reference(order), commandId)).toEqual({ ...answer, replayed: true });
        const after = await factsWhen(order, (facts) => facts.events.OrderReimported === 1);
        expect(after.events.OrderImportPlanned).toBe(2);
        expect(after.stockDecrements).toBe(1);
      }
    }, 180_000);

    it('a commandId retried on the other engine while a slow command still runs is not run a second time', async () => {
      const runs = async () => Number((await a.db.query<{ n: string }>('SELECT COUNT(*) AS n FROM import_runs'))[0].n);
      const before = await runs();
      // Lengow answers the run's first page after 3 s: the client gave up waiting and retries on the other engine.
      sandbox.faults.add({ kind: 'slow', route: '/v3.0/orders', delayMs: 3_000, count: 1 });
      const commandId = randomUUID();
      const first = send('a', 'import-orders-now', { days: 2 }, commandId);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const retry = await send('b', 'import-orders-now', { days: 2 }, commandId);
      expect(retry).toMatchObject({ ok: false, error: { code: 'COMMAND_IN_PROGRESS' } });
      const answer = await first;
      expect(answer).toMatchObject({ ok: true, result: { outcome: 'succeeded' } });
      expect(await send('b', 'import-orders-now', { days: 2 }, commandId)).toEqual({ ...answer, replayed: true });
      expect(await runs()).toBe(before + 1);
    }, 60_000);

    it('resend-order-action twice at once, and while the other engine records outcomes: one try per request', async () => {
      const { order, shopOrderId } = await takeShippableOrder();
      // The marketplace refuses ship in this status: the action fails, to be re-sent.
      sandbox.state.setOrderStatus(order.marketplace, order.id, 'OnHold', { lengowStatus: 'accepted' });
      const ship = await send('a', 'mark-shop-order-shipped', {
        shopOrderId,
        carrier: 'Colissimo',
        trackingNumber: 'TRK-R',
      });
      expect(code(ship)).toBe('ok');
      await syncActions();
      expect((await factsOf(order)).events.ActionRejected).toBe(1);

      for (let round = 0; round < ROUNDS; round++) {
        const before = await factsOf(order);
        const replies = await Promise.all([
          send('a', 'resend-order-action', reference(order)),
          send('b', 'resend-order-action', reference(order)),
        ]);
        expect(replies.map(code).sort()).toEqual(['ACTION_STILL_OPEN', 'ok']);
        await syncActions();
        const after = await factsOf(order);
        expect(after.actions).toHaveLength(before.actions.length + 1);
        expect(after.events.ActionRequested).toBe(before.events.ActionRequested + 1);
        expect(after.events.ActionRejected).toBe(before.events.ActionRejected + 1);
      }
      for (let round = 0; round < ROUNDS; round++) {
        const before = await factsOf(order);
        const resent = send('a', 'resend-order-action', reference(order));
        // The other engine posts and polls while this one's try is recorded.
        await Promise.all([b.reactions.pollActionResults(), b.reactions.pollShopChanges()]);
        expect(code(await resent)).toBe('ok');
        await syncActions();
        const after = await factsOf(order);
        expect(after.actions).toHaveLength(before.actions.length + 1);
        expect(after.events.ActionSent).toBe(before.events.ActionSent + 1);
      }
    }, 180_000);

    it('mark-shop-order-shipped twice at once with other keys and tracking numbers: both changes go to Lengow, in the shop’s order', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const { order, shopOrderId } = await takeShippableOrder();
        const replies = await Promise.all(
          (['a', 'b'] as const).map((side) =>
            send(side, 'mark-shop-order-shipped', {
              shopOrderId,
              carrier: 'Colissimo',
              trackingNumber: `TRK-${side}-${round}`,
            }),
          ),
        );
        expect(replies.map(code)).toEqual(['ok', 'ok']);
        expect(replies.map((reply) => reply.ok && (reply.result as { changed: boolean }).changed)).toEqual([
          true,
          true,
        ]);
        await syncActions();
        const shopOrder = await a.shop.getOrder(shopOrderId);
        const changes = (await a.shop.changesAfter(0, 1000)).filter((change) => String(change.orderId) === shopOrderId);
        const tracking = changes.map((change) => ('trackingNumber' in change ? change.trackingNumber : null));
        // The shop serialises the two: the later is a tracking correction, and what the merchant sees.
        expect(tracking).toHaveLength(2);
        expect(shopOrder?.tracking?.trackingNumber).toBe(tracking[1]);
        const after = await factsOf(order);
        expect(after.events.ShopOrderShipped).toBe(2);
        // One ship action per change, posted once each, in the shop's order; Lengow takes the first, and this
        // marketplace refuses a ship on an order already shipped, so the correction comes back refused.
        expect(after.actions.map((action) => action.tracking_number)).toEqual(tracking);
        expect(after.events.ActionSent).toBe(2);
        expect((after.events.ActionConfirmed ?? 0) + (after.events.ActionRejected ?? 0)).toBe(2);
      }
    }, 180_000);
  },
);
