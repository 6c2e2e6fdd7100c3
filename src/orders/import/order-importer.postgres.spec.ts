import { PostgresDatabase } from '../../database/postgres-database.js';
import { PostgresEventStore } from '../../event-store/postgres/postgres-event-store.js';
import { expectedImportCase } from '../../sandbox/order-generator.js';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox-server.js';
import {
  checkPostgres,
  describeWithService,
  dropSchema,
  freshSchemaName,
  POSTGRES_URL,
} from '../../../test/support/services.js';
import { ImportOrdersNow } from './commands/import-commands.js';
import {
  generatedOrderStreams,
  importVerdictsOfStreams,
  prepareShopForSandbox,
  startImportTestApp,
  type ImportTestApp,
} from './testing/import-test-app.js';

const postgres = await checkPostgres();
const SEED = 21;
const ORDER_COUNT = 250;

/** One engine process: its own connection pool, event store and Nest app, on the shared schema. */
interface Engine {
  db: PostgresDatabase;
  store: PostgresEventStore;
  app: ImportTestApp;
}

describeWithService(postgres, 'OrderImporter on PostgreSQL: two engines importing the same window', () => {
  const schema = freshSchemaName('import');
  let sandbox: Sandbox;
  const engines: Engine[] = [];

  async function startEngine(): Promise<Engine> {
    const db = new PostgresDatabase({ connectionString: POSTGRES_URL, schema, max: 8 });
    await db.init();
    const store = new PostgresEventStore(db);
    await store.init();
    // Side by side for real: uniqueness must not rest on one engine refusing to import while the other does.
    const importOptions = { concurrency: 12, refuseWhileAnotherProcessImports: false };
    const app = await startImportTestApp({ store, db, lengowUrl: sandbox.url, importOptions });
    const engine = { db, store, app };
    engines.push(engine);
    return engine;
  }

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, seed: SEED, orderCount: ORDER_COUNT, actionProcessingDelayMs: 0 });
  });
  afterAll(async () => {
    for (const engine of engines) {
      await engine.app.close();
      await engine.store.close();
      await engine.db.close();
    }
    await sandbox?.close();
    await dropSchema(schema);
  });

  it('gives exactly one decision per order, the manifest’s, and one plan for each order to create', async () => {
    const [a, b] = [await startEngine(), await startEngine()];
    await prepareShopForSandbox(a.app);
    const window = { days: 3 };
    const [first, second] = await Promise.all([
      a.app.commandBus.execute(new ImportOrdersNow(window, { commandId: 'engine-a', actor: 'operator:a' })),
      b.app.commandBus.execute(new ImportOrdersNow(window, { commandId: 'engine-b', actor: 'operator:b' })),
    ]);
    expect([first.outcome, second.outcome]).toEqual(['succeeded', 'succeeded']);
    expect(first.counts.errors + second.counts.errors).toBe(0);

    const streams = generatedOrderStreams(sandbox);
    const { verdicts, events } = await importVerdictsOfStreams(a.store, streams);
    expect(verdicts.size).toBe(ORDER_COUNT);
    const manifest = sandbox.manifest();
    const twice = [...verdicts].filter(([, list]) => list.length !== 1).map(([stream]) => stream);
    expect(twice).toEqual([]);
    const planned = [...verdicts].filter(([, list]) => list[0].kind === 'planned').map(([stream]) => stream);
    expect(planned).toHaveLength(manifest.byOutcome.created);
    for (const stream of planned) {
      const [marketplace, ...rest] = stream.slice('order-'.length).split('-');
      expect(expectedImportCase(SEED, marketplace, rest.join('-'))?.outcome).toBe('created');
    }
    // Each order was decided by one engine; the other found the decision made and appended nothing.
    expect(first.counts.planned + second.counts.planned).toBe(manifest.byOutcome.created);
    expect(first.counts.unchanged + second.counts.unchanged).toBe(
      2 * ORDER_COUNT -
        (first.counts.received - first.counts.unchanged) -
        (second.counts.received - second.counts.unchanged),
    );
    expect(events).toBe(ORDER_COUNT);

    // And again, both at once: nothing new.
    const again = await Promise.all([a.app.importer.runScheduled(), b.app.importer.runScheduled()]);
    expect(again.map((report) => report.outcome)).toEqual(['succeeded', 'succeeded']);
    expect((await importVerdictsOfStreams(b.store, streams)).events).toBe(ORDER_COUNT);
    // Generous: two engines and the emulator share one machine (and other suites) here.
  }, 120_000);
});
