import { jest } from '@jest/globals';
import type { OrderCommandResult } from '../commands/order-command-executor.js';
import { ExecuteOrderCommand } from '../commands/execute-order-command.js';
import { StaleOrderRevision } from '../commands/stale-order-revision.error.js';
import { SqliteDatabase } from '../../database/sqlite-database.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import { SqliteEventStore } from '../../event-store/sqlite/sqlite-event-store.js';
import { LENGOW_API, type LengowApi } from '../../lengow/lengow-api.port.js';
import { IMPORT_CASES, type ImportReason } from '../../sandbox/import-cases.js';
import { defaultMarketplaces, marketplaceStatusFor } from '../../sandbox/marketplaces.js';
import { expectedImportCase } from '../../sandbox/order-generator.js';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox-server.js';
import type { Shop } from '../../shop/shop.port.js';
import { OrderDomainError } from '../domain/order-domain-error.js';
import { orderStreamName, type OrderKey } from '../domain/order-key.js';
import { ImportCommandInvalid } from './commands/import-command-invalid.error.js';
import {
  ImportOneOrder,
  ImportOrdersNow,
  ReimportOrderNow,
  ResynchronizeOrderNow,
} from './commands/import-commands.js';
import type { OrderImportResult } from './order-import-result.js';
import type { ReactionsPace } from './reactions-pace.js';
import { shopUnavailableFailure } from './testing/shop-unavailable-failure.js';
import type { ImportRunReport } from './order-importer.js';
import {
  importVerdicts,
  orderEventCount,
  prepareShopForSandbox,
  startImportTestApp,
  type ImportTestApp,
  type ImportVerdict,
} from './testing/import-test-app.js';

const SEED = 7;
const ORDER_COUNT = 300;

const IGNORE_CODES: Partial<Record<ImportReason, string>> = {
  status_not_importable: 'STATUS_NOT_IMPORTABLE',
  shipped_by_marketplace: 'SHIPPED_BY_MARKETPLACE',
  anonymized: 'ANONYMIZED',
  older_than_3_months: 'TOO_OLD',
  line_waiting_acceptance: 'LINES_WAITING_ACCEPTANCE',
  unknown_marketplace: 'MARKETPLACE_UNKNOWN',
};
const FAILURE_CODES: Partial<Record<ImportReason, string>> = {
  no_exchange_rate: 'NO_EXCHANGE_RATE',
  product_not_found: 'PRODUCT_NOT_FOUND',
  unknown_currency: 'CURRENCY_NOT_AVAILABLE',
  missing_delivery_country: 'DELIVERY_WITHOUT_COUNTRY',
  parent_product: 'PRODUCT_IS_PARENT',
  no_products: 'NO_PRODUCTS',
  no_currency: 'NO_CURRENCY',
  billing_without_country: 'BILLING_WITHOUT_COUNTRY',
};

/** `order-<marketplace>-<id>`: marketplace codes never contain a dash, order ids may. */
function parseStream(stream: string): { marketplace: string; id: string } {
  const rest = stream.slice('order-'.length);
  const dash = rest.indexOf('-');
  return { marketplace: rest.slice(0, dash), id: rest.slice(dash + 1) };
}

/** The verdict the plugins' rules give a generated order (the emulator's manifest), in the events' terms. */
function expectedVerdict(stream: string): ImportVerdict {
  const { marketplace, id } = parseStream(stream);
  const expected = expectedImportCase(SEED, marketplace, id);
  if (!expected) throw new Error(`${stream} is not a generated order of seed ${SEED}`);
  if (expected.outcome === 'created') return { kind: 'planned' };
  if (expected.outcome === 'ignored') return { kind: 'ignored', code: IGNORE_CODES[expected.reason!]! };
  return { kind: 'failed', codes: [FAILURE_CODES[expected.reason!]!] };
}

/**
 * The manifest gives the first reason in pipeline order; the domain reports every check that failed (a missing
 * exchange rate also leaves every line at -1, reported as invalid lines), so the first code is compared.
 */
function mainVerdict(verdict: ImportVerdict): ImportVerdict {
  return verdict.kind === 'failed' ? { kind: 'failed', codes: verdict.codes.slice(0, 1) } : verdict;
}

/** Per stream, the one verdict it got; a stream with two verdicts, or one that differs from the manifest, is listed. */
function verdictProblems(verdicts: Map<string, ImportVerdict[]>): string[] {
  const problems: string[] = [];
  for (const [stream, list] of verdicts) {
    if (list.length !== 1) problems.push(`${stream}: ${list.length} verdicts ${JSON.stringify(list)}`);
    else if (JSON.stringify(mainVerdict(list[0])) !== JSON.stringify(expectedVerdict(stream)))
      problems.push(`${stream}: got ${JSON.stringify(list[0])}, expected ${JSON.stringify(expectedVerdict(stream))}`);
  }
  return problems;
}

interface Harness {
  sandbox: Sandbox;
  db: SqliteDatabase;
  store: SqliteEventStore;
  app: ImportTestApp;
}

/** `wrapStore`: what the app writes through (the harness's `store` stays the real one). */
async function openHarness(
  orderCount = ORDER_COUNT,
  wrapStore: (store: EventStore) => EventStore = (store) => store,
): Promise<Harness> {
  const sandbox = await startSandbox({ port: 0, seed: SEED, orderCount, actionProcessingDelayMs: 0 });
  const db = new SqliteDatabase({ path: ':memory:' });
  const store = new SqliteEventStore(db);
  await store.init();
  const app = await startImportTestApp({ store: wrapStore(store), db, lengowUrl: sandbox.url });
  await prepareShopForSandbox(app);
  return { sandbox, db, store, app };
}

async function closeHarness(harness: Harness | undefined): Promise<void> {
  if (!harness) return;
  await harness.app.close();
  await harness.sandbox.close();
  await harness.store.close();
  await harness.db.close();
}

const operator = (commandId: string) => ({ commandId, actor: 'operator:ann' as const });

/** The first generated order of an import case. */
function firstOrderOfCase(
  sandbox: Sandbox,
  kase: keyof typeof IMPORT_CASES,
): { marketplace: string; marketplaceOrderId: string } {
  const { orders } = sandbox.state;
  for (let index = 0; index < orders.generatedCount; index++) {
    const skeleton = orders.skeletonOf(index);
    if (skeleton.importCase === kase)
      return { marketplace: skeleton.marketplace, marketplaceOrderId: skeleton.marketplaceOrderId };
  }
  throw new Error(`no generated order of case ${kase}`);
}

const spanMs = (report: ImportRunReport) => Date.parse(report.window!.to) - Date.parse(report.window!.from);

function sumOf(table: Record<string, number>): number {
  return Object.values(table).reduce((a, b) => a + b, 0);
}

/** The emulator's admin routes (`/_sandbox/…`): GET without a body, POST with one. */
async function sandboxAdmin(harness: Harness, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${harness.sandbox.url}/_sandbox${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status).toBeLessThan(300);
  return (await response.json()) as Record<string, unknown>;
}

/** The first generated order the rules import as it is: a template for orders a test makes up. */
function standardSkeleton(harness: Harness) {
  const { orders } = harness.sandbox.state;
  let standard = 0;
  while (orders.skeletonOf(standard).importCase !== 'standard') standard++;
  return orders.skeletonOf(standard);
}

describe('OrderImporter against the Lengow emulator (SQLite)', () => {
  describe('a clean backfill', () => {
    let harness: Harness;
    let first: ImportRunReport;

    beforeAll(async () => {
      harness = await openHarness();
      first = await harness.app.importer.runScheduled();
    }, 60_000);
    afterAll(() => closeHarness(harness));

    it('records exactly the manifest’s decision for every generated order, and counts them', async () => {
      expect(first).toMatchObject({ outcome: 'succeeded', kind: 'scheduled', actor: 'system', error: null });
      const verdicts = await importVerdicts(harness.store);
      expect(verdicts.size).toBe(ORDER_COUNT);
      expect(verdictProblems(verdicts)).toEqual([]);

      const manifest = harness.sandbox.manifest();
      const { counts } = first;
      expect(counts.received).toBe(ORDER_COUNT);
      expect(counts.planned).toBe(manifest.byOutcome.created);
      expect(sumOf(counts.ignored)).toBe(manifest.byOutcome.ignored);
      expect(counts.failedOrders).toBe(manifest.byOutcome.failed);
      expect(counts.ignored).toEqual(
        Object.fromEntries(
          Object.entries(manifest.byReason)
            .filter(([reason]) => IGNORE_CODES[reason as ImportReason])
            .map(([reason, n]) => [IGNORE_CODES[reason as ImportReason], n]),
        ),
      );
      expect(counts.failed).toEqual({
        ...Object.fromEntries(
          Object.entries(manifest.byReason)
            .filter(([reason]) => FAILURE_CODES[reason as ImportReason])
            .map(([reason, n]) => [FAILURE_CODES[reason as ImportReason], n]),
        ),
        // Orders without an exchange rate carry -1 on every line too.
        INVALID_LINE: manifest.byReason.no_exchange_rate,
      });
      expect(counts).toMatchObject({
        notFormatted: { recorded: 0, withoutIdentity: 0, notRecorded: 0 },
        transientFailures: 0,
        rejected: {},
        errors: 0,
        duplicates: 0,
      });
    });

    it('records the run with its window and outcome, and tells the settings each marketplace once', async () => {
      const [run] = await harness.app.runs.recent(1);
      expect(run).toMatchObject({
        id: first.runId,
        kind: 'scheduled',
        outcome: 'succeeded',
        advancesCheckpoint: true,
        windowFrom: first.window!.from,
        windowTo: first.window!.to,
      });
      expect(run.counts).toEqual(first.counts);
      // First run: the settings' 3 days (widened to whole seconds).
      expect(spanMs(first)).toBeGreaterThanOrEqual(3 * 86_400_000);
      expect(spanMs(first)).toBeLessThanOrEqual(3 * 86_400_000 + 1000);
      const settings = await harness.store.readStream('settings-order-parameters');
      const discovered = settings.filter((e) => e.type === 'MarketplaceDiscovered').map((e) => e.data.marketplace);
      expect(discovered.sort()).toEqual(Object.keys(defaultMarketplaces()).sort());
    });

    it('appends nothing when the same window is imported again, and the next scheduled run resumes 2 h back', async () => {
      const before = await orderEventCount(harness.store);
      const again = await harness.app.commandBus.execute(new ImportOrdersNow({ days: 3 }, operator('again-1')));
      expect(again.outcome).toBe('succeeded');
      expect(again.counts.unchanged).toBe(ORDER_COUNT);
      expect(await orderEventCount(harness.store)).toBe(before);

      const next = await harness.app.importer.runScheduled();
      // 2 h before the checkpoint (or before now, when the checkpoint, rounded up to whole seconds, is still ahead).
      const resume = Math.min(Date.parse(again.window!.to), Date.parse(next.startedAt)) - 2 * 3600_000;
      expect(Date.parse(next.window!.from)).toBe(Math.floor(resume / 1000) * 1000);
      expect(Date.parse(next.window!.to)).toBeGreaterThanOrEqual(Date.parse(again.window!.to));
      expect(next.counts.planned + sumOf(next.counts.ignored) + next.counts.failedOrders).toBe(0);
      expect(await orderEventCount(harness.store)).toBe(before);
    });

    it('records the marketplace status change of an imported order on a later poll, once', async () => {
      const verdicts = await importVerdicts(harness.store);
      const stream = [...verdicts].find(
        ([name, list]) =>
          list[0].kind === 'planned' &&
          expectedImportCase(SEED, parseStream(name).marketplace, parseStream(name).id)?.case === 'standard',
      )![0];
      const { marketplace, id } = parseStream(stream);
      const [planned] = (await harness.store.readStream(stream)).filter((e) => e.type === 'OrderImportPlanned');
      const plan = planned.data.plan as { generation: number; shopOrders: { key: string }[] };
      // What the import saga does once the shop created the planned orders.
      await harness.app.commandBus.execute(
        new ExecuteOrderCommand(
          {
            type: 'RecordShopOrdersCreated',
            data: {
              orderKey: { marketplace, marketplaceOrderId: id },
              generation: plan.generation,
              shopOrderIds: Object.fromEntries(plan.shopOrders.map((o, i) => [o.key, `SO-${i + 1}`])),
              now: new Date().toISOString(),
            },
          },
          { commandId: `test-created:${stream}`, actor: 'saga:import' },
        ),
      );
      const shipped = marketplaceStatusFor(defaultMarketplaces()[marketplace], 'shipped')!;
      const response = await fetch(`${harness.sandbox.url}/_sandbox/orders/${marketplace}/${id}/status`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ marketplace_status: shipped }),
      });
      expect(response.status).toBe(200);

      const poll = await harness.app.importer.runScheduled();
      expect(poll.counts.statusChanged).toBe(1);
      const changes = (await harness.store.readStream(stream)).filter((e) => e.type === 'LengowStatusChanged');
      expect(changes.map((e) => e.data)).toEqual([
        expect.objectContaining({ marketplaceStatus: shipped, lengowStatus: 'shipped', finishing: true }),
      ]);
      const again = await harness.app.commandBus.execute(new ImportOrdersNow({ days: 3 }, operator('again-2')));
      expect(again.counts.statusChanged).toBe(0);
      expect((await harness.store.readStream(stream)).filter((e) => e.type === 'LengowStatusChanged')).toHaveLength(1);
    });

    it('re-drives failures parked on the shop’s configuration once it changed (a currency enabled)', async () => {
      const verdicts = await importVerdicts(harness.store);
      const currencyFailures = [...verdicts]
        .filter(([, list]) => list[0].kind === 'failed' && list[0].codes.includes('CURRENCY_NOT_AVAILABLE'))
        .map(([stream]) => stream);
      expect(currencyFailures.length).toBeGreaterThan(0);
      await harness.app.shop.enableCurrency('XYZ');

      const poll = await harness.app.importer.runScheduled();
      // A new configuration: the whole window is read again, not just the last 2 h.
      expect(spanMs(poll)).toBeGreaterThanOrEqual(3 * 86_400_000);
      expect(poll.counts.planned).toBe(currencyFailures.length);
      const after = await importVerdicts(harness.store);
      for (const stream of currencyFailures) expect(after.get(stream)!.at(-1)).toEqual({ kind: 'planned' });
      // Other permanent failures were decided again with the new configuration and fail the same way once more.
      expect(poll.counts.failedOrders).toBe(first.counts.failedOrders - currencyFailures.length);
      const quiet = await harness.app.importer.runScheduled();
      expect(quiet.counts.planned + quiet.counts.failedOrders + sumOf(quiet.counts.ignored)).toBe(0);
    });
  });

  describe('keeping pace with the reactions', () => {
    const PAGE = 50;
    let sandbox: Sandbox;
    let db: SqliteDatabase;
    let store: SqliteEventStore;
    let app: ImportTestApp;
    const marks: string[] = [];
    const waits: string[] = [];
    let release!: () => void;
    const firstWait = new Promise<void>((resolve) => (release = resolve));

    beforeAll(async () => {
      sandbox = await startSandbox({ port: 0, seed: SEED, orderCount: ORDER_COUNT, actionProcessingDelayMs: 0 });
      db = new SqliteDatabase({ path: ':memory:' });
      store = new SqliteEventStore(db);
      await store.init();
      const pace: ReactionsPace = {
        mark: async () => {
          marks.push(`mark-${marks.length + 1}`);
          return marks.at(-1)!;
        },
        keepUpWith: async (mark) => {
          waits.push(mark);
          if (waits.length === 1) await firstWait;
        },
      };
      app = await startImportTestApp({ store, db, lengowUrl: sandbox.url, importOptions: { pageSize: PAGE }, pace });
      await prepareShopForSandbox(app);
    }, 60_000);
    afterAll(async () => {
      release();
      await app?.close();
      await sandbox?.close();
      await store?.close();
      await db?.close();
    });

    it('dispatches a page only once the reactions caught up with the log as it was two pages earlier', async () => {
      const run = app.importer.runScheduled();
      // Held at the third page: the first two pages' orders get decided, none of the third's. The second page starts
      // from the last updated_at of the first, so it may serve again an order or two of that second, dropped there.
      for (let tries = 0; (await importVerdicts(store)).size < 2 * PAGE - 2; tries++) {
        if (tries > 500) throw new Error('the first two pages were not decided');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      const held = (await importVerdicts(store)).size;
      expect(held).toBeGreaterThanOrEqual(2 * PAGE - 2);
      expect(held).toBeLessThanOrEqual(2 * PAGE);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await importVerdicts(store)).size).toBe(held);
      expect(waits).toEqual(['mark-1']);

      release();
      const report = await run;

      expect(report).toMatchObject({ outcome: 'succeeded', counts: { received: ORDER_COUNT } });
      expect((await importVerdicts(store)).size).toBe(ORDER_COUNT);
      // One mark per page (a page more when the overlaps add up to one); from the third on, each waits for the mark
      // of two pages before.
      const pages = marks.length;
      expect(pages).toBeGreaterThanOrEqual(ORDER_COUNT / PAGE);
      expect(pages).toBeLessThanOrEqual(ORDER_COUNT / PAGE + 1);
      expect(waits).toEqual(marks.slice(0, pages - 2));
    });
  });

  describe('operator commands', () => {
    let harness: Harness;
    const ordersRequests = () => harness.sandbox.state.requestCountsJson()['GET /v3.0/orders']?.total ?? 0;

    beforeAll(async () => {
      harness = await openHarness(200);
    }, 60_000);
    afterAll(() => closeHarness(harness));

    const generatedOrderOf = (kase: keyof typeof IMPORT_CASES) => firstOrderOfCase(harness.sandbox, kase);

    it('imports one order in one-order mode, idempotently', async () => {
      const reference = generatedOrderOf('standard');
      const result: OrderImportResult = await harness.app.commandBus.execute(
        new ImportOneOrder(reference, operator('one-1')),
      );
      expect(result).toMatchObject({
        orderKey: reference,
        outcome: { kind: 'planned', shopOrders: 1 },
        events: ['OrderImportPlanned'],
      });
      const stream = `order-${reference.marketplace}-${reference.marketplaceOrderId}`;
      const [event] = await harness.store.readStream(stream);
      expect(event.metadata).toMatchObject({ actor: 'operator:ann', commandId: 'one-1' });
      expect(event.data).toMatchObject({ trigger: 'operator' });
      // The same request again, or a new one: nothing more.
      for (const commandId of ['one-1', 'one-2']) {
        const again = await harness.app.commandBus.execute(new ImportOneOrder(reference, operator(commandId)));
        expect(again.outcome).toEqual({ kind: 'unchanged' });
      }
      expect(await harness.store.readStream(stream)).toHaveLength(1);
      const [run] = await harness.app.runs.recent(1);
      expect(run).toMatchObject({ kind: 'one_order', actor: 'operator:ann', outcome: 'succeeded' });
    });

    it('says clearly when Lengow does not know the order, and when the request is malformed', async () => {
      await expect(
        harness.app.commandBus.execute(
          new ImportOneOrder({ marketplace: 'amazon_fr', marketplaceOrderId: '999-0000000-0000000' }, operator('x1')),
        ),
      ).rejects.toMatchObject({ code: 'LENGOW_ORDER_NOT_FOUND' });
      const invalid = harness.app.commandBus.execute(
        new ImportOneOrder({ marketplace: '', marketplaceOrderId: 42 } as never, operator('x2')),
      );
      await expect(invalid).rejects.toBeInstanceOf(ImportCommandInvalid);
      await expect(invalid).rejects.toMatchObject({ field: 'payload.marketplace' });
      await expect(
        harness.app.commandBus.execute(new ImportOrdersNow({ days: 3, from: '2025-01-01T00:00:00Z' }, operator('x3'))),
      ).rejects.toMatchObject({ code: 'IMPORT_COMMAND_INVALID', field: 'payload.days' });
      await expect(
        harness.app.commandBus.execute(
          new ImportOrdersNow({ from: '2025-01-02T00:00:00Z', to: '2025-01-01T00:00:00+02:00' }, operator('x4')),
        ),
      ).rejects.toMatchObject({ field: 'payload.from' });
      await expect(
        harness.app.commandBus.execute(new ImportOrdersNow({ from: '2025-01-02' }, operator('x5'))),
      ).rejects.toMatchObject({ field: 'payload.from' });
      await expect(
        harness.app.commandBus.execute(new ImportOrdersNow({}, { commandId: 'x6', actor: 'root' as never })),
      ).rejects.toMatchObject({ field: 'metadata.actor' });
      // A window starting tomorrow holds nothing yet: refused, not run as an empty "succeeded" run.
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
      const runsBefore = (await harness.app.runs.recent(50)).length;
      await expect(
        harness.app.commandBus.execute(new ImportOrdersNow({ from: tomorrow }, operator('x7'))),
      ).rejects.toMatchObject({ code: 'IMPORT_COMMAND_INVALID', field: 'payload.from' });
      expect((await harness.app.runs.recent(50)).length).toBe(runsBefore);
    });

    it('refuses to re-import an order it never saw, without asking Lengow', async () => {
      const reference = generatedOrderOf('status_shipped');
      const before = ordersRequests();
      const refusal = harness.app.commandBus.execute(new ReimportOrderNow(reference, operator('r1')));
      await expect(refusal).rejects.toBeInstanceOf(OrderDomainError);
      await expect(refusal).rejects.toMatchObject({ code: 'ORDER_NOT_FOUND' });
      expect(ordersRequests()).toBe(before);
      await expect(
        harness.app.commandBus.execute(new ResynchronizeOrderNow(reference, operator('r2'))),
      ).rejects.toMatchObject({ code: 'ORDER_NOT_FOUND' });
    });

    it('re-imports a failed order with fresh lookups once the catalogue is fixed', async () => {
      const reference = generatedOrderOf('unknown_product');
      const failed = await harness.app.commandBus.execute(new ImportOneOrder(reference, operator('f1')));
      expect(failed.outcome).toMatchObject({
        kind: 'failed',
        failures: [expect.objectContaining({ code: 'PRODUCT_NOT_FOUND' })],
      });
      const missing = (failed.outcome as Extract<typeof failed.outcome, { kind: 'failed' }>).failures[0].message.match(
        /product (\S+)/,
      )![1];
      await harness.app.shop.upsertProduct({ id: missing, name: 'Back in the catalogue', stock: 50, priceCents: 1000 });

      const result = await harness.app.commandBus.execute(new ReimportOrderNow(reference, operator('f2')));
      expect(result).toMatchObject({ outcome: { kind: 'planned' }, events: ['OrderImportPlanned'] });
      const stream = `order-${reference.marketplace}-${reference.marketplaceOrderId}`;
      const types = (await harness.store.readStream(stream)).map((e) => e.type);
      expect(types).toEqual(['OrderImportFailed', 'OrderImportPlanned']);
    });

    it('asks for a re-synchronisation of an imported order only, through the domain', async () => {
      const reference = generatedOrderOf('status_closed');
      await harness.app.commandBus.execute(new ImportOneOrder(reference, operator('s1')));
      // Planned but not created yet: nothing to re-synchronise.
      await expect(
        harness.app.commandBus.execute(new ResynchronizeOrderNow(reference, operator('s2'))),
      ).rejects.toMatchObject({ code: 'ORDER_NOT_IMPORTED' });
      const stream = `order-${reference.marketplace}-${reference.marketplaceOrderId}`;
      const [planned] = await harness.store.readStream(stream);
      const plan = planned.data.plan as { generation: number; shopOrders: { key: string }[] };
      await harness.app.commandBus.execute<ExecuteOrderCommand, OrderCommandResult>(
        new ExecuteOrderCommand(
          {
            type: 'RecordShopOrdersCreated',
            data: {
              orderKey: { marketplace: reference.marketplace, marketplaceOrderId: reference.marketplaceOrderId },
              generation: plan.generation,
              shopOrderIds: Object.fromEntries(plan.shopOrders.map((o) => [o.key, 'SO-77'])),
              now: new Date().toISOString(),
            },
          },
          { commandId: 'test-created-s', actor: 'saga:import' },
        ),
      );
      // The first moi after the import is still pending: asking again changes nothing until it went through.
      const pending = await harness.app.commandBus.execute(new ResynchronizeOrderNow(reference, operator('s3')));
      expect(pending).toMatchObject({ requested: false, events: [] });
      const imported = (await harness.store.readStream(stream)).find((e) => e.type === 'OrderImported')!;
      await harness.app.commandBus.execute(
        new ExecuteOrderCommand(
          {
            type: 'RecordMerchantOrderIdsSent',
            data: {
              orderKey: { marketplace: reference.marketplace, marketplaceOrderId: reference.marketplaceOrderId },
              key: (imported.data.merchantOrderIds as { key: string }).key,
              outcome: { kind: 'sent' },
              now: new Date().toISOString(),
            },
          },
          { commandId: 'test-moi-s', actor: 'saga:moi' },
        ),
      );
      const result = await harness.app.commandBus.execute(new ResynchronizeOrderNow(reference, operator('s4')));
      expect(result).toEqual({
        orderKey: { marketplace: reference.marketplace, marketplaceOrderId: reference.marketplaceOrderId },
        requested: true,
        events: ['OrderResynchronisationRequested'],
      });
    });
  });

  describe('an operator’s order revision (If-Match, expectedRevision)', () => {
    let harness: Harness;
    /** Another writer getting to the order stream first: run once, right before the app's next append to `stream`. */
    let race: { stream: string; write: () => Promise<unknown> } | null = null;
    const racing = (store: EventStore): EventStore =>
      new Proxy(store, {
        get: (target, key, receiver) => {
          if (key !== 'append') return Reflect.get(target, key, receiver) as unknown;
          return async (...args: Parameters<EventStore['append']>) => {
            const pending = race;
            if (pending?.stream === args[0]) {
              race = null;
              await pending.write();
            }
            return target.append(...args);
          };
        },
      });
    const ordersRequests = () => harness.sandbox.state.requestCountsJson()['GET /v3.0/orders']?.total ?? 0;
    const typesOf = async (stream: string) => (await harness.store.readStream(stream)).map((event) => event.type);

    beforeAll(async () => {
      harness = await openHarness(200, racing);
    }, 60_000);
    afterAll(() => closeHarness(harness));
    afterEach(() => {
      race = null;
    });

    /** The `index`-th generated order of an import case. */
    function generatedOrder(kase: keyof typeof IMPORT_CASES, index: number): OrderKey {
      const { orders } = harness.sandbox.state;
      const skeletons = Array.from({ length: orders.generatedCount }, (_, i) => orders.skeletonOf(i));
      const skeleton = skeletons.filter((candidate) => candidate.importCase === kase)[index];
      return { marketplace: skeleton.marketplace, marketplaceOrderId: skeleton.marketplaceOrderId };
    }

    /** An order of this case imported in one-order mode, failed on a product the catalogue then gets. */
    async function failedThenFixed(index: number) {
      const reference = generatedOrder('unknown_product', index);
      const failed: OrderImportResult = await harness.app.commandBus.execute(
        new ImportOneOrder(reference, operator(`failed-${index}`)),
      );
      const { failures } = failed.outcome as Extract<OrderImportResult['outcome'], { kind: 'failed' }>;
      const missing = failures[0].message.match(/product (\S+)/)![1];
      await harness.app.shop.upsertProduct({ id: missing, name: 'Back in the catalogue', stock: 50, priceCents: 1000 });
      return { reference, stream: orderStreamName(reference) };
    }

    /** What the import retry sweeper or a poll may record meanwhile: the shop was unreachable. */
    const shopWasDown = (reference: OrderKey) => () =>
      harness.app.commandBus.execute(shopUnavailableFailure(reference));

    it('re-imports on the revision the operator named', async () => {
      const { reference, stream } = await failedThenFixed(0);
      const result: OrderImportResult = await harness.app.commandBus.execute(
        new ReimportOrderNow(reference, operator('ifm-r1'), { expectedRevision: 0 }),
      );
      expect(result).toMatchObject({ outcome: { kind: 'planned' }, events: ['OrderImportPlanned'] });
      expect(await typesOf(stream)).toEqual(['OrderImportFailed', 'OrderImportPlanned']);
    });

    it('refuses a re-import with StaleOrderRevision, appending nothing, when the order moves while Lengow and the shop are asked', async () => {
      const { reference, stream } = await failedThenFixed(1);
      const before = ordersRequests();
      race = { stream, write: shopWasDown(reference) };
      const refusal = await harness.app.commandBus
        .execute(new ReimportOrderNow(reference, operator('ifm-r2'), { expectedRevision: 0 }))
        .catch((error: unknown) => error);
      expect(race).toBeNull();
      // It got as far as asking Lengow: only the append could still tell the order had moved.
      expect(ordersRequests()).toBe(before + 1);
      expect(refusal).toBeInstanceOf(StaleOrderRevision);
      expect(refusal).toMatchObject({ stream, expected: 0, actual: 1 });
      expect(await typesOf(stream)).toEqual(['OrderImportFailed', 'OrderImportFailed']);
    });

    it('refuses a stale revision before asking Lengow, for a re-import and a one-order import', async () => {
      const { reference, stream } = await failedThenFixed(2);
      const before = ordersRequests();
      const [recentRun] = await harness.app.runs.recent(1);
      for (const command of [
        new ReimportOrderNow(reference, operator('ifm-s1'), { expectedRevision: 3 }),
        new ImportOneOrder(reference, operator('ifm-s2'), { expectedRevision: -1 }),
      ]) {
        await expect(harness.app.commandBus.execute(command)).rejects.toMatchObject({
          constructor: StaleOrderRevision,
          expected: command.options.expectedRevision,
          actual: 0,
        });
      }
      expect(ordersRequests()).toBe(before);
      expect((await harness.app.runs.recent(1))[0].id).toBe(recentRun.id);
      expect(await typesOf(stream)).toEqual(['OrderImportFailed']);
    });

    it('refuses a one-order import of an order it was told is new, once another import got there first', async () => {
      const reference = firstOrderOfCase(harness.sandbox, 'standard');
      const stream = orderStreamName(reference);
      race = {
        stream,
        write: () => harness.app.commandBus.execute(new ImportOneOrder(reference, operator('ifm-poll'))),
      };
      await expect(
        harness.app.commandBus.execute(new ImportOneOrder(reference, operator('ifm-o1'), { expectedRevision: -1 })),
      ).rejects.toMatchObject({ constructor: StaleOrderRevision, expected: -1, actual: 0 });
      const events = await harness.store.readStream(stream);
      expect(events.map((event) => [event.type, event.metadata.commandId])).toEqual([
        ['OrderImportPlanned', 'ifm-poll'],
      ]);
      // Lengow was asked by then, so the run is on record, with why it changed nothing.
      expect(await harness.app.runs.recent(2)).toContainEqual(
        expect.objectContaining({
          kind: 'one_order',
          outcome: 'failed',
          error: expect.stringMatching(/^STALE_ORDER_REVISION: /),
        }),
      );
    });

    it('refuses a re-synchronisation on a revision the order has left', async () => {
      const { reference } = await failedThenFixed(3);
      await expect(
        harness.app.commandBus.execute(
          new ResynchronizeOrderNow(reference, operator('ifm-y1'), { expectedRevision: 5 }),
        ),
      ).rejects.toMatchObject({ constructor: StaleOrderRevision, expected: 5, actual: 0 });
      await expect(
        harness.app.commandBus.execute(
          new ResynchronizeOrderNow(reference, operator('ifm-y2'), { expectedRevision: '0' as never }),
        ),
      ).rejects.toMatchObject({ constructor: ImportCommandInvalid, field: 'options.expectedRevision' });
    });

    /** The shop's product searches fail as if its database were unreachable; `meanwhile` runs inside the first one. */
    function shopUnreachable(meanwhile?: () => Promise<unknown>) {
      let pending = meanwhile;
      return jest.spyOn(harness.app.shop, 'findProducts').mockImplementation(async () => {
        const write = pending;
        pending = undefined;
        await write?.();
        throw new Error('connect ECONNREFUSED 10.0.0.7:5432');
      });
    }

    /** Lengow now sends the order without its delivery address: a copy the engine cannot read. */
    const unreadable = (reference: OrderKey) =>
      harness.sandbox.state.orders.mutate(reference.marketplace, reference.marketplaceOrderId, (order) => {
        delete (order.packages as { delivery: Record<string, unknown> }[])[0].delivery.id;
      });

    it('records the shop outage of a one-order import on the revision the operator named, as without one', async () => {
      const reference = generatedOrder('standard', 4);
      const stream = orderStreamName(reference);
      const lookups = shopUnreachable();
      let result: OrderImportResult;
      try {
        result = await harness.app.commandBus.execute(
          new ImportOneOrder(reference, operator('ifm-u1'), { expectedRevision: -1 }),
        );
      } finally {
        lookups.mockRestore();
      }
      expect(result).toMatchObject({ outcome: { kind: 'transient_failure' }, events: ['OrderImportFailed'] });
      const [failure] = await harness.store.readStream(stream);
      expect(failure.metadata).toMatchObject({ commandId: 'ifm-u1' });
      expect(failure.data).toMatchObject({ kind: 'transient', failures: [{ code: 'SHOP_UNAVAILABLE' }] });
    });

    it('refuses a one-order import with StaleOrderRevision, appending nothing, when the order moves while the unreachable shop is asked', async () => {
      const reference = generatedOrder('standard', 5);
      const stream = orderStreamName(reference);
      // Past the importer's early check: only the decision made without the shop can still tell the order moved.
      const lookups = shopUnreachable(shopWasDown(reference));
      let refusal: unknown;
      try {
        refusal = await harness.app.commandBus
          .execute(new ImportOneOrder(reference, operator('ifm-u2'), { expectedRevision: -1 }))
          .catch((error: unknown) => error);
        expect(lookups).toHaveBeenCalled();
      } finally {
        lookups.mockRestore();
      }
      expect(refusal).toBeInstanceOf(StaleOrderRevision);
      expect(refusal).toMatchObject({ stream, expected: -1, actual: 0 });
      const events = await harness.store.readStream(stream);
      expect(events.map((event) => [event.type, event.metadata.commandId])).toEqual([
        ['OrderImportFailed', `shop-down:${stream}`],
      ]);
    });

    it('records an unreadable order on the revision the operator named, as without one', async () => {
      const reference = generatedOrder('standard', 1);
      const stream = orderStreamName(reference);
      unreadable(reference);
      const result: OrderImportResult = await harness.app.commandBus.execute(
        new ImportOneOrder(reference, operator('ifm-n1'), { expectedRevision: -1 }),
      );
      expect(result).toMatchObject({
        outcome: { kind: 'not_formatted', recorded: true },
        events: ['OrderImportFailed'],
      });
      const [failure] = await harness.store.readStream(stream);
      expect(failure.metadata).toMatchObject({ commandId: 'ifm-n1' });
      expect(failure.data).toMatchObject({
        kind: 'permanent',
        failures: expect.arrayContaining([expect.objectContaining({ code: 'ORDER_NOT_FORMATTED' })]),
      });
    });

    it('refuses to record an unreadable order on a revision another import left before the append', async () => {
      const reference = generatedOrder('standard', 2);
      const stream = orderStreamName(reference);
      unreadable(reference);
      race = {
        stream,
        write: () => harness.app.commandBus.execute(new ImportOneOrder(reference, operator('ifm-n-poll'))),
      };
      await expect(
        harness.app.commandBus.execute(new ImportOneOrder(reference, operator('ifm-n2'), { expectedRevision: -1 })),
      ).rejects.toMatchObject({ constructor: StaleOrderRevision, expected: -1, actual: 0 });
      expect(race).toBeNull();
      const events = await harness.store.readStream(stream);
      expect(events.map((event) => [event.type, event.metadata.commandId])).toEqual([
        ['OrderImportFailed', 'ifm-n-poll'],
      ]);
    });

    it('refuses an unreadable copy of an order being imported once it moved while Lengow was asked, rather than keep it as it was', async () => {
      const reference = generatedOrder('standard', 3);
      const stream = orderStreamName(reference);
      await harness.app.commandBus.execute(new ImportOneOrder(reference, operator('ifm-k0')));
      unreadable(reference);
      // On the current revision the copy changes nothing: the plan under way is kept.
      const kept: OrderImportResult = await harness.app.commandBus.execute(
        new ImportOneOrder(reference, operator('ifm-k1'), { expectedRevision: 0 }),
      );
      expect(kept).toMatchObject({ outcome: { kind: 'not_formatted', recorded: false }, events: [] });

      const [planned] = await harness.store.readStream(stream);
      const plan = planned.data.plan as { generation: number; shopOrders: { key: string }[] };
      // What the import saga records once the shop created the planned orders, while Lengow is asked for the copy.
      const created = () =>
        harness.app.commandBus.execute(
          new ExecuteOrderCommand(
            {
              type: 'RecordShopOrdersCreated',
              data: {
                orderKey: reference,
                generation: plan.generation,
                shopOrderIds: Object.fromEntries(plan.shopOrders.map((o, i) => [o.key, `SO-K${i + 1}`])),
                now: new Date().toISOString(),
              },
            },
            { commandId: `created:${stream}`, actor: 'saga:import' },
          ),
        );
      const api = harness.app.app.get<LengowApi>(LENGOW_API);
      const listOrders = api.listOrders.bind(api);
      const asked = jest.spyOn(api, 'listOrders').mockImplementationOnce(async function* (query) {
        await created();
        yield* listOrders(query);
      });
      let refusal: unknown;
      try {
        refusal = await harness.app.commandBus
          .execute(new ImportOneOrder(reference, operator('ifm-k2'), { expectedRevision: 0 }))
          .catch((error: unknown) => error);
        expect(asked).toHaveBeenCalled();
      } finally {
        asked.mockRestore();
      }
      // Nothing would be written either way: the operator's answer must not depend on what Lengow sent.
      expect(refusal).toBeInstanceOf(StaleOrderRevision);
      expect(refusal).toMatchObject({ stream, expected: 0, actual: 1 });
      const events = await harness.store.readStream(stream);
      expect(events.map((event) => [event.type, event.metadata.commandId])).toEqual([
        ['OrderImportPlanned', 'ifm-k0'],
        ['OrderImported', `created:${stream}`],
      ]);
    });
  });

  describe('payloads the engine cannot take as they are', () => {
    let harness: Harness;
    const admin = (path: string, body?: unknown) => sandboxAdmin(harness, path, body);
    const requests = (route: string) => harness.sandbox.state.requestCountsJson()[route]?.total ?? 0;

    beforeAll(async () => {
      harness = await openHarness(40);
    }, 60_000);
    afterAll(() => closeHarness(harness));

    it('ignores unknown marketplaces after one refresh per run, records unreadable orders, counts the nameless', async () => {
      const skeleton = standardSkeleton(harness);
      const template = await admin(`/orders/${skeleton.marketplace}/${skeleton.marketplaceOrderId}`);
      const now = new Date().toISOString();
      const copy = (changes: Record<string, unknown>): Record<string, unknown> => ({
        ...structuredClone(template),
        updated_at: now,
        ...changes,
      });
      const withoutDeliveryId = copy({ marketplace_order_id: 'NF-1' });
      delete (withoutDeliveryId.packages as { delivery: Record<string, unknown> }[])[0].delivery.id;
      await admin('/orders', [
        copy({ marketplace: 'galaxy_market', marketplace_order_id: 'GX-1' }),
        copy({ marketplace: 'galaxy_market', marketplace_order_id: 'GX-2' }),
        withoutDeliveryId,
        copy({ marketplace: '   ', marketplace_order_id: 'NAMELESS-1' }),
      ]);

      const marketplaceCalls = requests('GET /v3.0/marketplaces');
      const run = await harness.app.importer.runScheduled();
      expect(run.outcome).toBe('succeeded');
      expect(run.counts.received).toBe(44);
      expect(run.counts.ignored.MARKETPLACE_UNKNOWN).toBe(2);
      expect(run.counts.notFormatted).toEqual({ recorded: 1, withoutIdentity: 1, notRecorded: 0 });
      // One forced refresh for the unknown code, not one per order (the list the settings' check downloaded when the
      // harness set its default carriers serves the run otherwise).
      expect(requests('GET /v3.0/marketplaces') - marketplaceCalls).toBe(1);

      const [ignored] = await harness.store.readStream('order-galaxy_market-GX-1');
      expect(ignored.data).toMatchObject({ code: 'MARKETPLACE_UNKNOWN' });
      const stream = `order-${skeleton.marketplace}-NF-1`;
      const [failed] = await harness.store.readStream(stream);
      expect(failed.type).toBe('OrderImportFailed');
      expect(failed.data).toMatchObject({
        kind: 'permanent',
        configurationRevision: null,
        failures: [
          { code: 'NO_DELIVERY_ADDRESS', message: 'Lengow error: no delivery address in the order' },
          {
            code: 'ORDER_NOT_FORMATTED',
            message: 'import order failed - Lengow error: packages[0].delivery.id is missing',
          },
        ],
      });

      // The same unreadable copy again: nothing new (and the connector's cached definitions serve the run).
      const again = await harness.app.commandBus.execute(new ImportOrdersNow({ days: 3 }, operator('nf-again')));
      expect(again.counts.notFormatted.recorded).toBe(1);
      expect(again.counts.unchanged).toBe(42);
      expect(requests('GET /v3.0/marketplaces') - marketplaceCalls).toBe(1);
      expect(await harness.store.readStream(stream)).toHaveLength(1);

      // Lengow fixes the order: the next poll decides it afresh.
      await admin('/orders', copy({ marketplace_order_id: 'NF-1', updated_at: new Date().toISOString() }));
      const fixed = await harness.app.commandBus.execute(new ImportOrdersNow({ days: 3 }, operator('nf-fixed')));
      expect(fixed.counts.notFormatted).toEqual({ recorded: 0, withoutIdentity: 1, notRecorded: 0 });
      expect((await harness.store.readStream(stream)).map((e) => e.type)).toEqual([
        'OrderImportFailed',
        'OrderImportPlanned',
      ]);
      // Asked by an operator: the plan says who, and which command caused it.
      const planned = (await harness.store.readStream(stream))[1];
      expect(planned.metadata).toMatchObject({
        actor: 'operator:ann',
        causationId: 'nf-fixed',
        correlationId: 'nf-fixed',
      });
    });
  });

  describe('an order Lengow corrects after it failed', () => {
    let harness: Harness;
    const admin = (path: string, body?: unknown) => sandboxAdmin(harness, path, body);

    beforeAll(async () => {
      harness = await openHarness(20);
    }, 60_000);
    afterAll(() => closeHarness(harness));

    it('is decided afresh on the next poll, without a configuration change or an operator; an unchanged copy is not', async () => {
      const skeleton = standardSkeleton(harness);
      const template = await admin(`/orders/${skeleton.marketplace}/${skeleton.marketplaceOrderId}`);
      const version = (changes: Record<string, unknown>): Record<string, unknown> => ({
        ...structuredClone(template),
        marketplace_order_id: 'FX-1',
        updated_at: new Date().toISOString(),
        ...changes,
      });
      await harness.app.importer.runScheduled();
      const stream = `order-${skeleton.marketplace}-FX-1`;

      // No exchange rate yet: a failure on Lengow's data, not on the shop's configuration.
      await admin('/orders', version({ total_order: -1 }));
      await harness.app.commandBus.execute(new ImportOrdersNow({ days: 3 }, operator('fx-1')));
      const [failed] = await harness.store.readStream(stream);
      expect(failed.data).toMatchObject({ failures: [{ code: 'NO_EXCHANGE_RATE' }] });

      // Read again as it was (the window's overlap, an operator's window): it waits, nothing is appended.
      const again = await harness.app.commandBus.execute(new ImportOrdersNow({ days: 3 }, operator('fx-2')));
      expect(again.counts.failedOrders).toBe(0);
      expect(await harness.store.readStream(stream)).toHaveLength(1);
      // Lengow moving the delivery id alone is no correction either.
      const moved = version({ total_order: -1 });
      (moved.packages as { delivery: { id: number } }[])[0].delivery.id += 1;
      await admin('/orders', moved);
      await harness.app.commandBus.execute(new ImportOrdersNow({ days: 3 }, operator('fx-3')));
      expect(await harness.store.readStream(stream)).toHaveLength(1);

      // Lengow got the rate: the same configuration, and the order is planned.
      await admin('/orders', version({}));
      const fixed = await harness.app.commandBus.execute(new ImportOrdersNow({ days: 3 }, operator('fx-4')));
      expect(fixed.counts.planned).toBe(1);
      expect((await harness.store.readStream(stream)).map((event) => event.type)).toEqual([
        'OrderImportFailed',
        'OrderImportPlanned',
      ]);
    });

    it('fails a delivery country that is no alpha-2 code as such, and does not flag it as a country seen', async () => {
      const skeleton = standardSkeleton(harness);
      const order = structuredClone(await admin(`/orders/${skeleton.marketplace}/${skeleton.marketplaceOrderId}`));
      order.marketplace_order_id = 'CC-1';
      order.updated_at = new Date().toISOString();
      (order.packages as { delivery: { common_country_iso_a2: string } }[])[0].delivery.common_country_iso_a2 = 'FRA';
      await admin('/orders', order);
      await harness.app.commandBus.execute(new ImportOrdersNow({ days: 3 }, operator('cc-1')));
      const [failed] = await harness.store.readStream(`order-${skeleton.marketplace}-CC-1`);
      expect(failed.data).toMatchObject({ failures: [expect.objectContaining({ code: 'INVALID_COUNTRY' })] });
      const settings = await harness.store.readStream('settings-order-parameters');
      expect(settings.filter((e) => e.type === 'MarketplaceCountrySeen').map((e) => e.data.country)).not.toContain(
        'FRA',
      );
    });
  });

  describe('a shop outage', () => {
    let harness: Harness;
    let shopDown = false;
    let clockOffsetMs = 0;

    beforeAll(async () => {
      const sandbox = await startSandbox({ port: 0, seed: SEED, orderCount: 150, actionProcessingDelayMs: 0 });
      const db = new SqliteDatabase({ path: ':memory:' });
      const store = new SqliteEventStore(db);
      await store.init();
      const app = await startImportTestApp({
        store,
        db,
        lengowUrl: sandbox.url,
        importOptions: { clock: () => new Date(Date.now() + clockOffsetMs) },
        // The shop's database becomes unreachable for product searches; everything else keeps working.
        wrapShop: (shop) =>
          Object.create(shop, {
            findProducts: {
              value: (queries: Parameters<Shop['findProducts']>[0]) =>
                shopDown ? Promise.reject(new Error('connect ECONNREFUSED 10.0.0.7:5432')) : shop.findProducts(queries),
            },
          }),
      });
      await prepareShopForSandbox(app);
      harness = { sandbox, db, store, app };
    }, 60_000);
    afterAll(() => closeHarness(harness));

    it('records transient failures for orders that need the shop, decides the others, and retries with backoff', async () => {
      const { app, store } = harness;
      shopDown = true;
      const down = await app.importer.runScheduled();
      const verdicts = await importVerdicts(store);
      const expectedPlanned = [...verdicts.keys()].filter((stream) => expectedVerdict(stream).kind === 'planned');
      // Orders the rules would create (or fail on their products) wait for the shop; the rest are decided already.
      expect(down.outcome).toBe('succeeded');
      expect(down.counts.planned).toBe(0);
      expect(down.counts.transientFailures).toBeGreaterThanOrEqual(expectedPlanned.length);
      expect(down.counts.awaitingRetry).toBe(down.counts.transientFailures);
      expect(sumOf(down.counts.ignored)).toBeGreaterThan(0);
      for (const stream of expectedPlanned) {
        const [failure] = (await store.readStream(stream)).map((e) => e.data);
        expect(failure).toMatchObject({
          kind: 'transient',
          attempt: 1,
          parked: false,
          failures: [{ code: 'SHOP_UNAVAILABLE' }],
          nextAttemptAt: expect.any(String),
          // The order's facts travel with the failure, so it can be listed before it was ever planned.
          facts: expect.objectContaining({ currency: 'EUR' }),
        });
      }

      // Still down, retry not due: the backoff holds, nothing new is written; the window keeps covering them.
      const before = await orderEventCount(store);
      const again = await app.importer.runScheduled();
      expect(await orderEventCount(store)).toBe(before);
      expect(again.counts.awaitingRetry).toBe(down.counts.transientFailures);
      expect(Date.parse(again.window!.from)).toBeLessThan(Date.parse(down.window!.to) - 2 * 3600_000);

      // Back up, retry due after the policy's first delay: every waiting order gets its real verdict.
      shopDown = false;
      clockOffsetMs = 61_000;
      const back = await app.importer.runScheduled();
      expect(back.counts.planned).toBe(expectedPlanned.length);
      expect(back.counts.awaitingRetry).toBe(0);
      const final = await importVerdicts(store);
      for (const [stream, list] of final) {
        const last = list.at(-1)!;
        expect({ stream, verdict: mainVerdict(last) }).toEqual({ stream, verdict: expectedVerdict(stream) });
      }
      const [run] = await app.runs.recent(1);
      expect(run.retryFrom).toBeNull();
    }, 60_000);
  });

  describe('emulator faults', () => {
    let harness: Harness;

    beforeAll(async () => {
      harness = await openHarness();
    }, 60_000);
    afterAll(() => closeHarness(harness));

    it('end with the same decisions as a clean run: rate limits, 5xx, slow answers, token expiry, repeats, moving delivery ids', async () => {
      const { sandbox, app } = harness;
      sandbox.faults.add({ kind: 'http_429', route: '/v3.0/orders', count: 1, retryAfterSeconds: 0 });
      sandbox.faults.add({ kind: 'http_503', route: '/v3.0/orders', count: 2 });
      sandbox.faults.add({ kind: 'slow', route: '/v3.0/orders', count: 1, delayMs: 300 });
      sandbox.faults.add({ kind: 'unauthorized', route: '/v3.0/orders', count: 1 });
      sandbox.faults.add({ kind: 'duplicate_across_pages', route: '/v3.0/orders', count: 1 });
      sandbox.faults.add({ kind: 'changing_delivery_id', route: '/v3.0/orders', count: 2 });
      const absorbed = await app.importer.runScheduled();
      // The connector waits out the rate limit, retries the 5xx and renews the token. The shift of page numbers that
      // repeats an order cannot reach a reader that starts each page from the last updated_at it was served: the
      // fault never fires, and nothing comes twice.
      expect(absorbed).toMatchObject({ outcome: 'succeeded', error: null });
      expect(sandbox.faults.list().map((fault) => fault.kind)).toEqual(['duplicate_across_pages']);
      expect(absorbed.counts.duplicates).toBe(0);
      expect(absorbed.counts.received).toBe(ORDER_COUNT);
      expect(verdictProblems(await importVerdicts(harness.store))).toEqual([]);

      // Lengow's delivery ids moved since: nothing is decided again, nothing is duplicated.
      sandbox.faults.add({ kind: 'changing_delivery_id', route: '/v3.0/orders', count: 5 });
      const moved = await app.commandBus.execute(new ImportOrdersNow({ days: 3 }, operator('moved')));
      expect(moved.counts.unchanged).toBe(ORDER_COUNT);
    }, 120_000);

    it('a run cut short by an outage or a garbled page fails, keeps its window, and the next one completes', async () => {
      const fresh = await openHarness();
      try {
        const running = fresh.app.importer.runWindow({ days: 3 }, { actor: 'system' });
        // Usually after the first pages: the outage outlasts the connector's retries.
        setTimeout(() => fresh.sandbox.faults.add({ kind: 'http_503', route: '/v3.0/orders', count: 20 }), 30);
        const outage = await running;
        expect(outage).toMatchObject({ outcome: 'failed', error: { code: 'LENGOW_UNAVAILABLE', transient: true } });
        fresh.sandbox.faults.clear();
        expect(await fresh.app.runs.checkpoint()).toBeNull();

        fresh.sandbox.faults.add({ kind: 'malformed_json', route: '/v3.0/orders', count: 1 });
        const garbled = await fresh.app.importer.runScheduled();
        expect(garbled).toMatchObject({ outcome: 'failed', error: { code: 'LENGOW_MALFORMED_RESPONSE' } });
        expect(await fresh.app.runs.checkpoint()).toBeNull();

        const clean = await fresh.app.importer.runScheduled();
        expect(clean.outcome).toBe('succeeded');
        expect((await fresh.app.runs.checkpoint())?.windowTo.toISOString()).toBe(clean.window!.to);
        const verdicts = await importVerdicts(fresh.store);
        expect(verdicts.size).toBe(ORDER_COUNT);
        expect(verdictProblems(verdicts)).toEqual([]);
        // Same decisions as the other emulator's run, stream by stream.
        const reference = await importVerdicts(harness.store);
        expect(Object.fromEntries(verdicts)).toEqual(Object.fromEntries(reference));
      } finally {
        await closeHarness(fresh);
      }
    }, 120_000);
  });
});
