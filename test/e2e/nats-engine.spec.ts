import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { CommandReply } from '../../src/bus/bus-reply.js';
import type { IntegrationEventBody } from '../../src/bus/integration-event-message.js';
import { deleteStream } from '../../src/bus/jetstream-api.js';
import { orderStreamName } from '../../src/orders/domain/order-key.js';
import { SHOP, type Shop } from '../../src/shop/shop.port.js';
import { ORDER_SETTINGS_STREAM } from '../../src/settings/domain/settings-events.js';
import { describeWithService } from '../support/services.js';
import {
  checkNats,
  eventually,
  freshBusNames,
  NATS_URL,
  readStream,
  startBusEngine,
  type BusEngine,
} from '../support/nats.js';

const nats = await checkNats();

describeWithService(nats, 'the engine on NATS', () => {
  let folder: string;
  let names: ReturnType<typeof freshBusNames>;
  let engine: BusEngine;
  let client: NatsConnection;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'lengow-nats-engine-'));
    names = freshBusNames();
    engine = await startBusEngine(
      {
        SQLITE_PATH: join(folder, 'engine.sqlite'),
        SANDBOX: 'on',
        SANDBOX_PORT: '0',
        SANDBOX_ORDERS: '20',
        NATS_URL,
      },
      { subjectPrefix: names.subjectPrefix, events: { streamName: names.streamName, pollIntervalMs: 20 } },
    );
    client = await connect({ servers: NATS_URL });
  });
  afterAll(async () => {
    await engine?.close();
    await deleteStream(client, names.streamName, 5000).catch(() => undefined);
    await client?.drain();
    rmSync(folder, { recursive: true, force: true });
  });

  async function request(name: string, body: unknown): Promise<CommandReply> {
    const reply = await client.request(`${names.subjectPrefix}.cmd.${name}`, JSON.stringify(body), { timeout: 10_000 });
    return reply.json<CommandReply>();
  }

  it('applies a command sent on the bus and publishes the event it appended to JetStream', async () => {
    const reply = await request('change-import-settings', {
      payload: { importWindowDays: 4 },
      metadata: { actor: 'operator:ann', commandId: 'engine-1' },
    });
    expect(reply).toMatchObject({ ok: true });
    const [event] = (await engine.store.readStream(ORDER_SETTINGS_STREAM)).slice(-1);
    expect(event.type).toBe('ImportSettingsChanged');

    const stored = await eventually(
      async () => (await readStream(client, names.streamName).catch(() => [])).map((m) => m.headers['Nats-Msg-Id']),
      (ids) => ids.includes(event.id),
    );
    expect(stored).toContain(event.id);
    const message = (await readStream(client, names.streamName)).find((m) => m.headers['Nats-Msg-Id'] === event.id)!;
    expect(message.subject).toBe(`${names.subjectPrefix}.evt.ImportSettingsChanged`);
    const body = JSON.parse(new TextDecoder().decode(message.data)) as IntegrationEventBody;
    expect(body).toMatchObject({ id: event.id, stream: ORDER_SETTINGS_STREAM, data: event.data });
    expect(body.metadata).toMatchObject({ actor: 'operator:ann', correlationId: 'engine-1' });
  });

  it('imports the emulator’s orders on a bus command and publishes their events in each order’s sequence', async () => {
    const reply = await request('import-orders-now', { payload: {}, metadata: { actor: 'operator:ann' } });
    expect(reply).toMatchObject({ ok: true });
    const orderEvents = (await engine.store.readAll()).filter((e) => e.stream.startsWith('order-'));
    expect(orderEvents.length).toBeGreaterThan(0);

    const published = await eventually(
      async () => (await readStream(client, names.streamName)).map((m) => m.headers['Nats-Msg-Id']),
      (ids) => orderEvents.every((e) => ids.includes(e.id)),
      20_000,
    );
    const orderIds = new Set(orderEvents.map((e) => e.id));
    // The log's order, hence each stream's revisions in sequence, with nothing twice.
    expect(published.filter((id) => orderIds.has(id))).toEqual(orderEvents.map((e) => e.id));
  });

  it('passes the domain’s refusal of an order command through', async () => {
    const reply = await request('reimport-order', {
      payload: { marketplace: 'amazon_fr', marketplaceOrderId: 'never-seen' },
      metadata: { actor: 'operator:ann' },
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'ORDER_NOT_FOUND' } });
  });

  it('answers the stock retry with typed refusals: the domain’s code, or the payload field at fault', async () => {
    const unknown = await request('retry-stock-decrement', {
      payload: { marketplace: 'amazon_fr', marketplaceOrderId: 'never-seen' },
      metadata: { actor: 'operator:ann' },
    });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'ORDER_NOT_FOUND' } });
    const malformed = await request('retry-stock-decrement', { payload: { marketplace: 'amazon_fr' } });
    expect(malformed).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', details: { fields: [{ field: 'payload.marketplaceOrderId' }] } },
    });
  });

  it("answers a mapping for a marketplace missing from Lengow's list with UNKNOWN_MARKETPLACE and the field", async () => {
    const reply = await request('set-default-carrier', {
      payload: { marketplace: 'cdiscountt', country: 'FR', shipCarrier: 'Colissimo' },
      metadata: { actor: 'operator:ann' },
    });
    expect(reply).toEqual({
      ok: false,
      error: {
        code: 'UNKNOWN_MARKETPLACE',
        message: expect.stringMatching(
          /^marketplace "cdiscountt" is not a Lengow marketplace: .*did you mean cdiscount\?$/,
        ),
        details: { field: 'marketplace' },
      },
    });
  });

  it('answers the refusals HTTP maps with their own codes rather than INTERNAL', async () => {
    const badChoices = await request('resend-order-action', {
      payload: { marketplace: 'amazon_fr', marketplaceOrderId: 'never-seen', choices: { a: 1 } },
    });
    expect(badChoices).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', details: { fields: [{ field: 'payload.choices.a' }] } },
    });
    for (const name of ['verify-projection', 'rebuild-projection']) {
      expect(await request(name, { payload: { projection: 'nope' } })).toMatchObject({
        ok: false,
        error: { code: 'UNKNOWN_PROJECTION', details: { projection: 'nope' } },
      });
    }
  });

  it('lists what waits for an operator, and refuses a replay for a consumer that does not run here', async () => {
    expect(await request('list-waiting-reactions', { payload: {} })).toMatchObject({
      ok: true,
      result: {
        counts: { parked_event: 0, parked_shop_change: 0, deferred_action_request: 0 },
        replayableConsumers: expect.arrayContaining(['saga:ShopOrderSagas']),
      },
    });
    expect(await request('replay-parked-events', { payload: { consumer: 'saga:NoSuchSaga' } })).toMatchObject({
      ok: false,
      error: {
        code: 'UNKNOWN_REACTION_CONSUMER',
        message: expect.stringMatching(/^no consumer saga:NoSuchSaga runs in this engine/),
      },
    });
  });

  it('refuses rebuilds sent together with PROJECTION_BUSY, running one', async () => {
    const replies = await Promise.all(
      [1, 2, 3].map(() => request('rebuild-projection', { payload: { projection: 'order-overview' } })),
    );
    expect(replies.filter((reply) => reply.ok)).toHaveLength(1);
    expect(replies.filter((reply) => !reply.ok)).toEqual([
      expect.objectContaining({ error: expect.objectContaining({ code: 'PROJECTION_BUSY' }) }),
      expect.objectContaining({ error: expect.objectContaining({ code: 'PROJECTION_BUSY' }) }),
    ]);
  });

  it('refuses payloads nested too deeply, and answers one with thousands of unknown fields, within the reply limit', async () => {
    const send = async (raw: string) => {
      const reply = await client.request(`${names.subjectPrefix}.cmd.change-import-settings`, raw, { timeout: 10_000 });
      return { bytes: reply.data.byteLength, body: reply.json<CommandReply>() };
    };
    const arrays = await send(`{"payload":{"importableStatuses":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`);
    expect(arrays.body).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', details: { fields: [{ field: 'payload.importableStatuses' }] } },
    });
    const objects = await send(`{"payload":{"retryPolicy":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}}`);
    expect(objects.body).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(JSON.stringify(objects.body)).toContain('nested too deeply');

    const keys = Array.from({ length: 60_000 }, (_, i) => `"unknown${i}":1`).join(',');
    const wide = await send(`{"payload":{${keys}}}`);
    expect(wide.body).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', details: { omittedFields: 59_950 } },
    });
    expect(wide.bytes).toBeLessThan(64 * 1024);
  }, 30_000);

  describe('on imported orders', () => {
    let orders: { marketplace: string; marketplaceOrderId: string; shopOrderId: string }[];

    beforeAll(async () => {
      // The emulator's orders to countries without a default carrier failed to import: give them one, then import.
      const shop = engine.app.get<Shop>(SHOP);
      const carrier = await shop.addCarrier({ name: 'La Poste', trackingUrl: 'https://laposte.example/@' });
      const failed = (await engine.store.readAll()).filter((e) => e.type === 'OrderImportFailed');
      const pairs = new Set(
        failed.map((e) => {
          const data = e.data as { orderKey: { marketplace: string }; facts: { deliveryCountry: string } };
          return `${data.orderKey.marketplace}/${data.facts.deliveryCountry}`;
        }),
      );
      for (const pair of pairs) {
        const [marketplace, country] = pair.split('/');
        const importCarrier = { id: String(carrier.id), name: carrier.name };
        const reply = await request('set-default-carrier', { payload: { marketplace, country, importCarrier } });
        expect(reply).toMatchObject({ ok: true });
      }
      expect(await request('import-orders-now', { payload: {} })).toMatchObject({ ok: true });
      orders = await eventually(
        async () => {
          const imported = (await engine.store.readAll()).filter((e) => e.type === 'OrderImported');
          const found = [];
          for (const event of imported) {
            const { marketplace, marketplaceOrderId } = (event.data as { orderKey: (typeof orders)[number] }).orderKey;
            const [shopOrder] = await shop.listOrdersFor(marketplace, marketplaceOrderId);
            if (shopOrder?.state === 'awaiting_shipment') {
              found.push({ marketplace, marketplaceOrderId, shopOrderId: String(shopOrder.id) });
            }
          }
          return found;
        },
        (found) => found.length >= 2,
        20_000,
      );
    }, 40_000);

    it('records a shop order shipped on the bus with the caller’s metadata, and the action it calls for too', async () => {
      const [order] = orders;
      const reply = await request('mark-shop-order-shipped', {
        payload: { shopOrderId: order.shopOrderId, carrier: 'La Poste', trackingNumber: '6A12345678901' },
        metadata: { commandId: 'ship-3', correlationId: 'ticket-99', causationId: 'cause-1', actor: 'operator:ann' },
      });
      expect(reply).toMatchObject({ ok: true, result: { changed: true } });
      const stream = orderStreamName(order);
      const events = await eventually(
        () => engine.store.readStream(stream),
        (seen) => seen.some((e) => e.type === 'ShopOrderShipped') && seen.some((e) => e.type === 'ActionRequested'),
        20_000,
      );
      const shipped = events.find((e) => e.type === 'ShopOrderShipped')!;
      expect(shipped.metadata).toMatchObject({
        actor: 'operator:ann',
        correlationId: 'ticket-99',
        causationId: 'cause-1',
      });
      expect(events.find((e) => e.type === 'ActionRequested')!.metadata).toMatchObject({ correlationId: 'ticket-99' });
    }, 30_000);

    it('refuses a commandId reused on another order with COMMAND_ID_REUSED, appending nothing', async () => {
      const [first, second] = orders;
      // A re-synchronisation appends only once the first sending of the merchant order ids has ended.
      for (const order of [first, second]) {
        await eventually(
          () => engine.store.readStream(orderStreamName(order)),
          (events) => events.some((e) => e.type === 'MerchantOrderIdsSent' || e.type === 'MerchantOrderIdsFailed'),
          20_000,
        );
      }
      const metadata = { commandId: 'resync-reused' };
      const applied = await request('resynchronize-order', { payload: orderRef(first), metadata });
      expect(applied).toMatchObject({ ok: true, result: { requested: true } });
      const before = (await engine.store.readStream(orderStreamName(second))).length;
      const reused = await request('resynchronize-order', { payload: orderRef(second), metadata });
      expect(reused).toMatchObject({ ok: false, error: { code: 'COMMAND_ID_REUSED' } });
      expect(await engine.store.readStream(orderStreamName(second))).toHaveLength(before);
    }, 60_000);
  });
});

function orderRef({ marketplace, marketplaceOrderId }: { marketplace: string; marketplaceOrderId: string }) {
  return { marketplace, marketplaceOrderId };
}
