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

  it("ignores an order with Lengow's values escaped and bounded in the reason, which the overview stores and shows", async () => {
    const status = `To\u0000Ship${'x'.repeat(200)}`;
    const shownStatus = `To\\u0000Ship${'x'.repeat(93)}… (207 characters)`;
    const statusStream = await lengowSends('STATUS-NUL-1', (order) => {
      order.marketplace_status = status;
    });
    const [ignored, ...afterIgnored] = await eventsOf(statusStream);
    expect(afterIgnored).toEqual([]);
    const reason = `current order's status [${shownStatus}] makes it unavailable to import for marketplace ${String(template.marketplace)}`;
    expect(ignored.type).toBe('OrderImportIgnored');
    expect(ignored.data).toMatchObject({ code: 'STATUS_NOT_IMPORTABLE', message: reason, marketplaceStatus: status });
    expect(await overviewOf('STATUS-NUL-1')).toMatchObject({
      importState: 'ignored',
      importIgnoreCode: 'STATUS_NOT_IMPORTABLE',
      importMessages: [reason],
      marketplaceStatus: shownStatus,
    });

    const elsewhereStream = await lengowSends('MOI-NUL-1', (order) => {
      order.merchant_order_id = ['SHOP-\u00001', 'SHOP-2'];
    });
    const [elsewhere] = await eventsOf(elsewhereStream);
    const elsewhereReason = 'already imported in the shop with the order ID SHOP-\\u00001, SHOP-2';
    expect(elsewhere.data).toMatchObject({ code: 'ALREADY_IMPORTED_ELSEWHERE', message: elsewhereReason });
    expect((await overviewOf('MOI-NUL-1'))?.importMessages).toEqual([elsewhereReason]);
    expect(await shopOrdersOf('STATUS-NUL-1')).toEqual([]);
    expect(await shopOrdersOf('MOI-NUL-1')).toEqual([]);
  });

  it('refuses ids the shop could not store before planning, naming each, and imports them at the limit', async () => {
    const { maxText } = SHOP_LIMITS;
    const withIds = (customerId: string, lineId: string, relayId: string) => (order: LengowOrder) => {
      order.marketplace_customer_id = customerId;
      order.packages[0].cart[0].marketplace_order_line_id = lineId;
      const [tracking] = order.packages[0].delivery.trackings as Record<string, unknown>[];
      tracking.relay = { id: relayId, name: 'Relais test' };
    };
    expect((template.packages[0].delivery.trackings as unknown[]).length).toBeGreaterThan(0);
    const stream = await lengowSends('IDS-1', withIds('C'.repeat(maxText + 1), 'L'.repeat(maxText + 1), 'RL\u00001'));

    const [failed, ...after] = await eventsOf(stream);
    expect(after).toEqual([]);
    expect(failed.data).toMatchObject({
      kind: 'permanent',
      failures: [
        {
          code: 'INVALID_LINE',
          message: `Lengow error: line ${'L'.repeat(100)}… (256 characters) has an invalid id: marketplace_order_line_id is longer than the shop stores (255 characters)`,
        },
        {
          code: 'INVALID_IDS',
          message: `Lengow error: the order's ids are not valid: marketplace_customer_id "${'C'.repeat(100)}… (256 characters)" is longer than the shop stores (255 characters); packages[0].delivery.trackings[0].relay.id "RL\\u00001" contains control characters`,
        },
      ],
    });
    expect(await shopOrdersOf('IDS-1')).toEqual([]);

    await lengowSends('IDS-1', withIds('C'.repeat(maxText), 'L'.repeat(maxText), 'RL-1'));
    const types = (await eventsOf(stream)).map((event) => event.type);
    expect(types.slice(0, 3)).toEqual(['OrderImportFailed', 'OrderImportPlanned', 'OrderImported']);
    const [shopOrder] = await shopOrdersOf('IDS-1');
    expect(shopOrder.relayId).toBe('RL-1');
    expect(shopOrder.customer.marketplaceCustomerId).toBe('C'.repeat(maxText));
    expect(shopOrder.lines.flatMap((shopLine) => shopLine.marketplaceLineIds)).toContain('L'.repeat(maxText));
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
