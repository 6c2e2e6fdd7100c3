import { Global, Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import { InfrastructureModule } from '../../../boot/infrastructure.module.js';
import type { AppConfig } from '../../../config/app-config.js';
import { CqrsInfrastructureModule } from '../../../cqrs/cqrs-infrastructure.module.js';
import { DurableSagaRunner } from '../../../cqrs/durable-saga-runner.js';
import { RecordedDomainEvent } from '../../../cqrs/recorded-domain-event.js';
import type { SqlDatabase } from '../../../database/sql-database.port.js';
import { SqliteDatabase } from '../../../database/sqlite-database.js';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../../event-store/event-store.port.js';
import { SqliteEventStore } from '../../../event-store/sqlite/sqlite-event-store.js';
import { HttpLengowApi } from '../../../lengow/http-lengow-api.js';
import { LENGOW_API, type LengowApi } from '../../../lengow/lengow-api.port.js';
import { SqlMarketplaceCatalogueStore } from '../../../lengow/marketplace-catalogue-store.js';
import { silentLogger } from '../../../logging/logger.js';
import { startSandbox, type Sandbox } from '../../../sandbox/sandbox-server.js';
import { SettingsModule } from '../../../settings/settings.module.js';
import { BuiltInShop } from '../../../shop/built-in/built-in-shop.js';
import type { ShopCarrier } from '../../../shop/shop-carrier.js';
import { SHOP, type Shop } from '../../../shop/shop.port.js';
import type { CommandMetadata } from '../../commands/command-metadata.js';
import { ExecuteOrderCommand } from '../../commands/execute-order-command.js';
import { OrderCommandExecutor, type OrderCommandResult } from '../../commands/order-command-executor.js';
import { loadOrder, OrderStreamReader } from '../../commands/order-stream-reader.js';
import { DEFAULT_IMPORT_SETTINGS } from '../../domain/import-settings.js';
import type { OrderImported, OrderImportPlanned } from '../../domain/import-events.js';
import type { ImportLookups } from '../../domain/import-lookups.js';
import type { OrderCommand, ReimportOrder } from '../../domain/order-commands.js';
import { orderKeyOf, orderStreamName, type OrderKey } from '../../domain/order-key.js';
import type { OrderState } from '../../domain/order-state.js';
import { toDomainMarketplaceDefinition } from '../../lengow-mapping/to-domain-marketplace-definition.js';
import { toMarketplaceOrderSnapshot } from '../../lengow-mapping/to-marketplace-order-snapshot.js';
import { OrdersModule } from '../../orders.module.js';
import { OrdersReactions } from '../../sagas/orders-reactions.js';
import { OrdersReactionsModule } from '../../sagas/orders-reactions.module.js';
import { CreateShopOrders, type CreateShopOrdersOutcome } from '../create-shop-orders.js';
import { DecrementStock } from '../decrement-stock.js';
import { sagaMetadata } from '../reaction-metadata.js';
import type { OrdersReactionsOptions } from '../reactions-options.js';
import { EMULATOR_MARKETPLACE } from './emulator-order.js';
import { PortFaults } from './port-faults.js';

export const ACCESS_TOKEN = 'reactions-test-token';
export const SECRET = 'reactions-test-secret';

/** The engine's clock, movable forward (3-day action timeouts); Lengow's emulator keeps real time. */
export class TestClock {
  private offsetMs = 0;
  readonly now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface ReactionsEngineOptions {
  sandbox: Sandbox;
  /** Run the durable sagas (default true); off, a test issues the integration commands itself. */
  sagas?: boolean;
  /** Wraps the real ports, e.g. to crash after a call returned (fault injection), never to fake them. */
  wrapShop?: (shop: Shop) => Shop;
  wrapLengow?: (api: LengowApi) => LengowApi;
  /** Wraps the order command executor: a crash there is a crash after the port call, before its outcome is recorded. */
  wrapExecutor?: (executor: OrderCommandExecutor) => OrderCommandExecutor;
  /** Wraps the event store the app sees (the engine's own reads stay direct). */
  wrapStore?: (store: EventStore) => EventStore;
  reactions?: Partial<OrdersReactionsOptions>;
  /** More modules of the app (e.g. the import pipeline). */
  modules?: DynamicModule[];
  /** Run on these (e.g. PostgreSQL) instead of a fresh in-memory SQLite; the caller closes them. */
  database?: { db: SqlDatabase; store: EventStore };
}

/**
 * The reactions in a Nest testing module on real adapters: SQLite event store and read models in memory, the built-in
 * shop, the HTTP Lengow client against the emulator. Test support.
 */
export class ReactionsEngine {
  /** Order streams this engine imported: `settle` waits for their last events by position. */
  private readonly touched = new Set<string>();

  private constructor(
    readonly app: INestApplicationContext,
    readonly db: SqlDatabase,
    readonly store: EventStore,
    private readonly owned: boolean,
    /** The real shop behind any wrapper. */
    readonly shop: BuiltInShop,
    /** The real connector behind any wrapper. */
    readonly lengow: HttpLengowApi,
    readonly sandbox: Sandbox,
    readonly clock: TestClock,
    readonly carriers: { colissimo: ShopCarrier; van: ShopCarrier },
  ) {}

  static async start(options: ReactionsEngineOptions): Promise<ReactionsEngine> {
    let db: SqlDatabase;
    let store: EventStore;
    if (options.database) {
      ({ db, store } = options.database);
    } else {
      const sqlite = new SqliteDatabase({ path: ':memory:' });
      const sqliteStore = new SqliteEventStore(sqlite);
      await sqliteStore.init();
      [db, store] = [sqlite, sqliteStore];
    }
    const clock = new TestClock();
    const shop = new BuiltInShop(db);
    await shop.init();
    await shop.upsertProduct({ id: '101', name: 'Mug, blue', stock: 10, priceCents: 1995 });
    await shop.upsertProduct({ id: '102', name: 'Tea towel', stock: 5, priceCents: 2000 });
    const colissimo = await shop.addCarrier({ name: 'Colissimo', trackingUrl: 'https://track.example/@' });
    const van = await shop.addCarrier({ name: 'My own van', trackingUrl: null });
    const lengow = new HttpLengowApi({
      baseUrl: options.sandbox.url,
      accessToken: ACCESS_TOKEN,
      secret: SECRET,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
      timeoutsMs: { token: 2000, orders: 3000, moi: 2000, actions: 2000, marketplaces: 2000 },
      // As the app's LengowModule has it: an engine started again on the same database finds the last list there.
      catalogueStore: new SqlMarketplaceCatalogueStore(db),
    });

    const ports = [
      { provide: SHOP, useValue: options.wrapShop ? options.wrapShop(shop) : shop },
      { provide: LENGOW_API, useValue: options.wrapLengow ? options.wrapLengow(lengow) : lengow },
    ];
    @Global()
    @Module({ providers: ports, exports: ports.map((port) => port.provide) })
    class PortsModule {}

    const builder = Test.createTestingModule({
      imports: [
        InfrastructureModule.register({
          config: {} as AppConfig,
          logger: silentLogger(),
          eventStore: options.wrapStore ? options.wrapStore(store) : store,
          readModels: db,
        }),
        CqrsModule.forRoot(),
        CqrsInfrastructureModule.register({
          autoStart: options.sagas !== false,
          pollIntervalMs: 10,
          retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 5, jitter: false },
        }),
        PortsModule,
        SettingsModule.register({ cacheMaxAgeMs: 0 }),
        OrdersModule,
        OrdersReactionsModule.register({
          pollers: false,
          clock: clock.now,
          moiRetry: { attempts: 5, initialDelayMs: 1, maxDelayMs: 4 },
          ...options.reactions,
        }),
        ...(options.modules ?? []),
      ],
    });
    if (options.wrapExecutor) {
      const wrap = options.wrapExecutor;
      builder.overrideProvider(OrderCommandExecutor).useFactory({
        factory: (events: EventStore, reader: OrderStreamReader) => wrap(new OrderCommandExecutor(events, reader)),
        inject: [EVENT_STORE, OrderStreamReader],
      });
    }
    const moduleRef = await builder.compile();
    const app = await moduleRef.init();
    return new ReactionsEngine(app, db, store, !options.database, shop, lengow, options.sandbox, clock, {
      colissimo,
      van,
    });
  }

  get commands(): CommandBus {
    return this.app.get(CommandBus);
  }

  get reactions(): OrdersReactions {
    return this.app.get(OrdersReactions);
  }

  get sagas(): DurableSagaRunner {
    return this.app.get(DurableSagaRunner);
  }

  /** Runs a domain command on an order stream. */
  execute(command: OrderCommand, metadata: Partial<CommandMetadata> = {}): Promise<OrderCommandResult> {
    return this.commands.execute(
      new ExecuteOrderCommand(command, { commandId: `test:${Math.random()}`, actor: 'operator:test', ...metadata }),
    );
  }

  /**
   * Puts the order on the emulator, reads it back through the connector and imports it (`ImportOrder`, as a poll
   * would) with lookups that resolve every line to its shop product and the import carrier to Colissimo.
   */
  async importOrder(order: Record<string, unknown>, overrides: { commandId?: string } = {}): Promise<OrderKey> {
    this.sandbox.state.orders.add(order, Date.now());
    const orderKey = orderKeyOf(String(order.marketplace), String(order.marketplace_order_id));
    this.touched.add(orderStreamName(orderKey));
    await this.execute(
      { type: 'ImportOrder', data: { ...(await this.importInput(orderKey)), trigger: 'poll' } },
      { actor: 'system', commandId: overrides.commandId ?? `poll:${orderStreamName(orderKey)}` },
    );
    return orderKey;
  }

  /** The operator's "cancel and re-import" (`ReimportOrder`) with the order as the emulator has it now. */
  async reimportOrder(orderKey: OrderKey): Promise<OrderCommandResult> {
    return this.execute({ type: 'ReimportOrder', data: await this.importInput(orderKey) });
  }

  private async importInput(orderKey: OrderKey): Promise<ReimportOrder['data']> {
    const parsed = await this.fetchOrder(orderKey);
    const lengowDefinition = await this.lengow.getMarketplace(EMULATOR_MARKETPLACE);
    const snapshot = toMarketplaceOrderSnapshot(parsed, lengowDefinition);
    const lookups: ImportLookups = {
      products: Object.fromEntries(
        snapshot.packages
          .flatMap((pkg) => pkg.lines)
          .map((line) => [
            line.lineId,
            {
              kind: 'found' as const,
              product: { productId: String(line.merchantProductId?.id), variantId: null },
              matchedBy: 'merchant_id' as const,
              available: true,
            },
          ]),
      ),
      currencyAvailable: true,
      countries: { FR: { name: 'France', active: true } },
      carrierMapping: {
        carriers: [],
        methods: [],
        defaults: [
          {
            country: 'FR',
            importCarrier: { id: String(this.carriers.colissimo.referenceId), name: 'Colissimo' },
            shipCarrier: null,
          },
        ],
      },
    };
    return {
      snapshot,
      definition: toDomainMarketplaceDefinition(lengowDefinition),
      lookups,
      settings: DEFAULT_IMPORT_SETTINGS,
      configurationRevision: 'rev-1',
      now: this.clock.now().toISOString(),
    };
  }

  async fetchOrder(orderKey: OrderKey) {
    for await (const page of this.lengow.listOrders({
      marketplace: orderKey.marketplace,
      marketplaceOrderId: orderKey.marketplaceOrderId,
    })) {
      const found = page.orders[0];
      if (found?.ok) return found.order;
      throw new Error(`emulator order ${orderKey.marketplaceOrderId} not readable`);
    }
    throw new Error(`emulator order ${orderKey.marketplaceOrderId} not found`);
  }

  /** The order's `OrderImportPlanned` as the shop-order saga receives it. */
  async planned(orderKey: OrderKey): Promise<RecordedDomainEvent<OrderImportPlanned['data']>> {
    const event = (await this.events(orderKey)).findLast((candidate) => candidate.type === 'OrderImportPlanned');
    if (!event) throw new Error(`${orderStreamName(orderKey)} has no plan`);
    return new RecordedDomainEvent<OrderImportPlanned['data']>(event);
  }

  /** What the shop-order saga does for the order's plan (for tests that keep the sagas stopped). */
  async createPlannedOrders(orderKey: OrderKey): Promise<CreateShopOrdersOutcome> {
    const planned = await this.planned(orderKey);
    return this.commands.execute(
      new CreateShopOrders(
        planned.data.orderKey,
        planned.data.plan,
        planned.data.configurationRevision ?? null,
        sagaMetadata(planned, 'shop-orders', 'create'),
      ),
    );
  }

  /** The command the stock saga issues for the order's `OrderImported` (its decrement left pending by the creation). */
  async stockSagaCommand(orderKey: OrderKey): Promise<DecrementStock> {
    const event = await this.lastEvent<OrderImported['data']>(orderKey, 'OrderImported');
    if (!event.data.stockDecrement) throw new Error(`${orderStreamName(orderKey)} plans no stock decrement`);
    return new DecrementStock(event.stream, event.data.stockDecrement.key, sagaMetadata(event, 'shop-orders', 'stock'));
  }

  /** The last event of a type on the order's stream, as a saga receives it. */
  async lastEvent<Data>(orderKey: OrderKey, type: string): Promise<RecordedDomainEvent<Data>> {
    const event = (await this.events(orderKey)).findLast((candidate) => candidate.type === type);
    if (!event) throw new Error(`${orderStreamName(orderKey)} has no ${type}`);
    return new RecordedDomainEvent<Data>(event);
  }

  async state(orderKey: OrderKey): Promise<OrderState> {
    return (await loadOrder(this.store, orderKey)).state;
  }

  async events(orderKey: OrderKey): Promise<RecordedEvent[]> {
    return this.store.readStream(orderStreamName(orderKey));
  }

  async eventTypes(orderKey: OrderKey): Promise<string[]> {
    return (await this.events(orderKey)).map((event) => event.type);
  }

  /**
   * Sagas and the follow-up index caught up with the log, and with every event of the orders this engine imported
   * (waited for by position, repeated until those streams stop growing: exact on PostgreSQL too).
   */
  async settle(): Promise<void> {
    await this.reactions.waitUntilIdle(20_000);
    let seen = '';
    for (;;) {
      const lasts = await Promise.all(
        [...this.touched].map(async (stream) => (await this.store.readStream(stream)).at(-1)),
      );
      const positions = lasts.filter((event) => event !== undefined).map((event) => event.position);
      const now = positions.join(',');
      if (now === seen) return;
      seen = now;
      const highest = positions.sort().at(-1);
      if (highest !== undefined) await this.reactions.waitForPosition(highest, 20_000);
    }
  }

  /** Actions the emulator received for one order. */
  actionsOf(orderKey: OrderKey) {
    return this.sandbox.state.actions.filter(
      (action) =>
        action.marketplace === orderKey.marketplace && action.marketplaceOrderId === orderKey.marketplaceOrderId,
    );
  }

  moiCallsOf(orderKey: OrderKey) {
    return this.sandbox.state.moiCalls.filter((call) => call.marketplace_order_id === orderKey.marketplaceOrderId);
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.lengow.close();
    if (!this.owned) return;
    await this.store.close();
    await this.db.close();
  }
}

/** What a handler spec drives: the current test's engine, and the fault injectors around its ports. */
export interface FaultyReactions {
  readonly engine: ReactionsEngine;
  readonly shop: PortFaults<Shop>;
  readonly executor: PortFaults<OrderCommandExecutor>;
  readonly store: PortFaults<EventStore>;
}

/**
 * Registers, where it is called, one emulator for the file and a fresh engine per test whose shop, order command
 * executor and event store go through {@link PortFaults}. Sagas are off: each test hands the handler its command itself,
 * as the saga would, as often as it likes. The returned fields are the running test's.
 */
export function useFaultyReactionsEngine(): FaultyReactions {
  let sandbox: Sandbox;
  let current: FaultyReactions | undefined;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, actionProcessingDelayMs: 0, orderCount: 0 });
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    sandbox.state.reset();
    const shop = new PortFaults<Shop>();
    const executor = new PortFaults<OrderCommandExecutor>();
    const store = new PortFaults<EventStore>();
    const engine = await ReactionsEngine.start({
      sandbox,
      sagas: false,
      wrapShop: (real) => shop.wrap(real),
      wrapExecutor: (real) => executor.wrap(real),
      wrapStore: (real) => store.wrap(real),
    });
    current = { engine, shop, executor, store };
  });
  afterEach(async () => {
    const closing = current;
    current = undefined;
    await closing?.engine.close();
  });

  const running = (): FaultyReactions => {
    if (!current) throw new Error('the reactions engine runs only inside tests and their hooks');
    return current;
  };
  return {
    get engine() {
      return running().engine;
    },
    get shop() {
      return running().shop;
    },
    get executor() {
      return running().executor;
    },
    get store() {
      return running().store;
    },
  };
}
