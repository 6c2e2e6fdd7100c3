import { checkPostgres, describeWithService } from '../../../test/support/services.js';
import { ProjectionCatalog } from '../../event-store/projections/projection-catalog.js';
import type { ProjectionRunner } from '../../event-store/projections/projection-runner.js';
import { ORDER_OVERVIEW_PROJECTION } from '../projections/overview-projection.js';
import { ORDER_STORIES, OrderStoryWriter } from '../projections/testing/order-stories.js';
import { startOverviewRunner } from '../projections/testing/overview-projection.suite.js';
import {
  openPostgres,
  openSqlite,
  type OpenReadSide,
  type ReadSideDatabases,
} from '../projections/testing/read-side-databases.js';
import { OverviewDriftCheck, type DriftDifference, type DriftProgress } from './overview-drift-check.js';

const postgres = await checkPostgres();

function driftCheckSuite(open: OpenReadSide): void {
  let sides: ReadSideDatabases;
  let writer: OrderStoryWriter;
  let runner: ProjectionRunner;
  let check: OverviewDriftCheck;

  const stream = (id: string) => `order-demo_market_fr-${id}`;
  /** The live generation's physical tables: views are not updatable on SQLite, and tampering goes underneath anyway. */
  const physical = async () => {
    const catalog = new ProjectionCatalog();
    const checkpoint = await catalog.checkpoint(sides.db, ORDER_OVERVIEW_PROJECTION);
    return catalog.tables(sides.db, ORDER_OVERVIEW_PROJECTION, checkpoint!.generation);
  };

  beforeEach(async () => {
    sides = await open();
    writer = new OrderStoryWriter(sides.store);
    for (const [i, story] of ORDER_STORIES.entries()) {
      await writer.write({ marketplace: 'demo_market_fr', marketplaceOrderId: `D-${i}-${story}` }, story);
    }
    runner = startOverviewRunner(sides.store, sides.db);
    await runner.start();
    await runner.waitUntilCaughtUp(await writer.lastPosition(), { timeoutMs: 20_000 });
    check = new OverviewDriftCheck(sides.db, sides.store);
  });

  afterEach(async () => {
    await runner.stop();
    await sides.cleanup();
  });

  it('finds nothing on a clean read model, reporting progress batch by batch', async () => {
    const progress: DriftProgress[] = [];
    const report = await check.run({ batchSize: 4, onProgress: (p) => progress.push(p) });
    expect(report).toMatchObject({ checked: 9, drifted: 0, differences: [], truncated: false });
    expect(report.checkpoint).toBe(runner.status()[0]!.position);
    const rows = progress.filter((p) => p.phase === 'rows').map((p) => p.checked);
    expect(rows).toEqual([0, 4, 8, 9]);
    expect(progress.every((p) => p.total === 9)).toBe(true);
    expect(progress.find((p) => p.phase === 'missing_rows' && p.scannedEvents > 0)).toBeDefined();
    expect(progress.at(-1)!.phase).toBe('done');
  });

  it('shows a key the stored fold lacks (written before the field existed) as absent, not as a null', async () => {
    const t = await physical();
    const [state] = await sides.db.query<{ fold: string }>(
      `SELECT fold FROM ${t.order_overview_states} WHERE stream = $1`,
      [stream('D-5-ship_waiting')],
    );
    const fold = JSON.parse(state!.fold);
    delete fold.facts.customerName;
    await sides.db.execute(`UPDATE ${t.order_overview_states} SET fold = $1 WHERE stream = $2`, [
      JSON.stringify(fold),
      stream('D-5-ship_waiting'),
    ]);
    const report = await check.run({ batchSize: 4 });
    expect(report.differences.map(({ field, column, live, fresh }) => ({ field, column, live, fresh }))).toEqual([
      {
        field: 'fold',
        column: 'order_overview_states.fold $.facts.customerName',
        live: '(absent)',
        fresh: 'Anne Martin',
      },
    ]);
  });

  it('reports each injected difference with the live and the fresh value', async () => {
    const t = await physical();
    await sides.db.execute(`UPDATE ${t.order_overview} SET import_state = 'imported' WHERE stream = $1`, [
      stream('D-2-not_imported'),
    ]);
    await sides.db.execute(`UPDATE ${t.order_overview} SET ship_messages = '["invented"]' WHERE stream = $1`, [
      stream('D-4-not_shipped'),
    ]);
    await sides.db.execute(`DELETE FROM ${t.order_overview_shop_orders} WHERE stream = $1`, [stream('D-1-imported')]);
    await sides.db.execute(`DELETE FROM ${t.order_overview} WHERE stream = $1`, [stream('D-6-shipped')]);
    const [state] = await sides.db.query<{ fold: string }>(
      `SELECT fold FROM ${t.order_overview_states} WHERE stream = $1`,
      [stream('D-5-ship_waiting')],
    );
    const fold = JSON.parse(state!.fold);
    fold.facts.customerName = 'Someone Else';
    await sides.db.execute(`UPDATE ${t.order_overview_states} SET fold = $1 WHERE stream = $2`, [
      JSON.stringify(fold),
      stream('D-5-ship_waiting'),
    ]);

    const streamed: DriftDifference[] = [];
    const report = await check.run({ batchSize: 3, onDifference: (d) => streamed.push(d) });
    const simple = report.differences.map(({ stream: s, field, live, fresh }) => ({ stream: s, field, live, fresh }));
    expect(simple).toEqual(
      expect.arrayContaining([
        { stream: stream('D-2-not_imported'), field: 'importState', live: 'imported', fresh: 'not_imported' },
        {
          stream: stream('D-4-not_shipped'),
          field: 'shipMessages',
          live: ['invented'],
          fresh: ["can't send action: tracking_number is required"],
        },
        { stream: stream('D-1-imported'), field: 'shopOrdersTable', live: [], fresh: ['SO-D-1-imported'] },
        { stream: stream('D-6-shipped'), field: 'row', live: null, fresh: 'present' },
        { stream: stream('D-5-ship_waiting'), field: 'fold', live: 'Someone Else', fresh: 'Anne Martin' },
      ]),
    );
    expect(report.differences.find((d) => d.field === 'fold')!.column).toBe(
      'order_overview_states.fold $.facts.customerName',
    );
    // The counters still count the tampered and the deleted rows as they were.
    const counters = report.differences.filter((d) => d.field === 'counter');
    expect(counters.map((d) => [d.column, d.live, d.fresh])).toEqual(
      expect.arrayContaining([
        ['order_counters[demo_market_fr/waiting_shipment/not_imported/none/in_progress]', 1, 0],
        ['order_counters[demo_market_fr/waiting_shipment/imported/done/in_progress]', 1, 0],
      ]),
    );
    expect(report.differences).toHaveLength(5 + counters.length);
    expect(report.checked).toBe(8);
    expect(streamed).toEqual(report.differences);
  });

  it('keeps a bounded list of differences but streams every one', async () => {
    const t = await physical();
    await sides.db.execute(`UPDATE ${t.order_overview} SET customer_name = 'X'`);
    const streamed: DriftDifference[] = [];
    const report = await check.run({ maxDifferences: 3, missingRows: false, onDifference: (d) => streamed.push(d) });
    expect(report.differences).toHaveLength(3);
    expect(report.truncated).toBe(true);
    expect(report.drifted).toBe(9);
    expect(streamed.filter((d) => d.field === 'customerName')).toHaveLength(9);
  });

  it('reports no drift while the projection keeps applying new orders during the check', async () => {
    let writing = true;
    const writes = (async () => {
      for (let i = 0; i < 30; i++) {
        await writer.write({ marketplace: 'demo_market_fr', marketplaceOrderId: `N-${i}` }, ORDER_STORIES[i % 9]!);
      }
      writing = false;
    })();
    const reports = [];
    while (writing) reports.push(await check.run({ batchSize: 2, concurrency: 3 }));
    await writes;
    await runner.waitUntilCaughtUp(await writer.lastPosition(), { timeoutMs: 20_000 });
    reports.push(await check.run({ batchSize: 2, concurrency: 3 }));

    expect(reports.length).toBeGreaterThan(1);
    for (const report of reports) expect(report.differences).toEqual([]);
    expect(reports.at(-1)!.checked).toBe(39);
  });
}

describe('OverviewDriftCheck on SQLite', () => driftCheckSuite(openSqlite));
describeWithService(postgres, 'OverviewDriftCheck on PostgreSQL', () => driftCheckSuite(openPostgres));
