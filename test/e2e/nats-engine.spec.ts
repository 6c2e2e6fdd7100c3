import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { CommandReply } from '../../src/bus/bus-reply.js';
import type { IntegrationEventBody } from '../../src/bus/integration-event-message.js';
import { deleteStream } from '../../src/bus/jetstream-api.js';
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
});
