import { afterAll, beforeAll, expect, it } from '@jest/globals';
import {
  manifestOrders,
  orderArgument,
  prepareShop,
  runCaptured,
  startCliEnvironment,
  type CliEnvironment,
} from '../../src/cli/testing/cli-harness.js';
import { ORDER_OVERVIEW_VERSION } from '../../src/orders/projections/overview-projection.js';
import { checkPostgres, describeWithService, dropSchema, freshSchemaName, POSTGRES_URL } from '../support/services.js';

const postgres = await checkPostgres();

/** The same commands on the server's other embedded-free configuration: events and read models in PostgreSQL. */
describeWithService(postgres, 'lengow-sync on PostgreSQL', () => {
  let environment: CliEnvironment;
  const schema = freshSchemaName('cli');

  beforeAll(async () => {
    environment = await startCliEnvironment(
      { seed: 11, orderCount: 12 },
      { EVENT_STORE: 'postgres', DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: schema, SQLITE_PATH: undefined },
    );
  });
  afterAll(async () => {
    await environment.close();
    await dropSchema(schema);
  });

  it('imports an order, shows its history and keeps the overview free of drift across a rebuild', async () => {
    const { env } = environment;
    const orders = await manifestOrders(environment.sandbox);
    await prepareShop(
      environment,
      orders.map((order) => order.marketplace),
    );
    const order = orderArgument(orders.find((candidate) => candidate.case === 'standard')!);
    const imported = await runCaptured(['import', '--order', order], env);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/planned 1 shop order/);

    const history = await runCaptured(['history', order, '--json'], env);
    expect(JSON.parse(history.stdout)).toMatchObject({
      events: [{ type: 'OrderImportPlanned', actor: 'operator:tester' }],
    });

    const rebuild = await runCaptured(['projections', 'rebuild', 'order-overview'], env);
    expect(rebuild.code).toBe(0);
    expect(rebuild.stdout).toMatch(
      new RegExp(`rebuilt order-overview \\(version ${ORDER_OVERVIEW_VERSION}, generation \\d+\\)`),
    );
    const verify = await runCaptured(['projections', 'verify'], env);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/^order-overview: 1 rows checked, no drift/);
    const status = await runCaptured(['projections', 'status', '--json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({ projections: [{ state: 'running', behind: { count: 0 } }] });
  });
});
