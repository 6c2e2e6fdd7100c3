import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { CommandBus, CqrsModule, QueryBus } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import { InfrastructureModule } from '../boot/infrastructure.module.js';
import { AppConfig } from '../config/app-config.js';
import { SqliteDatabase } from '../database/sqlite-database.js';
import type { EventStore, ReadStreamOptions } from '../event-store/event-store.port.js';
import type { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store.js';
import { TempSqliteFolder } from '../event-store/sqlite/testing/temp-sqlite-folder.js';
import { WrongExpectedRevision } from '../event-store/wrong-expected-revision.error.js';
import { LENGOW_API, type LengowApi } from '../lengow/lengow-api.port.js';
import { LengowUnknownMarketplace } from '../lengow/lengow-errors.js';
import type { MarketplaceDefinition } from '../lengow/marketplace-definition.js';
import { silentLogger } from '../logging/logger.js';
import type { CommandMetadata } from '../orders/commands/command-metadata.js';
import type { SettingsCommandResult } from './commands/settings-command-executor.js';
import {
  ChangeImportSettings,
  MapCarrier,
  MapShippingMethod,
  RecordMarketplaceSeen,
  SetDefaultCarrier,
  UnmapCarrier,
} from './commands/settings-commands.js';
import { ORDER_SETTINGS_STREAM } from './domain/settings-events.js';
import { ORDER_SETTINGS, type OrderSettingsReader } from './order-settings.port.js';
import { GetOrderSettings } from './queries/get-order-settings.query.js';
import { SettingsModule, type SettingsModuleOptions } from './settings.module.js';

/** Counts what the settings code asks of the store: conflicts met, and where each stream read started. */
class ObservedStore {
  conflicts = 0;
  reads: ReadStreamOptions[] = [];

  static wrap(store: EventStore): { store: EventStore; observed: ObservedStore } {
    const observed = new ObservedStore();
    const proxy = new Proxy(store, {
      get(target, key, receiver) {
        if (key === 'append') {
          return async (...args: Parameters<EventStore['append']>) => {
            try {
              return await target.append(...args);
            } catch (error) {
              if (error instanceof WrongExpectedRevision) observed.conflicts++;
              throw error;
            }
          };
        }
        if (key === 'readStream') {
          return (stream: string, options: ReadStreamOptions = {}) => {
            observed.reads.push(options);
            return target.readStream(stream, options);
          };
        }
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    return { store: proxy, observed };
  }
}

const colissimo = { id: 'carrier-12', name: 'Colissimo', trackingUrlTemplate: 'https://track.example/@' };
let commandCount = 0;
const by = (actor: CommandMetadata['actor'] = 'operator:ann'): CommandMetadata => ({
  commandId: `cmd-${++commandCount}`,
  actor,
});

interface Engine {
  app: INestApplicationContext;
  commands: CommandBus;
  queries: QueryBus;
  reader: OrderSettingsReader;
  send<R>(command: { readonly payload: unknown } & object): Promise<R>;
}

describe('SettingsModule', () => {
  let folder: TempSqliteFolder;
  /** The apps booted, closed before the stores they run on (the folder closes those). */
  const opened: Array<() => Promise<void>> = [];

  beforeEach(() => {
    folder = new TempSqliteFolder('settings');
  });
  afterEach(async () => {
    try {
      for (const close of opened.splice(0).reverse()) await close();
    } finally {
      await folder.dispose();
    }
  });

  /** One engine "process": its own connection to the shared SQLite file, its own Nest app and settings cache. */
  async function openStore(): Promise<SqliteEventStore> {
    return (await folder.eventStore('events.sqlite')).store;
  }

  async function boot(
    store: EventStore,
    options?: SettingsModuleOptions,
    config: AppConfig = new AppConfig(),
    lengow?: Pick<LengowApi, 'getMarketplaces' | 'getMarketplace'>,
  ): Promise<Engine> {
    const readModels = new SqliteDatabase({ path: ':memory:' });
    // The app's connector is global (LengowModule): the settings handlers find it without importing it.
    const connector: DynamicModule[] = lengow
      ? [
          {
            module: class FakeLengowModule {},
            global: true,
            providers: [{ provide: LENGOW_API, useValue: lengow }],
            exports: [LENGOW_API],
          },
        ]
      : [];
    @Module({
      imports: [
        InfrastructureModule.register({ config, logger: silentLogger(), eventStore: store, readModels }),
        ...connector,
        CqrsModule.forRoot(),
        // Plain import unless a test tunes the cache.
        options ? SettingsModule.register(options) : SettingsModule,
      ],
    })
    class TestApp {}
    const moduleRef = await Test.createTestingModule({ imports: [TestApp] }).compile();
    const app = await moduleRef.init();
    opened.push(async () => {
      await app.close();
      await readModels.close();
    });
    const commands = app.get(CommandBus);
    return {
      app,
      commands,
      queries: app.get(QueryBus),
      reader: app.get<OrderSettingsReader>(ORDER_SETTINGS),
      send: (command) => commands.execute(command as never),
    };
  }

  it('changes a setting and reads it back through the reader and the query, with who did it', async () => {
    const engine = await boot(await openStore());
    const before = await engine.reader.current();
    expect(before).toMatchObject({ importWindowDays: 3, importIntervalSeconds: 300, revision: '-1' });

    const result = await engine.commands.execute(
      new ChangeImportSettings({ importWindowDays: 5, importableStatuses: ['shipped'] }, by('operator:ann')),
    );
    expect(result.appended.map((e) => e.type)).toEqual(['ImportSettingsChanged']);
    expect(result.revision).toBe('0');

    const after = await engine.reader.current();
    expect(after).toMatchObject({ importWindowDays: 5, import: { importableStatuses: ['shipped'] }, revision: '0' });
    const view = await engine.queries.execute(new GetOrderSettings());
    expect(view.history).toEqual([
      expect.objectContaining({
        revision: 0,
        type: 'ImportSettingsChanged',
        actor: 'operator:ann',
        summary:
          'import settings: importableStatuses ["waiting_shipment","shipped","closed","partial_refunded"] → ["shipped"]; importWindowDays 3 → 5',
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      }),
    ]);
    expect(view.parameters.importIntervalSeconds).toBeNull();

    // The answer is the caller's to edit: the cached settings stay as stored.
    (view.parameters as { importWindowDays: number }).importWindowDays = 1;
    (view.history[0].data as { changes: object }).changes = {};
    const again = await engine.queries.execute(new GetOrderSettings());
    expect(again.parameters.importWindowDays).toBe(5);
    expect(again.history[0].data).toMatchObject({ changes: { importWindowDays: 5 } });
  });

  it("refuses a mapping for a marketplace missing from Lengow's list unless an order named it; removals stay open", async () => {
    const listed = ['amazon_fr', 'cdiscount'];
    const lengow = {
      getMarketplaces: async () => ({
        fetchedAt: '2025-06-01T08:00:00.000Z',
        stale: false,
        definitions: new Map(listed.map((code) => [code, { code } as unknown as MarketplaceDefinition])),
      }),
      getMarketplace: (code: string) => Promise.reject(new LengowUnknownMarketplace(code)),
    };
    const store = await openStore();
    const engine = await boot(store, undefined, undefined, lengow);
    const typo = { marketplace: 'amazon_frr', country: 'FR' };
    for (const command of [
      new MapCarrier({ ...typo, shopCarrier: colissimo, marketplaceCarrier: 'COLISSIMO' }, by()),
      new MapShippingMethod({ ...typo, marketplaceMethod: 'Standard', shopCarrier: colissimo }, by()),
      new SetDefaultCarrier({ ...typo, shipCarrier: 'COLISSIMO' }, by()),
    ]) {
      await expect(engine.send(command)).rejects.toMatchObject({
        code: 'UNKNOWN_MARKETPLACE',
        field: 'marketplace',
        message: expect.stringMatching(
          /^marketplace "amazon_frr" is not a Lengow marketplace: .* did you mean amazon_fr\?$/,
        ),
      });
    }
    expect(await store.readStream(ORDER_SETTINGS_STREAM)).toEqual([]);
    // What only removes is not checked: a code stored before the check existed can still be cleaned up.
    await engine.send(new SetDefaultCarrier({ ...typo, importCarrier: null, shipCarrier: null }, by()));
    await engine.send(new UnmapCarrier({ ...typo, shopCarrierId: 'carrier-12' }, by()));

    const mapped = await engine.send<SettingsCommandResult>(
      new MapCarrier(
        { marketplace: 'AMAZON_FR', country: 'FR', shopCarrier: colissimo, marketplaceCarrier: 'X' },
        by(),
      ),
    );
    expect(mapped.appended.map((event) => event.type)).toEqual(['CarrierMapped']);
    // A marketplace the account's orders come from exists, even when the list leaves it out.
    await engine.send(
      new RecordMarketplaceSeen({ marketplace: 'private_mp', country: 'FR', source: 'order' }, by('saga:import')),
    );
    const seen = await engine.send<SettingsCommandResult>(
      new SetDefaultCarrier({ marketplace: 'private_mp', country: 'FR', importCarrier: colissimo }, by()),
    );
    expect(seen.appended.map((event) => event.type)).toEqual(['DefaultCarrierSet']);
  });

  it('takes the default interval from IMPORT_INTERVAL until an event pins one', async () => {
    const config = Object.assign(new AppConfig(), { IMPORT_INTERVAL: '2m' });
    const engine = await boot(await openStore(), undefined, config);
    expect((await engine.reader.current()).importIntervalSeconds).toBe(120);
    await engine.commands.execute(new ChangeImportSettings({ importIntervalSeconds: 45 }, by()));
    expect((await engine.reader.current()).importIntervalSeconds).toBe(45);
    await engine.commands.execute(new ChangeImportSettings({ importIntervalSeconds: null }, by()));
    expect((await engine.reader.current()).importIntervalSeconds).toBe(120);
  });

  it('moves the revision only on an effective change', async () => {
    const store = await openStore();
    const engine = await boot(store);
    const first = await engine.commands.execute(new ChangeImportSettings({ forceProduct: false }, by()));
    const same = await engine.commands.execute(new ChangeImportSettings({ forceProduct: false }, by()));
    const mapped = await engine.commands.execute(
      new MapCarrier(
        { marketplace: 'amazon_fr', country: 'FR', shopCarrier: colissimo, marketplaceCarrier: 'COLISSIMO' },
        by(),
      ),
    );
    const mappedAgain = await engine.commands.execute(
      new MapCarrier(
        { marketplace: 'AMAZON_FR', country: 'fr', shopCarrier: colissimo, marketplaceCarrier: 'COLISSIMO' },
        by(),
      ),
    );
    const unmapMissing = await engine.commands.execute(
      new UnmapCarrier({ marketplace: 'amazon_fr', country: 'DE', shopCarrierId: 'carrier-12' }, by()),
    );
    expect([first, same, mapped, mappedAgain, unmapMissing].map((r) => [r.revision, r.appended.length])).toEqual([
      ['0', 1],
      ['0', 0],
      ['1', 1],
      ['1', 0],
      ['1', 0],
    ]);
    expect(await store.readStream(ORDER_SETTINGS_STREAM)).toHaveLength(2);
    expect((await engine.reader.current()).revision).toBe('1');
  });

  it('applies concurrent changes from two processes, the loser re-deciding after the conflict', async () => {
    const { store: storeA, observed: observedA } = ObservedStore.wrap(await openStore());
    const { store: storeB, observed: observedB } = ObservedStore.wrap(await openStore());
    const a = await boot(storeA);
    const b = await boot(storeB);
    const results = await Promise.all([
      a.commands.execute(new ChangeImportSettings({ importWindowDays: 7 }, by('operator:ann'))),
      b.commands.execute(
        new MapCarrier(
          { marketplace: 'amazon_fr', country: 'FR', shopCarrier: colissimo, marketplaceCarrier: 'COLISSIMO' },
          by('operator:bob'),
        ),
      ),
      b.commands.execute(new ChangeImportSettings({ forceProduct: false }, by('operator:bob'))),
    ]);
    expect(results.every((r) => r.appended.length === 1)).toBe(true);
    expect(observedA.conflicts + observedB.conflicts).toBeGreaterThan(0);

    const settings = await a.queries.execute(new GetOrderSettings());
    expect(settings.settings).toMatchObject({
      importWindowDays: 7,
      import: { forceProduct: false },
      carrierMappings: { amazon_fr: { carriers: [{ country: 'FR', marketplaceCarrier: 'COLISSIMO' }] } },
      revision: '2',
    });
    expect(settings.history.map((entry) => entry.actor).sort()).toEqual([
      'operator:ann',
      'operator:bob',
      'operator:bob',
    ]);
  });

  it('records a marketplace seen by many imports at once only once', async () => {
    const store = await openStore();
    const engines = [await boot(store), await boot(store), await boot(store)];
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        engines[i % 3].commands.execute(
          new RecordMarketplaceSeen({ marketplace: 'fnac', country: 'FR', source: 'order' }, by('saga:import')),
        ),
      ),
    );
    expect((await store.readStream(ORDER_SETTINGS_STREAM)).map((e) => e.type)).toEqual(['MarketplaceDiscovered']);
  });

  it("sees another process's change within the cache's max age, reading only the new events", async () => {
    const writer = await boot(await openStore());
    const { store, observed } = ObservedStore.wrap(await openStore());
    const reader = (await boot(store, { cacheMaxAgeMs: 150 })).reader;

    await writer.commands.execute(new ChangeImportSettings({ importWindowDays: 4 }, by()));
    expect((await reader.current()).importWindowDays).toBe(4);
    const readsAfterFirst = observed.reads.length;

    await writer.commands.execute(new ChangeImportSettings({ importWindowDays: 6 }, by()));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const [seen, mapping] = await Promise.all([reader.current(), reader.carrierMapping('amazon_fr')]);
    expect(seen).toMatchObject({ importWindowDays: 6, revision: '1' });
    expect(mapping).toEqual({ carriers: [], methods: [], defaults: [] });
    // Both calls shared one read, which started after the revision already folded.
    expect(observed.reads.slice(readsAfterFirst)).toEqual([{ fromRevision: 1 }]);
  });

  it('with a max age of 0, sees every change at once', async () => {
    const writer = await boot(await openStore());
    const reader = (await boot(await openStore(), { cacheMaxAgeMs: 0 })).reader;
    await reader.current();
    await writer.commands.execute(new ChangeImportSettings({ importWindowDays: 9 }, by()));
    expect((await reader.current()).importWindowDays).toBe(9);
  });

  it('flags a discovered marketplace until its carriers are mapped, and again for a new country', async () => {
    const engine = await boot(await openStore());
    await engine.commands.execute(
      new RecordMarketplaceSeen(
        { marketplace: 'ManoMano_FR', country: 'FR', source: 'order', label: 'ManoMano' },
        by('saga:import'),
      ),
    );
    expect((await engine.reader.current()).unmappedMarketplaces).toEqual(['manomano_fr']);

    await engine.commands.execute(
      new SetDefaultCarrier({ marketplace: 'manomano_fr', country: 'FR', importCarrier: colissimo }, by()),
    );
    expect((await engine.reader.current()).unmappedMarketplaces).toEqual([]);
    expect(await engine.reader.carrierMapping('ManoMano_FR')).toEqual({
      carriers: [],
      methods: [],
      defaults: [{ country: 'FR', importCarrier: colissimo, shipCarrier: null }],
    });

    await engine.commands.execute(
      new RecordMarketplaceSeen({ marketplace: 'manomano_fr', country: 'ES', source: 'order' }, by('saga:import')),
    );
    const view = await engine.queries.execute(new GetOrderSettings());
    expect(view.settings.unmappedMarketplaces).toEqual(['manomano_fr']);
    expect(view.marketplaces).toEqual([
      {
        marketplace: 'manomano_fr',
        label: 'ManoMano',
        countriesSeen: ['ES', 'FR'],
        uncoveredCountries: ['ES'],
        mapped: false,
      },
    ]);
  });

  describe('refusals', () => {
    it.each([
      [{ importWindowDays: '12' }, 'importWindowDays', 'importWindowDays must be a number'],
      [{ importWindowDay: 5 }, 'importWindowDay', 'importWindowDay is not a known field'],
      [{ importableStatuses: ['shipped', 3] }, 'importableStatuses', 'importableStatuses must contain only strings'],
      [
        { retryPolicy: { initialDelaySeconds: 1, maxDelaySeconds: 'x', maxAttempts: 1 } },
        'retryPolicy.maxDelaySeconds',
        'retryPolicy.maxDelaySeconds must be a number',
      ],
      [{ retryPolicy: 'fast' }, 'retryPolicy', 'retryPolicy must be an object'],
    ])('refuses a payload of the wrong shape %j as SETTINGS_INVALID naming %s', async (payload, field, message) => {
      const engine = await boot(await openStore());
      await expect(engine.commands.execute(new ChangeImportSettings(payload as never, by()))).rejects.toMatchObject({
        code: 'SETTINGS_INVALID',
        field,
        message,
      });
    });

    it('names nested fields and checks the metadata too', async () => {
      const engine = await boot(await openStore());
      await expect(
        engine.commands.execute(
          new MapCarrier(
            { marketplace: 'amazon_fr', country: 'FR', shopCarrier: { id: 'c1' }, marketplaceCarrier: 'X' } as never,
            by(),
          ),
        ),
      ).rejects.toMatchObject({
        code: 'SETTINGS_INVALID',
        field: 'shopCarrier.name',
        message: 'shopCarrier.name must be a string',
      });
      await expect(
        engine.commands.execute(
          new ChangeImportSettings({ forceProduct: true }, { commandId: 'c', actor: 'root' as never }),
        ),
      ).rejects.toMatchObject({
        code: 'SETTINGS_INVALID',
        field: 'metadata.actor',
        message: 'metadata.actor must be system, operator:<name>, api-key:<id>, saga:<name> or bus:<client>',
      });
      await expect(engine.commands.execute(new ChangeImportSettings(null as never, by()))).rejects.toMatchObject({
        code: 'SETTINGS_INVALID',
        message: 'payload must be an object',
      });
    });

    it('passes rule violations through from the domain with their code and message', async () => {
      const engine = await boot(await openStore());
      await expect(
        engine.commands.execute(new ChangeImportSettings({ importWindowDays: 12 }, by())),
      ).rejects.toMatchObject({
        code: 'INVALID_SETTING',
        field: 'importWindowDays',
        message: 'importWindowDays must be between 1 and 10',
      });
      await expect(
        engine.commands.execute(
          new MapCarrier(
            {
              marketplace: 'amazon_fr',
              country: 'FR',
              shopCarrier: colissimo,
              marketplaceCarrier: 'UPS',
              allowedCarriers: { codes: ['COLISSIMO'], acceptFreeValues: false },
            },
            by(),
          ),
        ),
      ).rejects.toMatchObject({ code: 'UNKNOWN_MARKETPLACE_CARRIER' });
    });

    it("refuses a change made against a revision that is no longer current (the page's If-Match)", async () => {
      const engine = await boot(await openStore());
      await engine.commands.execute(new ChangeImportSettings({ importWindowDays: 4 }, by()));
      await expect(
        engine.commands.execute(new ChangeImportSettings({ importWindowDays: 5 }, by(), { expectedRevision: '-1' })),
      ).rejects.toMatchObject({ code: 'STALE_SETTINGS_REVISION', message: 'order settings are at revision 0, not -1' });
      const ok = await engine.commands.execute(
        new ChangeImportSettings({ importWindowDays: 5 }, by(), { expectedRevision: '0' }),
      );
      expect(ok.revision).toBe('1');
    });

    it('appends nothing for a re-sent command, even after a later change', async () => {
      const store = await openStore();
      const engine = await boot(store);
      const original = by();
      await engine.commands.execute(new ChangeImportSettings({ importWindowDays: 4 }, original));
      await engine.commands.execute(new ChangeImportSettings({ importWindowDays: 8 }, by()));
      const resent: SettingsCommandResult = await engine.commands.execute(
        new ChangeImportSettings({ importWindowDays: 4 }, original),
      );
      expect(resent.appended).toEqual([]);
      expect((await engine.reader.current()).importWindowDays).toBe(8);
      expect(await store.readStream(ORDER_SETTINGS_STREAM)).toHaveLength(2);
    });
  });
});
