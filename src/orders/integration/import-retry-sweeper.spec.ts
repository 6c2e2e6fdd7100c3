import { startSandbox, type Sandbox } from '../../sandbox/sandbox-server.js';
import { ChangeImportSettings, SetDefaultCarrier } from '../../settings/commands/settings-commands.js';
import type { Shop } from '../../shop/shop.port.js';
import { ImportOneOrder } from '../import/commands/import-commands.js';
import { OrdersImportModule } from '../import/orders-import.module.js';
import type { OrderKey } from '../domain/order-key.js';
import { EMULATOR_MARKETPLACE, emulatorOrder } from './testing/emulator-order.js';
import { PortFaults } from './testing/port-faults.js';
import { ReactionsEngine } from './testing/reactions-test-engine.js';

let sandbox: Sandbox;
let engine: ReactionsEngine;
let shop: PortFaults<Shop>;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, actionProcessingDelayMs: 0, orderCount: 0 });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  sandbox.state.reset();
  shop = new PortFaults<Shop>();
  engine = await ReactionsEngine.start({
    sandbox,
    wrapShop: (real) => shop.wrap(real),
    modules: [OrdersImportModule.register({ schedule: false })],
  });
  const colissimo = engine.carriers.colissimo;
  await engine.commands.execute(
    new SetDefaultCarrier(
      {
        marketplace: EMULATOR_MARKETPLACE,
        country: 'FR',
        importCarrier: { id: String(colissimo.referenceId), name: colissimo.name },
      },
      { commandId: 'default-carrier', actor: 'operator:ann' },
    ),
  );
});
afterEach(() => engine.close());

const operator = { commandId: 'import-1', actor: 'operator:ann' as const };

/** Imports the order through the import pipeline while the shop is down for its creation. */
async function importWhileShopIsDown(id: string): Promise<OrderKey> {
  sandbox.state.orders.add(emulatorOrder({ marketplaceOrderId: id }), Date.now());
  shop.fail('createOrders', () => new Error('connect ECONNREFUSED 127.0.0.1:5432'));
  await engine.commands.execute(
    new ImportOneOrder({ marketplace: EMULATOR_MARKETPLACE, marketplaceOrderId: id }, operator),
  );
  await engine.settle();
  const orderKey = { marketplace: EMULATOR_MARKETPLACE, marketplaceOrderId: id };
  expect(await engine.eventTypes(orderKey)).toEqual(['OrderImportPlanned', 'OrderImportFailed']);
  return orderKey;
}

describe('ImportRetrySweeper', () => {
  it('imports the order again once its transient failure is due, and only then', async () => {
    const orderKey = await importWhileShopIsDown('CD-9001');
    expect(await engine.reactions.sweepImportRetries()).toEqual({ retried: 0, errors: 0 });

    engine.clock.advance(61_000);
    expect(await engine.reactions.sweepImportRetries()).toEqual({ retried: 1, errors: 0 });
    await engine.settle();
    const types = await engine.eventTypes(orderKey);
    expect(types.slice(0, 4)).toEqual([
      'OrderImportPlanned',
      'OrderImportFailed',
      'OrderImportPlanned',
      'OrderImported',
    ]);
    // Stock and moi are two sagas' independent reactions to OrderImported: either may land first.
    expect([...types.slice(4)].sort()).toEqual(['MerchantOrderIdsSent', 'StockDecremented']);
    expect(await engine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId)).toHaveLength(1);
    // Imported: nothing is due any more.
    engine.clock.advance(3600_000);
    expect(await engine.reactions.sweepImportRetries()).toEqual({ retried: 0, errors: 0 });
  });

  it('leaves a failure parked once the retry budget is spent: only an operator re-drives it', async () => {
    await engine.commands.execute(
      new ChangeImportSettings(
        { retryPolicy: { initialDelaySeconds: 60, maxDelaySeconds: 3600, maxAttempts: 1 } },
        { commandId: 'policy', actor: 'operator:ann' },
      ),
    );
    const orderKey = await importWhileShopIsDown('CD-9002');
    expect((await engine.state(orderKey)).import).toMatchObject({ status: 'not_imported', parked: true });
    engine.clock.advance(24 * 3600_000);
    expect(await engine.reactions.sweepImportRetries()).toEqual({ retried: 0, errors: 0 });
  });
});
