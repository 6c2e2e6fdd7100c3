import { Module } from '@nestjs/common';
import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import { InfrastructureModule } from '../../../boot/infrastructure.module.js';
import type { AppConfig } from '../../../config/app-config.js';
import { SQL_DATABASE, type SqlDatabase } from '../../../database/sql-database.port.js';
import type { EventStore, RecordedEvent } from '../../../event-store/event-store.port.js';
import { LengowModule } from '../../../lengow/lengow.module.js';
import { silentLogger, type Logger } from '../../../logging/logger.js';
import { PLACES } from '../../../sandbox/buyer-data.js';
import type { Sandbox } from '../../../sandbox/sandbox-server.js';
import { SANDBOX_MARKETPLACE_CODES } from '../../../sandbox/marketplaces.js';
import { SetDefaultCarrier } from '../../../settings/commands/settings-commands.js';
import { SettingsModule } from '../../../settings/settings.module.js';
import { BuiltInShop } from '../../../shop/built-in/built-in-shop.js';
import { seedFromSandboxCatalogue } from '../../../shop/seed-from-sandbox-catalogue.js';
import { ShopModule } from '../../../shop/shop.module.js';
import { SHOP, type Shop } from '../../../shop/shop.port.js';
import { OrdersModule } from '../../orders.module.js';
import { ImportRunLog } from '../import-run-log.js';
import { OrderImporter } from '../order-importer.js';
import { OrdersImportModule, type OrdersImportModuleOptions } from '../orders-import.module.js';
import { REACTIONS_PACE, type ReactionsPace } from '../reactions-pace.js';

/** Test support: the import pipeline assembled as the app does it, on the given stores and Lengow URL. */
export interface ImportTestApp {
  readonly app: INestApplicationContext;
  readonly importer: OrderImporter;
  readonly runs: ImportRunLog;
  readonly commandBus: CommandBus;
  readonly shop: Shop;
  close(): Promise<void>;
}

export async function startImportTestApp(options: {
  store: EventStore;
  db: SqlDatabase;
  lengowUrl: string;
  importOptions?: OrdersImportModuleOptions;
  logger?: Logger;
  /** Puts something between the importer and the built-in shop (e.g. an outage). */
  wrapShop?: (shop: Shop) => Shop;
  /** The reactions window runs keep pace with (the app's own reactions are not part of this one). */
  pace?: ReactionsPace;
}): Promise<ImportTestApp> {
  @Module({
    imports: [
      InfrastructureModule.register({
        config: {} as AppConfig,
        logger: options.logger ?? silentLogger(),
        eventStore: options.store,
        readModels: options.db,
      }),
      CqrsModule.forRoot(),
      LengowModule.register({ connection: { baseUrl: options.lengowUrl, accessToken: 'x', secret: 'y' } }),
      ShopModule,
      SettingsModule.register(),
      OrdersModule,
      OrdersImportModule.register({ schedule: false, ...options.importOptions }),
    ],
    providers: options.pace ? [{ provide: REACTIONS_PACE, useValue: options.pace }] : [],
  })
  class ImportTestModule {}
  let builder = Test.createTestingModule({ imports: [ImportTestModule] });
  const wrap = options.wrapShop;
  if (wrap) {
    builder = builder.overrideProvider(SHOP).useFactory({
      inject: [SQL_DATABASE],
      factory: async (db: SqlDatabase) => {
        const shop = new BuiltInShop(db);
        await shop.init();
        return wrap(shop);
      },
    });
  }
  const moduleRef = await builder.compile();
  const app = await moduleRef.init();
  return {
    app,
    importer: app.get(OrderImporter),
    runs: app.get(ImportRunLog),
    commandBus: app.get(CommandBus),
    shop: app.get<Shop>(SHOP),
    close: () => app.close(),
  };
}

/**
 * The shop and the settings the emulator's manifest assumes: its catalogue, and a default import carrier for every
 * (marketplace, country) its orders ship to, so that no order fails on carrier mapping.
 */
export async function prepareShopForSandbox(app: ImportTestApp): Promise<void> {
  await app.shop.seed(seedFromSandboxCatalogue());
  const carrier = await app.shop.addCarrier({ name: 'La Poste', trackingUrl: 'https://laposte.example/@' });
  const countries = [...new Set(PLACES.map((place) => place.country))];
  for (const marketplace of SANDBOX_MARKETPLACE_CODES) {
    for (const country of countries) {
      await app.commandBus.execute(
        new SetDefaultCarrier(
          { marketplace, country, importCarrier: { id: String(carrier.id), name: carrier.name } },
          { commandId: `test-default-carrier:${marketplace}:${country}`, actor: 'operator:test' },
        ),
      );
    }
  }
}

export type ImportVerdict =
  | { readonly kind: 'planned' }
  | { readonly kind: 'ignored'; readonly code: string }
  | { readonly kind: 'failed'; readonly codes: readonly string[] };

function addVerdict(verdicts: Map<string, ImportVerdict[]>, event: RecordedEvent): void {
  const list = verdicts.get(event.stream) ?? [];
  if (event.type === 'OrderImportPlanned') list.push({ kind: 'planned' });
  else if (event.type === 'OrderImportIgnored') list.push({ kind: 'ignored', code: String(event.data.code) });
  else if (event.type === 'OrderImportFailed')
    list.push({ kind: 'failed', codes: (event.data.failures as { code: string }[]).map((failure) => failure.code) });
  else return;
  verdicts.set(event.stream, list);
}

/** Every order stream's import verdicts (planned / ignored / failed events, in order), keyed by stream name. */
export async function importVerdicts(store: EventStore): Promise<Map<string, ImportVerdict[]>> {
  const verdicts = new Map<string, ImportVerdict[]>();
  let from: string | null = null;
  for (;;) {
    const batch: RecordedEvent[] = await store.readAll({
      fromPosition: from,
      maxCount: 5000,
      filter: { streamPrefixes: ['order-'] },
    });
    if (batch.length === 0) break;
    for (const event of batch) addVerdict(verdicts, event);
    from = batch[batch.length - 1].position;
  }
  return verdicts;
}

/**
 * The same, read stream by stream: what a writer sees at once. On PostgreSQL `readAll` only returns events below the
 * oldest transaction still running anywhere on the server, so it may lag behind appends that just committed.
 */
export async function importVerdictsOfStreams(
  store: EventStore,
  streams: readonly string[],
): Promise<{ verdicts: Map<string, ImportVerdict[]>; events: number }> {
  const verdicts = new Map<string, ImportVerdict[]>();
  let events = 0;
  for (const stream of streams) {
    const recorded = await store.readStream(stream);
    events += recorded.length;
    for (const event of recorded) addVerdict(verdicts, event);
  }
  return { verdicts, events };
}

/** Stream names of the emulator's generated orders. */
export function generatedOrderStreams(sandbox: Sandbox): string[] {
  const { orders } = sandbox.state;
  return Array.from({ length: orders.generatedCount }, (_, index) => {
    const skeleton = orders.skeletonOf(index);
    return `order-${skeleton.marketplace}-${skeleton.marketplaceOrderId}`;
  });
}

/** Number of events in the order streams. */
export async function orderEventCount(store: EventStore): Promise<number> {
  let count = 0;
  let from: string | null = null;
  for (;;) {
    const batch: RecordedEvent[] = await store.readAll({
      fromPosition: from,
      maxCount: 5000,
      filter: { streamPrefixes: ['order-'] },
    });
    if (batch.length === 0) return count;
    count += batch.length;
    from = batch[batch.length - 1].position;
  }
}
