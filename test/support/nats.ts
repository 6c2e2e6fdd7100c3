import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort } from './free-port.js';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { AppModule, type AppModuleOptions } from '../../src/app.module.js';
import { openInfrastructure } from '../../src/boot/infrastructure.js';
import { InfrastructureModule } from '../../src/boot/infrastructure.module.js';
import { getStreamMessage, streamInfo, type StoredMessage } from '../../src/bus/jetstream-api.js';
import type { NatsBusOverrides } from '../../src/bus/nats-bus-options.js';
import { NatsBus } from '../../src/bus/nats-bus.js';
import { NatsBusModule } from '../../src/bus/nats-bus.module.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { EventStore } from '../../src/event-store/event-store.port.js';
import { OrdersImportModule } from '../../src/orders/import/orders-import.module.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox-server.js';
import { seedFromSandboxCatalogue } from '../../src/shop/seed-from-sandbox-catalogue.js';
import { SHOP, type Shop } from '../../src/shop/shop.port.js';
import { SqliteDatabase } from '../../src/database/sqlite-database.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { silentLogger, type Logger } from '../../src/logging/logger.js';
import { OrdersModule } from '../../src/orders/orders.module.js';
import { SettingsModule } from '../../src/settings/settings.module.js';
import { NATS_URL, type ServiceCheck } from './services.js';

export { NATS_URL };

/** Reachable and with JetStream: the bus needs both. */
export async function checkNats(url = NATS_URL): Promise<ServiceCheck> {
  let connection: NatsConnection | undefined;
  try {
    connection = await connect({ servers: url, timeout: 2000, reconnect: false });
    if (!connection.info?.jetstream) return { available: false, reason: `NATS at ${url} runs without JetStream (-js)` };
    return { available: true };
  } catch (error) {
    return { available: false, reason: `NATS unreachable at ${url}: ${(error as Error).message}` };
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** Subject prefix and stream name of their own for one test run, so reruns against one server never collide. */
export function freshBusNames(): { subjectPrefix: string; streamName: string } {
  const tag = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  return { subjectPrefix: `test.${tag}.lengow.orders`, streamName: `LENGOW_TEST_${tag}` };
}

/** Every message of a JetStream stream, in order. */
export async function readStream(connection: NatsConnection, stream: string): Promise<StoredMessage[]> {
  const info = await streamInfo(connection, stream, 5000);
  const messages: StoredMessage[] = [];
  if (info.state.messages === 0) return messages;
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    messages.push(await getStreamMessage(connection, stream, seq, 5000));
  }
  return messages;
}

/** Polls until `read` satisfies `done` (JetStream and the publisher are asynchronous); the last value otherwise. */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The nats-server binary (.ci/run installs Debian's), for suites that need a server of their own to stop. */
export function natsServerBinary(): string | undefined {
  const candidates = [
    ...(process.env.PATH ?? '').split(delimiter).map((folder) => join(folder, 'nats-server')),
    '/usr/sbin/nats-server',
    '/usr/bin/nats-server',
  ];
  return candidates.find((path) => existsSync(path));
}

async function waitForPort(port: number, up: boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = tcpConnect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open === up) return;
    if (Date.now() > deadline) throw new Error(`nats-server on port ${port} did not go ${up ? 'up' : 'down'}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A nats-server with JetStream of this suite's own, on a free port with its own storage, so a test can stop and
 * restart it without disturbing the shared server. Storage survives `stop()`/`start()` like a real restart.
 */
export class PrivateNatsServer {
  private process?: ChildProcess;
  private readonly storage = mkdtempSync(join(tmpdir(), 'lengow-nats-'));

  private constructor(
    private readonly binary: string,
    readonly port: number,
    private readonly extraArgs: string[],
  ) {}

  /** `extraArgs`: more nats-server flags, e.g. `['--user', 'svc', '--pass', 'secret']`. */
  static async create(binary: string, extraArgs: string[] = []): Promise<PrivateNatsServer> {
    return new PrivateNatsServer(binary, await freePort(), extraArgs);
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storage, ...this.extraArgs];
    const child = spawn(this.binary, args, { stdio: 'ignore' });
    this.process = child;
    await Promise.race([
      waitForPort(this.port, true),
      new Promise<never>((_, reject) =>
        child.once('exit', (code) => reject(new Error(`nats-server exited with ${code}`))),
      ),
    ]);
  }

  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
    await waitForPort(this.port, false);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.storage, { recursive: true, force: true });
  }
}

/** An engine slice with the bus: the store and database outlive boots, as they would across process restarts. */
export interface BusHarness {
  db: SqliteDatabase;
  store: SqliteEventStore;
  boot(overrides?: NatsBusOverrides, url?: string, logger?: Logger): Promise<BootedBus>;
  close(): Promise<void>;
}

export interface BootedBus {
  app: INestApplicationContext;
  bus: NatsBus;
  close(): Promise<void>;
}

export async function busHarness(names: { subjectPrefix: string; streamName: string }): Promise<BusHarness> {
  const db = new SqliteDatabase({ path: ':memory:' });
  const store = new SqliteEventStore(db);
  await store.init();
  const booted: BootedBus[] = [];
  return {
    db,
    store,
    async boot(overrides = {}, url = NATS_URL, logger = silentLogger()) {
      @Module({
        imports: [
          InfrastructureModule.register({
            config: { NATS_URL: url } as AppConfig,
            logger,
            eventStore: store,
            readModels: db,
          }),
          CqrsModule.forRoot(),
          SettingsModule.register({ cacheMaxAgeMs: 0 }),
          OrdersModule,
          NatsBusModule.register({
            subjectPrefix: names.subjectPrefix,
            connectTimeoutMs: 1000,
            reconnectDelayMs: 100,
            ...overrides,
            events: {
              streamName: names.streamName,
              pollIntervalMs: 20,
              publishTimeoutMs: 1000,
              backoff: { initialDelayMs: 20, maxDelayMs: 200 },
              retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 },
              ...overrides.events,
            },
          }),
        ],
      })
      class BusTestModule {}
      const moduleRef = await Test.createTestingModule({ imports: [BusTestModule] }).compile();
      const app = await moduleRef.init();
      let closed = false;
      const handle: BootedBus = {
        app,
        bus: app.get(NatsBus),
        close: async () => {
          if (closed) return;
          closed = true;
          await app.close();
        },
      };
      booted.push(handle);
      return handle;
    },
    async close() {
      for (const handle of booted) await handle.close();
      await store.close();
      await db.close();
    },
  };
}

type ModuleClass = abstract new (...args: never[]) => unknown;

/** Whether the boot's AppModule already imports `module`, so a test composes only what the boot does not wire yet. */
function appModuleIncludes(module: ModuleClass): boolean {
  const probe = AppModule.register({} as never, {});
  return (probe.imports ?? []).some(
    (entry) => entry === module || (entry as DynamicModule | undefined)?.module === module,
  );
}

@Module({})
class BusEngineTestModule {
  static register(app: DynamicModule): DynamicModule {
    const missing: DynamicModule[] = [];
    if (!appModuleIncludes(OrdersImportModule)) missing.push(OrdersImportModule.register({ schedule: false }));
    return { module: BusEngineTestModule, imports: [app, ...missing] };
  }
}

export interface BusEngine {
  app: INestApplicationContext;
  bus: NatsBus;
  store: EventStore;
  sandbox?: Sandbox;
  close(): Promise<void>;
}

/**
 * The whole engine (AppModule on a validated configuration, the built-in emulator, the seeded shop) with the bus on a
 * subject prefix and stream of the test's own. Composes the bus and the import pipeline in as long as the boot does
 * not wire them itself; then it is the boot's own module, given the overrides through `AppModuleOptions.nats`.
 */
export async function startBusEngine(env: NodeJS.ProcessEnv, overrides: NatsBusOverrides): Promise<BusEngine> {
  const config = loadConfig(env);
  const logger = silentLogger();
  const infrastructure = await openInfrastructure(config, logger);
  let sandbox: Sandbox | undefined;
  let app: INestApplicationContext | undefined;
  try {
    if (config.sandboxEnabled) {
      sandbox = await startSandbox({
        host: '127.0.0.1',
        port: config.SANDBOX_PORT,
        seed: config.SANDBOX_SEED,
        orderCount: config.SANDBOX_ORDERS,
        logger,
      });
    }
    const lengow = sandbox
      ? { connection: { baseUrl: sandbox.url, accessToken: 'sandbox', secret: 'sandbox' } }
      : undefined;
    const wired = appModuleIncludes(NatsBusModule);
    const appModule = AppModule.register(infrastructure, { lengow, nats: overrides } as AppModuleOptions);
    const root = BusEngineTestModule.register(appModule);
    if (!wired) root.imports!.push(NatsBusModule.register(overrides));
    app = await NestFactory.createApplicationContext(root, { logger: false, abortOnError: false });
    if (sandbox) await app.get<Shop>(SHOP).seed(seedFromSandboxCatalogue());
    await app.init();
  } catch (error) {
    await app?.close().catch(() => undefined);
    await sandbox?.close();
    await infrastructure.close();
    throw error;
  }
  const running = app;
  return {
    app: running,
    bus: running.get(NatsBus, { strict: false }),
    store: infrastructure.eventStore,
    sandbox,
    close: async () => {
      await running.close();
      await sandbox?.close();
      await infrastructure.close();
    },
  };
}
