import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { startEngine, type RunningEngine } from '../../src/boot/start-engine.js';
import { loadConfig } from '../../src/config/load-config.js';
import { SQL_DATABASE, type SqlDatabase } from '../../src/database/sql-database.port.js';
import type { ProjectionRunner } from '../../src/event-store/projections/projection-runner.js';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../src/event-store/event-store.port.js';
import { formatPostgresPosition } from '../../src/event-store/postgres/postgres-position.js';
import type { LengowClientTuning } from '../../src/lengow/lengow.module.js';
import { silentLogger } from '../../src/logging/logger.js';
import { OrderImporter, type ImportRunReport } from '../../src/orders/import/order-importer.js';
import { ORDERS_PROJECTION_RUNNER } from '../../src/orders/projections/orders-read.module.js';
import { OrdersReactions } from '../../src/orders/sagas/orders-reactions.js';
import { PLACES } from '../../src/sandbox/buyer-data.js';
import { IMPORT_CASES, importCaseAt, type ImportReason } from '../../src/sandbox/import-cases.js';
import { SANDBOX_MARKETPLACE_CODES } from '../../src/sandbox/marketplaces.js';
import type { Sandbox } from '../../src/sandbox/sandbox-server.js';
import { SetDefaultCarrier } from '../../src/settings/commands/settings-commands.js';
import { SHOP, type Shop } from '../../src/shop/shop.port.js';
import { NATS_URL, POSTGRES_URL } from './services.js';

/** Event codes of the manifest's reasons (the plugins' rules in the engine's terms). */
export const IGNORE_CODES: Partial<Record<ImportReason, string>> = {
  status_not_importable: 'STATUS_NOT_IMPORTABLE',
  shipped_by_marketplace: 'SHIPPED_BY_MARKETPLACE',
  anonymized: 'ANONYMIZED',
  older_than_3_months: 'TOO_OLD',
  line_waiting_acceptance: 'LINES_WAITING_ACCEPTANCE',
  unknown_marketplace: 'MARKETPLACE_UNKNOWN',
};
export const FAILURE_CODES: Partial<Record<ImportReason, string>> = {
  no_exchange_rate: 'NO_EXCHANGE_RATE',
  product_not_found: 'PRODUCT_NOT_FOUND',
  unknown_currency: 'CURRENCY_NOT_AVAILABLE',
  missing_delivery_country: 'DELIVERY_WITHOUT_COUNTRY',
  parent_product: 'PRODUCT_IS_PARENT',
  no_products: 'NO_PRODUCTS',
  no_currency: 'NO_CURRENCY',
  billing_without_country: 'BILLING_WITHOUT_COUNTRY',
};

/** Outcome counts: `imported`, `ignored:<CODE>`, `failed:<CODE>` (first failure code), sorted by key. */
export type OutcomeCounts = Record<string, number>;

export interface TestEngineOptions {
  seed: number;
  /** Orders the built-in emulator generates (ignored with `lengowUrl`). */
  orders?: number;
  /** Point at this Lengow (an emulator started by the test) instead of a built-in one. */
  lengowUrl?: string;
  /** Run on this PostgreSQL schema (created if missing) instead of a temp SQLite file. */
  postgresSchema?: string;
  /** Let the engine's pollers run on their own (default off: `pollShopChanges()` etc. by hand). */
  pollers?: boolean;
  /** Timeouts and retries of the Lengow connector (its production defaults otherwise). */
  lengow?: LengowClientTuning;
  /** Window runs go even while another engine process runs one (the exactly-once tests' side-by-side imports). */
  importsSideBySide?: boolean;
  /** Serve the command bus on NATS_URL under this subject prefix (no integration events published). */
  natsSubjectPrefix?: string;
  /** The bus's commandId claims: how soon an unrenewed one is taken over, how often a running one is renewed. */
  natsCommandIds?: { abandonAfterMs?: number; heartbeatMs?: number };
}

/** The whole engine (`startEngine`) as a test drives it: import by hand, wait for the reactions, read the outcome. */
export class TestEngine {
  private constructor(
    readonly engine: RunningEngine,
    readonly sandbox: Sandbox | undefined,
    private readonly folder: string | undefined,
    private readonly postgresSchema: string | undefined,
  ) {}

  static async start(options: TestEngineOptions): Promise<TestEngine> {
    const folder = options.postgresSchema ? undefined : mkdtempSync(join(tmpdir(), 'lengow-lifecycle-'));
    const env: NodeJS.ProcessEnv = {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      ...(options.postgresSchema
        ? { EVENT_STORE: 'postgres', DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: options.postgresSchema }
        : { SQLITE_PATH: join(folder!, 'engine.sqlite') }),
      ...(options.lengowUrl
        ? {
            SANDBOX: 'off',
            LENGOW_API_URL: options.lengowUrl,
            LENGOW_ACCESS_TOKEN: 'lifecycle-token',
            LENGOW_SECRET: 'lifecycle-secret',
          }
        : {
            SANDBOX: 'on',
            SANDBOX_PORT: '0',
            SANDBOX_ORDERS: String(options.orders ?? 100),
            SANDBOX_SEED: String(options.seed),
          }),
      ...(options.natsSubjectPrefix ? { NATS_URL } : {}),
    };
    const engine = await startEngine(loadConfig(env), {
      logger: silentLogger(),
      app: {
        import: {
          schedule: false,
          ...(options.importsSideBySide ? { refuseWhileAnotherProcessImports: false } : {}),
        },
        reactions: { pollers: options.pollers ?? false },
        reactors: { pollIntervalMs: 20 },
        lengow: options.lengow,
        ...(options.natsSubjectPrefix
          ? {
              nats: {
                subjectPrefix: options.natsSubjectPrefix,
                commandIds: options.natsCommandIds,
                events: { enabled: false },
              },
            }
          : {}),
      },
    });
    const harness = new TestEngine(engine, engine.sandbox, folder, options.postgresSchema);
    try {
      await harness.prepareShop();
    } catch (error) {
      await harness.close();
      throw error;
    }
    return harness;
  }

  get commandBus(): CommandBus {
    return this.engine.app.get(CommandBus);
  }
  get shop(): Shop {
    return this.engine.app.get<Shop>(SHOP);
  }
  get store(): EventStore {
    return this.engine.app.get<EventStore>(EVENT_STORE);
  }
  get db(): SqlDatabase {
    return this.engine.app.get<SqlDatabase>(SQL_DATABASE);
  }
  get reactions(): OrdersReactions {
    return this.engine.app.get(OrdersReactions);
  }
  get importer(): OrderImporter {
    return this.engine.app.get(OrderImporter);
  }

  /** Catalogue (seeded by the boot when it runs the emulator; again here, only what is missing) and default carriers. */
  private async prepareShop(): Promise<void> {
    const { seedFromSandboxCatalogue } = await import('../../src/shop/seed-from-sandbox-catalogue.js');
    await this.shop.seed(seedFromSandboxCatalogue());
    const carriers = await this.shop.listCarriers();
    const carrier =
      carriers.find((c) => c.name === 'La Poste') ??
      (await this.shop.addCarrier({ name: 'La Poste', trackingUrl: 'https://laposte.example/@' }));
    const countries = [...new Set(PLACES.map((place) => place.country))];
    // The emulator ships to countries the built-in shop does not activate by default (RE): an operator enables them.
    for (const country of countries) await this.shop.setCountryActive(country, true);
    for (const marketplace of SANDBOX_MARKETPLACE_CODES) {
      for (const country of countries) {
        await this.commandBus.execute(
          new SetDefaultCarrier(
            { marketplace, country, importCarrier: { id: String(carrier.id), name: carrier.name } },
            { commandId: `lifecycle-default-carrier:${marketplace}:${country}`, actor: 'operator:test' },
          ),
        );
      }
    }
  }

  /** One scheduled import run (3-day window), then the sagas and the overview projection idle. */
  async importAndSettle(timeoutMs = 120_000): Promise<ImportRunReport> {
    const report = await this.importer.runScheduled();
    await this.settle(timeoutMs);
    return report;
  }

  /** Retries the run (as the scheduler would) until it succeeds; at most `attempts` runs. */
  async importUntilSucceeded(attempts = 6, timeoutMs = 120_000): Promise<ImportRunReport[]> {
    const reports: ImportRunReport[] = [];
    for (let i = 0; i < attempts; i++) {
      const report = await this.importer.runScheduled();
      reports.push(report);
      if (report.outcome === 'succeeded') break;
    }
    await this.settle(timeoutMs);
    return reports;
  }

  /**
   * Sagas and follow-up index idle, then the overview projection caught up. With two engines on one database only one
   * runs the projection (the other's slot is superseded by design): pass `projection: false` there.
   */
  async settle(timeoutMs = 120_000, { projection = true }: { projection?: boolean } = {}): Promise<void> {
    await this.reactions.waitUntilIdle(timeoutMs);
    // On PostgreSQL the log is read only below the oldest transaction open anywhere on the server (another suite's
    // too), so "idle" may just mean "nothing readable yet": wait for the last committed event instead, until the
    // reactions commit nothing more.
    let head: RecordedEvent['position'] | null | undefined;
    if (this.postgresSchema) {
      head = await this.committedHead(this.postgresSchema);
      for (;;) {
        if (head !== null) await this.reactions.waitForPosition(head, timeoutMs);
        const next = await this.committedHead(this.postgresSchema);
        if (next === head) break;
        head = next;
      }
    }
    if (!projection) return;
    await this.engine.app.get<ProjectionRunner>(ORDERS_PROJECTION_RUNNER).waitUntilCaughtUp(head, { timeoutMs });
  }

  /** Position of the last committed event, whether or not the event store's reads can see it yet. */
  private async committedHead(schema: string): Promise<RecordedEvent['position'] | null> {
    const [row] = await this.db.query<{ transaction_id: string; global_position: string }>(
      `SELECT transaction_id::text AS transaction_id, global_position::text AS global_position
       FROM "${schema}".es_events ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
    );
    return row ? formatPostgresPosition(row.transaction_id, row.global_position) : null;
  }

  async orderEvents(): Promise<RecordedEvent[]> {
    const all: RecordedEvent[] = [];
    let from: RecordedEvent['position'] | null = null;
    for (;;) {
      const batch = await this.store.readAll({
        fromPosition: from,
        maxCount: 5000,
        filter: { streamPrefixes: ['order-'] },
      });
      if (batch.length === 0) return all;
      all.push(...batch);
      from = batch[batch.length - 1].position;
    }
  }

  /** Per order stream, its final import outcome as the events say. */
  async outcomes(): Promise<OutcomeCounts> {
    return outcomeCountsOf(await this.orderEvents());
  }

  /** Shop facts: orders (live / technical error), stock per product, stock decrement movements. */
  async shopFacts(): Promise<ShopFacts> {
    const orders = await this.db.query<{ state: string; n: number | string }>(
      'SELECT state, COUNT(*) AS n FROM shop_orders GROUP BY state',
    );
    const byState = Object.fromEntries(orders.map((row) => [row.state, Number(row.n)]));
    const stock = await this.db.query<{ shop_id: string; stock: number | string }>(
      'SELECT shop_id, stock FROM shop_products',
    );
    const sold = await this.db.query<{ product_id: string; q: number | string }>(
      `SELECT l.product_id, SUM(l.quantity) AS q FROM shop_order_lines l JOIN shop_orders o ON o.id = l.order_id
       WHERE o.state <> 'technical_error' GROUP BY l.product_id`,
    );
    const decrements = await this.db.query<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM shop_stock_movements WHERE kind = 'decrement'`,
    );
    const perOrder = await this.db.query<{ marketplace: string; marketplace_order_id: string; n: number | string }>(
      `SELECT marketplace, marketplace_order_id, COUNT(*) AS n FROM shop_orders GROUP BY marketplace, marketplace_order_id`,
    );
    return {
      ordersByState: byState,
      shopOrders: Object.values(byState).reduce((a, b) => a + b, 0),
      stock: Object.fromEntries(stock.map((row) => [row.shop_id, Number(row.stock)])),
      soldByProduct: Object.fromEntries(sold.map((row) => [row.product_id, Number(row.q)])),
      stockDecrements: Number(decrements[0]?.n ?? 0),
      shopOrdersPerOrder: new Map(
        perOrder.map((row) => [`${row.marketplace}:${row.marketplace_order_id}`, Number(row.n)]),
      ),
    };
  }

  async close(): Promise<void> {
    try {
      await this.engine.close();
    } finally {
      if (this.folder) rmSync(this.folder, { recursive: true, force: true });
    }
  }
}

export interface ShopFacts {
  ordersByState: Record<string, number>;
  shopOrders: number;
  stock: Record<string, number>;
  soldByProduct: Record<string, number>;
  stockDecrements: number;
  /** `<marketplace>:<marketplace_order_id>` → shop orders (all states). */
  shopOrdersPerOrder: Map<string, number>;
}

export function outcomeCountsOf(events: readonly RecordedEvent[]): OutcomeCounts {
  const last = new Map<string, string>();
  for (const event of events) {
    if (event.type === 'OrderImported' || event.type === 'OrderReimported') last.set(event.stream, 'imported');
    else if (event.type === 'OrderImportPlanned') last.set(event.stream, 'planned');
    else if (event.type === 'OrderImportIgnored') last.set(event.stream, `ignored:${String(event.data.code)}`);
    else if (event.type === 'OrderImportFailed')
      last.set(event.stream, `failed:${(event.data.failures as { code: string }[])[0].code}`);
  }
  return sortedCounts([...last.values()]);
}

/** Events of a type per order stream (e.g. `StockDecremented` → how many streams have 1, 2…). */
export function perStream(events: readonly RecordedEvent[], type: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of events) if (event.type === type) counts.set(event.stream, (counts.get(event.stream) ?? 0) + 1);
  return counts;
}

/** The outcome counts the emulator's manifest promises for its generated orders `0 .. count-1`. */
export function expectedOutcomes(seed: number, count: number): OutcomeCounts {
  const keys: string[] = [];
  for (let index = 0; index < count; index++) {
    const spec = IMPORT_CASES[importCaseAt(seed, index)];
    if (spec.outcome === 'created') keys.push('imported');
    else if (spec.outcome === 'ignored') keys.push(`ignored:${IGNORE_CODES[spec.reason!] ?? spec.reason}`);
    else keys.push(`failed:${FAILURE_CODES[spec.reason!] ?? spec.reason}`);
  }
  return sortedCounts(keys);
}

function sortedCounts(keys: string[]): OutcomeCounts {
  const counts: OutcomeCounts = {};
  for (const key of keys.sort()) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}
