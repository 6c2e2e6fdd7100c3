import { Writable } from 'node:stream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { CommandReply } from '../../src/bus/bus-reply.js';
import type { IntegrationEventBody } from '../../src/bus/integration-event-message.js';
import { createLogger } from '../../src/logging/logger.js';
import { describeWithService } from '../support/services.js';
import {
  busHarness,
  eventually,
  freshBusNames,
  natsServerBinary,
  PrivateNatsServer,
  readStream,
  type BusHarness,
} from '../support/nats.js';

const binary = natsServerBinary();
const check = binary
  ? { available: true }
  : { available: false, reason: 'no nats-server binary on PATH or in /usr/sbin (apt-get install nats-server)' };

/** These tests stop and start a NATS server: one of their own, so the shared server stays up for other suites. */
describeWithService(check, 'NATS bus through a NATS outage', () => {
  let server: PrivateNatsServer;
  let names: ReturnType<typeof freshBusNames>;
  let harness: BusHarness;
  let client: NatsConnection | undefined;

  beforeEach(async () => {
    server = await PrivateNatsServer.create(binary!);
    names = freshBusNames();
    harness = await busHarness(names);
  });
  afterEach(async () => {
    await harness.close();
    await client?.close();
    client = undefined;
    await server.dispose();
  });

  /** A command through the private server: answered only when the bus is subscribed there. */
  async function changeWindow(days: number): Promise<CommandReply> {
    client ??= await connect({ servers: server.url });
    const reply = await client.request(
      `${names.subjectPrefix}.cmd.change-import-settings`,
      JSON.stringify({ payload: { importWindowDays: days }, metadata: { actor: 'operator:ann' } }),
      { timeout: 5000 },
    );
    return reply.json<CommandReply>();
  }

  async function storedIds(): Promise<string[]> {
    client ??= await connect({ servers: server.url });
    const messages = await readStream(client, names.streamName).catch(() => []);
    return messages.map((m) => (JSON.parse(new TextDecoder().decode(m.data)) as IntegrationEventBody).id);
  }

  it('boots while NATS is down and publishes once it comes up', async () => {
    const started = Date.now();
    const { bus } = await harness.boot({}, server.url);
    // The boot does not wait for the server, which only starts below; the margin is for a loaded test run.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(bus.enabled).toBe(true);
    expect(bus.isConnected).toBe(false);

    const appended = await harness.store.append('order-amazon_fr-1', [
      { type: 'OrderImported', data: {} },
      { type: 'ShipRequested', data: {} },
    ]);
    await server.start();
    await bus.publisher!.waitUntilIdle(appended.position, 15_000);
    expect(bus.isConnected).toBe(true);
    const events = await harness.store.readAll();
    expect(await storedIds()).toEqual(events.map((e) => e.id));
    expect(await changeWindow(6)).toMatchObject({ ok: true });
  });

  it('keeps every event through a server restart, each stored once and in order', async () => {
    await server.start();
    const { bus } = await harness.boot({}, server.url);
    await harness.store.append('order-amazon_fr-1', [{ type: 'OrderImported', data: {} }]);
    await bus.publisher!.waitUntilIdle();
    expect(await storedIds()).toHaveLength(1);
    await client?.close();
    client = undefined;

    await server.stop();
    await eventually(
      async () => bus.isConnected,
      (connected) => !connected,
    );
    const during = await harness.store.append('order-amazon_fr-1', [
      { type: 'ShipRequested', data: {} },
      { type: 'ShipSent', data: {} },
    ]);
    await harness.store.append('order-cdiscount-2', [{ type: 'OrderImported', data: {} }]);
    // Nothing can be acknowledged while the server is down: the publisher waits at the first of them.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bus.publisher!.consumer.status().position! < during.position).toBe(true);
    expect(await bus.publisher!.consumer.listParked()).toEqual([]);

    await server.start();
    await bus.publisher!.waitUntilIdle(undefined, 15_000);
    const events = await harness.store.readAll();
    expect(await storedIds()).toEqual(events.map((e) => e.id));
    expect(await bus.publisher!.consumer.listParked()).toEqual([]);
    // The client restored the command subscription on reconnecting.
    expect(await changeWindow(5)).toMatchObject({ ok: true });
  });

  it('passes credentials from NATS_URL to the server and never logs them', async () => {
    await server.dispose();
    server = await PrivateNatsServer.create(binary!, ['--user', 'svc', '--pass', 's3cret-pw']);
    await server.start();
    const lines: string[] = [];
    const logger = createLogger({
      level: 'debug',
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    });
    const refused = await harness.boot(
      { events: { enabled: false } },
      `nats://svc:wr0ng-pw@127.0.0.1:${server.port}`,
      logger,
    );
    expect(refused.bus.isConnected).toBe(false);
    await refused.close();
    const accepted = await harness.boot(
      { events: { enabled: false } },
      `nats://svc:s3cret-pw@127.0.0.1:${server.port}`,
      logger,
    );
    expect(accepted.bus.isConnected).toBe(true);
    await accepted.close();

    expect(lines.some((line) => line.includes('NATS unreachable'))).toBe(true);
    expect(lines.some((line) => line.includes('NATS connected'))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/wr0ng-pw|s3cret-pw/);
  });
});
