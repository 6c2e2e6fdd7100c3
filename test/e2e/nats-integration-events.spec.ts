import { connect, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { IntegrationEventBody } from '../../src/bus/integration-event-message.js';
import { deleteStream, ensureStream, streamInfo } from '../../src/bus/jetstream-api.js';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { describeWithService } from '../support/services.js';
import {
  busHarness,
  checkNats,
  eventually,
  freshBusNames,
  NATS_URL,
  readStream,
  type BusHarness,
} from '../support/nats.js';

const nats = await checkNats();

function body(message: { data: Uint8Array }): IntegrationEventBody {
  return JSON.parse(new TextDecoder().decode(message.data)) as IntegrationEventBody;
}

/** Every message a plain subscriber sees, duplicates included: JetStream de-duplicates only what it stores. */
function collect(connection: NatsConnection, subject: string): { seen: Msg[]; subscription: Subscription } {
  const seen: Msg[] = [];
  const subscription = connection.subscribe(subject, { callback: (_error, message) => void seen.push(message) });
  return { seen, subscription };
}

describeWithService(nats, 'integration events on NATS JetStream', () => {
  let names: ReturnType<typeof freshBusNames>;
  let harness: BusHarness;
  let client: NatsConnection;

  beforeEach(async () => {
    names = freshBusNames();
    harness = await busHarness(names);
    client = await connect({ servers: NATS_URL });
  });
  afterEach(async () => {
    await harness.close();
    await deleteStream(client, names.streamName, 5000).catch(() => undefined);
    await client.drain();
  });

  async function appendSample(): Promise<RecordedEvent[]> {
    await harness.store.append('order-amazon_fr-111', [
      { type: 'OrderImportRequested', data: { n: 1 }, metadata: { actor: 'system' } },
      { type: 'OrderImported', data: { n: 2 } },
    ]);
    await harness.store.append('shop-stock-ABC', [{ type: 'StockDecremented', data: { n: 3 } }]);
    await harness.store.append('settings-order-parameters', [{ type: 'ImportSettingsChanged', data: { n: 4 } }]);
    await harness.store.append('order-cdiscount-222', [{ type: 'OrderImported', data: { n: 5 } }]);
    return (await harness.store.readAll()).filter((e) => !e.stream.startsWith('shop-'));
  }

  it('publishes order and settings events to <prefix>.evt.<Type> with the event id, in log order', async () => {
    const expected = await appendSample();
    const { seen } = collect(client, `${names.subjectPrefix}.evt.>`);
    await client.flush();
    const { bus } = await harness.boot();
    await bus.publisher!.waitUntilIdle();

    const stored = await readStream(client, names.streamName);
    expect(stored.map((m) => m.subject)).toEqual(expected.map((e) => `${names.subjectPrefix}.evt.${e.type}`));
    expect(stored.map((m) => m.headers['Nats-Msg-Id'])).toEqual(expected.map((e) => e.id));
    expect(stored.map((m) => body(m))).toEqual(
      expected.map((e) => ({
        id: e.id,
        type: e.type,
        stream: e.stream,
        revision: e.revision,
        position: e.position,
        recordedAt: e.recordedAt,
        data: e.data,
        metadata: e.metadata,
      })),
    );
    expect(stored[0].headers['Lengow-Stream']).toBe('order-amazon_fr-111');
    // Live subscribers (no JetStream consumer) see them too.
    await eventually(
      async () => seen.length,
      (n) => n >= expected.length,
    );
    expect(seen.map((m) => body(m).id)).toEqual(expected.map((e) => e.id));

    // Events appended while it runs follow.
    const later = await harness.store.append('order-amazon_fr-111', [{ type: 'ShipRequested', data: { n: 6 } }]);
    await bus.publisher!.waitUntilIdle(later.position);
    const after = await readStream(client, names.streamName);
    expect(after.map((m) => m.subject).at(-1)).toBe(`${names.subjectPrefix}.evt.ShipRequested`);
  });

  it('stores each event once when a restarted publisher sends them again (Nats-Msg-Id de-duplication)', async () => {
    const expected = await appendSample();
    let booted = await harness.boot();
    await booted.bus.publisher!.waitUntilIdle();
    await booted.close();

    // A crash after JetStream stored the messages but before the checkpoint moved: everything is sent again.
    await harness.db.execute(`UPDATE consumer_checkpoints SET position = NULL WHERE name = 'nats-publisher'`);
    const { seen } = collect(client, `${names.subjectPrefix}.evt.>`);
    await client.flush();
    booted = await harness.boot();
    await booted.bus.publisher!.waitUntilIdle();

    await eventually(
      async () => seen.length,
      (n) => n >= expected.length,
    );
    expect(seen.map((m) => body(m).id)).toEqual(expected.map((e) => e.id));
    const stored = await readStream(client, names.streamName);
    expect(stored.map((m) => m.headers['Nats-Msg-Id'])).toEqual(expected.map((e) => e.id));
  });

  it('resumes from its checkpoint after a restart, publishing only what it had not', async () => {
    const first = await appendSample();
    let booted = await harness.boot();
    await booted.bus.publisher!.waitUntilIdle();
    await booted.close();

    const more = await harness.store.append('order-amazon_fr-111', [
      { type: 'ShipRequested', data: {} },
      { type: 'ShipSent', data: {} },
    ]);
    const { seen } = collect(client, `${names.subjectPrefix}.evt.>`);
    await client.flush();
    booted = await harness.boot();
    await booted.bus.publisher!.waitUntilIdle(more.position);

    await eventually(
      async () => seen.length,
      (n) => n >= 2,
    );
    expect(seen.map((m) => body(m).type)).toEqual(['ShipRequested', 'ShipSent']);
    const stored = await readStream(client, names.streamName);
    expect(stored).toHaveLength(first.length + 2);
    expect(new Set(stored.map((m) => m.headers['Nats-Msg-Id'])).size).toBe(first.length + 2);
  });

  it('creates the stream with the configured duplicate window', async () => {
    const { bus } = await harness.boot({ events: { duplicateWindowMs: 90_000 } });
    await harness.store.append('order-x-1', [{ type: 'OrderImported', data: {} }]);
    await bus.publisher!.waitUntilIdle();
    const info = await streamInfo(client, names.streamName, 5000);
    expect(info.config.subjects).toEqual([`${names.subjectPrefix}.evt.>`]);
    expect(info.config.duplicate_window).toBe(90_000 * 1_000_000);
  });

  it('leaves a stream an operator created as it is, and publishes into it', async () => {
    await ensureStream(
      client,
      {
        name: names.streamName,
        subjects: [`${names.subjectPrefix}.evt.>`],
        maxAgeMs: 60_000,
        duplicateWindowMs: 30_000,
      },
      5000,
    );
    const { bus } = await harness.boot({ events: { duplicateWindowMs: 90_000 } });
    await harness.store.append('order-x-1', [{ type: 'OrderImported', data: {} }]);
    await bus.publisher!.waitUntilIdle();
    const info = await streamInfo(client, names.streamName, 5000);
    expect(info.config.duplicate_window).toBe(30_000 * 1_000_000);
    expect(info.state.messages).toBe(1);
  });

  it('connects to nothing when NATS_URL is not set', async () => {
    await harness.store.append('order-x-1', [{ type: 'OrderImported', data: {} }]);
    const { bus } = await harness.boot({}, '');
    expect(bus.enabled).toBe(false);
    expect(bus.publisher).toBeUndefined();
    expect(bus.isConnected).toBe(false);
    const rows = await harness.db.query(`SELECT name FROM sqlite_master WHERE name = 'consumer_checkpoints'`);
    expect(rows).toEqual([]);
  });
});
