import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OverviewQueries } from '../../src/orders/projections/overview-queries.js';
import { SHOP_LIMITS } from '../../src/shop/shop-limits.js';
import { TestEngine } from '../support/engine.js';
import { checkPostgres, describeWithService, dropSchema, freshSchemaName } from '../support/services.js';

const SEED = 43;
const postgres = await checkPostgres();

type LengowOrder = Record<string, unknown> & {
  billing_address: Record<string, unknown>;
  packages: { delivery: Record<string, unknown>; cart: Record<string, unknown>[] }[];
};

/**
 * Orders whose data the shop cannot take as Lengow sent it, through the whole engine (emulator over HTTP, importer,
 * decider, sagas, built-in shop, overview): refused on the order with the field and the value named, nothing created
 * in the shop; the copy Lengow sends once corrected is decided afresh and imported.
 */
function refusals(start: () => Promise<TestEngine>, stop: (harness: TestEngine) => Promise<void>) {
  let harness: TestEngine;
  let template: LengowOrder;

  beforeAll(async () => {
    harness = await start();
    await harness.importAndSettle();
    const { orders } = harness.sandbox!.state;
    let index = 0;
    while (orders.skeletonOf(index).importCase !== 'standard') index++;
    const { marketplace, marketplaceOrderId } = orders.skeletonOf(index);
    const response = await fetch(`${harness.sandbox!.url}/_sandbox/orders/${marketplace}/${marketplaceOrderId}`);
    template = (await response.json()) as LengowOrder;
  }, 120_000);
  afterAll(() => (harness ? stop(harness) : undefined));

  /** Lengow sends this version of the order (a copy of the template under `id`, updated now); one run imports it. */
  async function lengowSends(id: string, change: (order: LengowOrder) => void): Promise<string> {
    const order = structuredClone(template);
    order.marketplace_order_id = id;
    // The template was imported already: its merchant order ids would make the copy "imported elsewhere".
    order.merchant_order_id = null;
    order.updated_at = new Date().toISOString();
    change(order);
    const response = await fetch(`${harness.sandbox!.url}/_sandbox/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(order),
    });
    expect(response.status).toBeLessThan(300);
    await harness.importAndSettle();
    return `order-${String(order.marketplace)}-${id}`;
  }

  const eventsOf = (stream: string) => harness.store.readStream(stream);
  const shopOrdersOf = (id: string) => harness.shop.listOrdersFor(String(template.marketplace), id);
  const overviewOf = (id: string) =>
    harness.engine.app
      .get(OverviewQueries, { strict: false })
      .get({ marketplace: String(template.marketplace), marketplaceOrderId: id });

  it('refuses a line quantity past the shop limit on the order, creates nothing, and imports the corrected copy', async () => {
    const sold = Number(template.packages[0].cart[0].quantity);
    const stream = await lengowSends('HUGE-1', (order) => {
      order.packages[0].cart[0].quantity = 1e12;
    });

    const [failed, ...after] = await eventsOf(stream);
    expect(after).toEqual([]);
    expect(failed.type).toBe('OrderImportFailed');
    const line = String(template.packages[0].cart[0].marketplace_order_line_id);
    expect(failed.data).toMatchObject({
      kind: 'permanent',
      failures: [
        {
          code: 'INVALID_LINE',
          message: `Lengow error: line ${line} has an invalid quantity or amount: quantity 1000000000000 is more than the shop takes (${SHOP_LIMITS.maxQuantity})`,
        },
      ],
    });
    expect(await shopOrdersOf('HUGE-1')).toEqual([]);
    expect((await overviewOf('HUGE-1'))?.importMessages).toEqual([
      (failed.data.failures as { message: string }[])[0].message,
    ]);

    await lengowSends('HUGE-1', (order) => {
      order.packages[0].cart[0].quantity = sold;
    });
    const types = (await eventsOf(stream)).map((event) => event.type);
    expect(types.slice(0, 3)).toEqual(['OrderImportFailed', 'OrderImportPlanned', 'OrderImported']);
    const [shopOrder] = await shopOrdersOf('HUGE-1');
    expect(shopOrder.lines[0].quantity).toBe(sold);
  });

  it('imports an amount finer than a cent, rounded by the shop, rather than leaving the order stuck', async () => {
    const stream = await lengowSends('FINE-1', (order) => {
      order.shipping = 4.995;
    });
    expect((await eventsOf(stream)).map((event) => event.type).slice(0, 2)).toEqual([
      'OrderImportPlanned',
      'OrderImported',
    ]);
    const [shopOrder] = await shopOrdersOf('FINE-1');
    expect(shopOrder.shippingCents).toBe(500);
  });

  it('cleans control characters out of names, keeps emoji, refuses a city nothing is left of, and imports it corrected', async () => {
    const dirtyNames = (order: LengowOrder) => {
      Object.assign(order.billing_address, {
        first_name: 'Zo\u00eb\u0007',
        last_name: 'Mar\u0000tin \ud83d\udc69\u200d\ud83d\udd2c',
        full_name: 'Zo\u00eb\u0007 Mar\u0000tin \ud83d\udc69\u200d\ud83d\udd2c',
      });
    };
    const city = String(template.packages[0].delivery.city);
    const stream = await lengowSends('CTRL-1', (order) => {
      dirtyNames(order);
      order.packages[0].delivery.city = '\u0000\u0000';
    });

    const [failed, ...after] = await eventsOf(stream);
    expect(after).toEqual([]);
    expect(failed.data).toMatchObject({
      failures: [
        {
          code: 'INVALID_ADDRESS',
          message:
            'Lengow error: the delivery address is not valid: city "\\u0000\\u0000" is blank once stripped of control characters and lone surrogates',
        },
      ],
    });
    expect(await shopOrdersOf('CTRL-1')).toEqual([]);
    // The read models hold the names cleaned, the reason escaped (PostgreSQL refuses NUL in text).
    expect(await overviewOf('CTRL-1')).toMatchObject({
      customerName: 'Zoë Martin 👩‍🔬',
      importMessages: [(failed.data.failures as { message: string }[])[0].message],
    });

    await lengowSends('CTRL-1', (order) => {
      dirtyNames(order);
      order.packages[0].delivery.city = city;
    });
    const events = await eventsOf(stream);
    expect(events.slice(0, 3).map((event) => event.type)).toEqual([
      'OrderImportFailed',
      'OrderImportPlanned',
      'OrderImported',
    ]);
    const plan = events[1].data.plan as { filledIn: unknown[] };
    expect(plan.filledIn).toEqual(
      expect.arrayContaining([
        { address: 'billing', field: 'firstName', value: 'Zoë', raw: 'Zo\u00eb\u0007' },
        { address: 'billing', field: 'lastName', value: 'Martin 👩‍🔬', raw: 'Mar\u0000tin 👩‍🔬' },
      ]),
    );
    const [shopOrder] = await shopOrdersOf('CTRL-1');
    expect(shopOrder.customer).toMatchObject({ firstName: 'Zoë', lastName: 'Martin 👩‍🔬' });
    expect(shopOrder.billingAddress).toMatchObject({ firstName: 'Zoë', lastName: 'Martin 👩‍🔬' });
    expect(shopOrder.deliveryAddress.city).toBe(city);
  });
}

describe('orders the shop cannot take as Lengow sent them, on the whole engine (SQLite)', () => {
  refusals(
    () => TestEngine.start({ seed: SEED, orders: 3 }),
    (harness) => harness.close(),
  );
});

describeWithService(
  postgres,
  'orders the shop cannot take as Lengow sent them, on the whole engine (PostgreSQL)',
  () => {
    const schema = freshSchemaName('refusals');
    refusals(
      () => TestEngine.start({ seed: SEED, orders: 3, postgresSchema: schema }),
      async (harness) => {
        await harness.close();
        await dropSchema(schema);
      },
    );
  },
);
