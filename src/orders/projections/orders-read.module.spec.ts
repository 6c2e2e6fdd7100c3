import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { InfrastructureModule } from '../../boot/infrastructure.module.js';
import { AppConfig } from '../../config/app-config.js';
import type { ProjectionRunner } from '../../event-store/projections/projection-runner.js';
import { silentLogger } from '../../logging/logger.js';
import { OrderAudit } from '../audit/order-audit.js';
import { OverviewDriftCheck } from '../audit/overview-drift-check.js';
import { ProjectionMaintenance } from '../audit/projection-maintenance.js';
import { OrderTimeline } from './order-timeline.js';
import { ORDERS_PROJECTION_RUNNER, OrdersReadModule } from './orders-read.module.js';
import { OverviewQueries } from './overview-queries.js';
import { ORDER_OVERVIEW_PROJECTION } from './overview-projection.js';
import { OrderStoryWriter } from './testing/order-stories.js';
import { openSqlite, type ReadSideDatabases } from './testing/read-side-databases.js';

describe('OrdersReadModule', () => {
  let sides: ReadSideDatabases;

  beforeEach(async () => {
    sides = await openSqlite();
  });

  afterEach(() => sides.cleanup());

  async function boot(options?: Parameters<typeof OrdersReadModule.register>[0]) {
    @Module({
      imports: [
        InfrastructureModule.register({
          config: new AppConfig(),
          logger: silentLogger(),
          eventStore: sides.store,
          readModels: sides.db,
        }),
        OrdersReadModule.register({ pollIntervalMs: 5, ...options }),
      ],
    })
    class TestApp {}
    const moduleRef = await Test.createTestingModule({ imports: [TestApp] }).compile();
    return moduleRef.init();
  }

  it('starts the overview runner at bootstrap, serves the read side, and stops the runner at shutdown', async () => {
    const writer = new OrderStoryWriter(sides.store);
    await writer.write({ marketplace: 'demo_market_fr', marketplaceOrderId: 'MOD-1' }, 'not_shipped');
    const app = await boot();
    const runner = app.get<ProjectionRunner>(ORDERS_PROJECTION_RUNNER);
    expect(runner.status().map((s) => s.name)).toEqual([ORDER_OVERVIEW_PROJECTION]);
    await runner.waitUntilCaughtUp(await writer.lastPosition(), { timeoutMs: 10_000 });

    const key = { marketplace: 'demo_market_fr', marketplaceOrderId: 'MOD-1' };
    expect(await app.get(OverviewQueries).get(key)).toMatchObject({ actionState: 'failed', actionType: 'ship' });
    const timeline = await app.get(OrderTimeline).page(key, { limit: 2 });
    expect(timeline.entries.map((e) => e.type)).toEqual(['OrderImportPlanned', 'OrderImported']);
    expect(timeline.nextRevision).toBe(2);
    expect((await app.get(OrderAudit).stateAt(key, { revision: 1 })).overview?.importState).toBe('imported');
    expect((await app.get(OverviewDriftCheck).run()).differences).toEqual([]);
    const rebuilt = await app.get(ProjectionMaintenance).rebuild();
    expect(rebuilt).toMatchObject({ projection: ORDER_OVERVIEW_PROJECTION, generation: 2 });
    expect(await app.get(OverviewQueries).count()).toBe(1);

    await app.close();
    expect(() => runner.status()).not.toThrow();
    await expect(runner.waitUntilCaughtUp()).rejects.toThrow(/not running/);
  });

  it('leaves the runner to the caller with autoStart: false', async () => {
    const app = await boot({ autoStart: false });
    const runner = app.get<ProjectionRunner>(ORDERS_PROJECTION_RUNNER);
    await expect(runner.waitUntilCaughtUp()).rejects.toThrow(/not running/);
    await runner.start();
    await runner.waitUntilCaughtUp(undefined, { timeoutMs: 10_000 });
    await app.close();
  });
});
