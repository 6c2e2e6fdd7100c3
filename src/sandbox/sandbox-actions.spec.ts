import { startSandbox, type Sandbox } from './sandbox-server.js';

const ANCHOR = Date.parse('2025-03-10T12:00:00Z');
type Json = Record<string, unknown>;
type Envelope = { count: number; next: string | null; previous: string | null; results: Json[] };

describe('Lengow sandbox: actions', () => {
  let clock = ANCHOR;
  let sandbox: Sandbox;
  let token: string;
  let manifestOrders: { marketplace: string; marketplace_order_id: string; case: string }[];

  beforeAll(async () => {
    sandbox = await startSandbox({
      seed: 21,
      orderCount: 400,
      anchor: new Date(ANCHOR),
      now: () => new Date(clock),
      actionProcessingDelayMs: 1000,
    });
    const response = await fetch(`${sandbox.url}/access/get_token`, {
      method: 'POST',
      body: new URLSearchParams({ access_token: 'k', secret: 's' }),
    });
    token = ((await response.json()) as { token: string }).token;
    manifestOrders = (
      (await (await fetch(`${sandbox.url}/_sandbox/manifest?orders=1`)).json()) as { orders: typeof manifestOrders }
    ).orders;
  });
  afterAll(() => sandbox.close());

  const used = new Set<string>();
  /** A fresh generated order of this case on this marketplace (each test gets its own). */
  function orderOf(importCase: string, marketplace: string): { marketplace: string; marketplace_order_id: string } {
    const found = manifestOrders.find(
      (o) => o.case === importCase && o.marketplace === marketplace && !used.has(o.marketplace_order_id),
    );
    if (!found) throw new Error(`no unused ${importCase} order on ${marketplace}`);
    used.add(found.marketplace_order_id);
    return { marketplace: found.marketplace, marketplace_order_id: found.marketplace_order_id };
  }

  const post = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${sandbox.url}/v3.0/orders/actions/`, {
      method: 'POST',
      headers: { Authorization: token, ...headers },
      body: new URLSearchParams({ account_id: '4242', ...fields }),
    });
  const list = async (params: Record<string, string>): Promise<Envelope> => {
    const response = await fetch(
      `${sandbox.url}/v3.0/orders/actions/?${new URLSearchParams({ account_id: '4242', ...params })}`,
      { headers: { Authorization: token } },
    );
    expect(response.status).toBe(200);
    return (await response.json()) as Envelope;
  };
  const orderNow = async (o: { marketplace: string; marketplace_order_id: string }): Promise<Json> => {
    const response = await fetch(`${sandbox.url}/v3.0/orders?${new URLSearchParams({ account_id: '4242', ...o })}`, {
      headers: { Authorization: token },
    });
    return ((await response.json()) as Envelope).results[0];
  };
  /** Sends an action, lets the marketplace answer, and returns the processed action. */
  async function processed(fields: Record<string, string>): Promise<Json> {
    const response = await post(fields);
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: number };
    clock += 1001;
    const { results } = await list({ id: String(id) });
    expect(results[0]).toMatchObject({ id, queued: false, processed: true });
    return results[0];
  }

  it('queues a ship action, finds it with the queued=True duplicate guard, then accepts it and ships the order', async () => {
    const target = orderOf('standard', 'amazon_fr');
    const before = await orderNow(target);
    const fields = {
      ...target,
      action_type: 'ship',
      carrier: 'Colissimo',
      shipping_method: 'Standard',
      tracking_number: '6A12345678901',
    };
    const response = await post(fields);
    expect(response.status).toBe(201);
    const created = (await response.json()) as Json;
    expect(created).toMatchObject({
      ...target,
      action_type: 'ship',
      queued: true,
      processed: false,
      errors: '',
      carrier: 'Colissimo',
      tracking_number: '6A12345678901',
      line: null,
    });
    for (const field of [
      'id',
      'account_id',
      'tracking_url',
      'custom_carrier',
      'shipping_method',
      'created_at',
      'updated_at',
    ])
      expect(created).toHaveProperty(field);
    expect(created.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);

    const guard = await list({ ...fields, queued: 'True' });
    expect(guard.count).toBe(1);
    expect(guard.results[0].id).toBe(created.id);
    expect((await list({ ...fields, tracking_number: 'OTHER', queued: 'True' })).count).toBe(0);

    clock += 1001;
    // The marketplace answers when the queue delay is over, and that instant is what updated_at records.
    const due = Date.parse(String(created.created_at)) + 1000;
    const done = (await list({ id: String(created.id) })).results[0];
    expect(done).toMatchObject({ queued: false, processed: true, errors: null });
    expect(Date.parse(String(done.updated_at))).toBe(due);
    expect((await list({ ...fields, queued: 'True' })).count).toBe(0);

    const after = await orderNow(target);
    expect(after).toMatchObject({ marketplace_status: 'Shipped', lengow_status: 'shipped' });
    expect(Date.parse(String(after.updated_at))).toBe(due);
    expect(Date.parse(String(after.updated_at))).toBeGreaterThan(Date.parse(String(before.updated_at)));
    const tracking = ((after.packages as Json[])[0].delivery as { trackings: Json[] }).trackings[0];
    expect(tracking).toMatchObject({ carrier: 'Colissimo', number: '6A12345678901' });
    const recent = await (
      await fetch(
        `${sandbox.url}/v3.0/orders?account_id=4242&updated_from=${encodeURIComponent(new Date(due).toISOString())}`,
        { headers: { Authorization: token } },
      )
    ).json();
    expect((recent as Envelope).results.map((o) => o.marketplace_order_id)).toContain(target.marketplace_order_id);
  });

  it('refuses, with errors, a missing required argument, a carrier outside the list, and a wrong status', async () => {
    const laredoute = orderOf('standard', 'laredoute');
    const missing = await processed({ ...laredoute, action_type: 'ship', carrier: 'COLISSIMO' });
    expect(missing.errors).toBe('tracking_number is required');
    const badCarrier = await processed({ ...laredoute, action_type: 'ship', carrier: 'PIGEON', tracking_number: 'X1' });
    expect(badCarrier.errors).toMatch(/^carrier: "PIGEON" is not a valid value \(expected one of COLISSIMO, /);
    const unchanged = await orderNow(laredoute);
    expect(unchanged.marketplace_status).toBe('SHIPPING');

    const canceled = orderOf('status_canceled', 'laredoute');
    const wrongState = await processed({
      ...canceled,
      action_type: 'ship',
      carrier: 'COLISSIMO',
      tracking_number: 'X2',
    });
    expect(wrongState.errors).toBe(
      'action ship is not allowed for an order in status canceled (allowed: waiting_shipment)',
    );
  });

  it('applies depends_on: carrier_name only with carrier Other, and required with it', async () => {
    const amazon = orderOf('standard', 'amazon_fr');
    const named = await processed({
      ...amazon,
      action_type: 'ship',
      carrier: 'DHL',
      shipping_method: 'Standard',
      carrier_name: 'DHL Express',
    });
    expect(named.errors).toBe('carrier_name is only accepted when carrier is Other');
    const unnamed = await processed({ ...amazon, action_type: 'ship', carrier: 'Other', shipping_method: 'Standard' });
    expect(unnamed.errors).toBe('carrier_name is required when carrier is Other');
    const ok = await processed({
      ...amazon,
      action_type: 'ship',
      carrier: 'Other',
      carrier_name: 'Transports Martin',
      shipping_method: 'Standard',
    });
    expect(ok.errors).toBeNull();
    expect((await orderNow(amazon)).lengow_status).toBe('shipped');
  });

  it('accepts free carrier values where the marketplace allows them (Fnac)', async () => {
    const fnac = orderOf('standard', 'fnac');
    expect((await processed({ ...fnac, action_type: 'ship', carrier: 'Transporteur local' })).errors).toBeNull();
    expect((await orderNow(fnac)).marketplace_status).toBe('Shipped');
  });

  it('ships line by line: the order follows once every live line is shipped; unknown lines are refused', async () => {
    const order = {
      marketplace: 'laredoute',
      marketplace_order_id: 'LR-LINES-1',
      marketplace_status: 'SHIPPING',
      lengow_status: 'waiting_shipment',
      updated_at: new Date(ANCHOR - 3600_000).toISOString(),
      packages: [
        {
          delivery: { id: 1, common_country_iso_a2: 'FR', trackings: [] },
          cart: [
            { marketplace_order_line_id: 'L1', marketplace_status: 'SHIPPING', quantity: 1 },
            { marketplace_order_line_id: 'L2', marketplace_status: 'SHIPPING', quantity: 1 },
            { marketplace_order_line_id: 'L3', marketplace_status: 'CANCELED', quantity: 1 },
          ],
        },
      ],
    };
    const added = await fetch(`${sandbox.url}/_sandbox/orders`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(order),
    });
    expect(added.status).toBe(201);
    const key = { marketplace: 'laredoute', marketplace_order_id: 'LR-LINES-1' };
    const statuses = async () =>
      ((await orderNow(key)).packages as { cart: Json[] }[])[0].cart.map((l) => l.marketplace_status);

    expect(
      (await processed({ ...key, action_type: 'ship', line: 'L9', carrier: 'DPD', tracking_number: 'T0' })).errors,
    ).toBe('line L9 does not exist in order LR-LINES-1');
    expect(
      (await processed({ ...key, action_type: 'ship', line: 'L1', carrier: 'DPD', tracking_number: 'T1' })).errors,
    ).toBeNull();
    expect(await statuses()).toEqual(['SHIPPED', 'SHIPPING', 'CANCELED']);
    expect((await orderNow(key)).marketplace_status).toBe('SHIPPING');
    expect(
      (await processed({ ...key, action_type: 'ship', line: 'L2', carrier: 'DPD', tracking_number: 'T2' })).errors,
    ).toBeNull();
    expect(await statuses()).toEqual(['SHIPPED', 'SHIPPED', 'CANCELED']);
    expect((await orderNow(key)).marketplace_status).toBe('SHIPPED');
  });

  it('cancels, refunds and accepts with the marketplace arguments', async () => {
    const toCancel = orderOf('standard', 'cdiscount');
    expect((await processed({ ...toCancel, action_type: 'cancel' })).errors).toBe('reason is required');
    expect((await processed({ ...toCancel, action_type: 'cancel', reason: 'OUT_OF_STOCK' })).errors).toBeNull();
    expect(await orderNow(toCancel)).toMatchObject({
      marketplace_status: 'CancelledByCustomer',
      lengow_status: 'canceled',
    });

    const toRefund = orderOf('status_shipped', 'manomano');
    const partial = await processed({ ...toRefund, action_type: 'refund', refund_reason: 'damaged' });
    expect(partial.errors).toBe('refund_mode is required');
    expect(
      (await processed({ ...toRefund, action_type: 'refund', refund_reason: 'damaged', refund_mode: 'total' })).errors,
    ).toBeNull();
    expect(await orderNow(toRefund)).toMatchObject({ marketplace_status: 'REFUNDED', lengow_status: 'refunded' });

    const toAccept = orderOf('status_waiting_acceptance', 'cdiscount');
    expect((await processed({ ...toAccept, action_type: 'accept' })).errors).toBeNull();
    expect(await orderNow(toAccept)).toMatchObject({
      marketplace_status: 'AcceptedBySeller',
      lengow_status: 'accepted',
    });
  });

  it('refuses malformed action requests at once with a 4xx error envelope', async () => {
    const target = orderOf('standard', 'manomano');
    const cases: [Promise<Response>, number, RegExp][] = [
      [post({ ...target }), 400, /action_type is required/],
      [post({ ...target, action_type: 'accept' }), 400, /action accept is not valid for marketplace manomano/],
      [
        post({ ...target, marketplace: 'nowhere', action_type: 'ship' }),
        400,
        /nowhere does not feature in the marketplace list/,
      ],
      [
        post({ marketplace: 'manomano', marketplace_order_id: 'NOPE', action_type: 'ship' }),
        404,
        /order NOPE not found/,
      ],
      [
        fetch(`${sandbox.url}/v3.0/orders/actions/`, {
          method: 'POST',
          headers: { Authorization: token, 'Content-Type': 'application/json' },
          body: JSON.stringify({ account_id: 4242, ...target, action_type: 'ship' }),
        }),
        400,
        /expects an application\/x-www-form-urlencoded body, got JSON/,
      ],
      [
        fetch(`${sandbox.url}/v3.0/orders/actions/`, {
          method: 'POST',
          headers: { Authorization: token, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'account_id=4242&a=1&a=2&action_type=ship',
        }),
        400,
        /a was given 2 times/,
      ],
      [
        fetch(`${sandbox.url}/v3.0/orders/actions/`, {
          method: 'POST',
          headers: { Authorization: token, 'Content-Type': 'text/plain' },
          body: 'account_id=4242',
        }),
        400,
        /got text\/plain/,
      ],
    ];
    for (const [request, status, message] of cases) {
      const response = await request;
      expect(response.status).toBe(status);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(message);
    }
  });

  it('lists actions by marketplace_order_id and by updated window, paged in the list envelope', async () => {
    const target = orderOf('standard', 'veepee');
    const start = clock;
    for (const number of ['V1', 'V2', 'V3'])
      expect((await post({ ...target, action_type: 'ship', carrier: 'DPD', tracking_number: number })).status).toBe(
        201,
      );
    const page1 = await list({ marketplace_order_id: target.marketplace_order_id, page_size: '2' });
    expect(page1.count).toBe(3);
    expect(page1.results.map((a) => a.tracking_number)).toEqual(['V1', 'V2']);
    expect(page1.next).toContain('page=2');
    const page2 = await list({ marketplace_order_id: target.marketplace_order_id, page_size: '2', page: '2' });
    expect(page2.results.map((a) => a.tracking_number)).toEqual(['V3']);
    expect(page2.next).toBeNull();
    const window = await list({
      updated_from: new Date(start).toISOString(),
      updated_to: new Date(start).toISOString(),
    });
    expect(window.results.map((a) => a.tracking_number)).toEqual(['V1', 'V2', 'V3']);
    const bad = await fetch(`${sandbox.url}/v3.0/orders/actions/?account_id=4242&queued=maybe`, {
      headers: { Authorization: token },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toBe(
      'queued must be True or False, got "maybe"',
    );
  });
});

describe('Lengow sandbox: action phases', () => {
  it('goes queued → sent (queued false, processed false) → processed', async () => {
    let clock = ANCHOR;
    const sandbox = await startSandbox({
      seed: 4,
      orderCount: 100,
      anchor: new Date(ANCHOR),
      now: () => new Date(clock),
      actionProcessingDelayMs: 500,
      actionSentPhaseMs: 2000,
    });
    try {
      const token = (
        (await (
          await fetch(`${sandbox.url}/access/get_token`, {
            method: 'POST',
            body: new URLSearchParams({ access_token: 'k', secret: 's' }),
          })
        ).json()) as { token: string }
      ).token;
      const order = sandbox.state.orders.skeletonOf(0);
      const definition = sandbox.state.marketplaces[order.marketplace];
      const response = await fetch(`${sandbox.url}/v3.0/orders/actions/`, {
        method: 'POST',
        headers: { Authorization: token },
        body: new URLSearchParams({
          account_id: '4242',
          marketplace: order.marketplace,
          marketplace_order_id: order.marketplaceOrderId,
          action_type: Object.keys(definition.orders.actions)[0],
        }),
      });
      const { id } = (await response.json()) as { id: number };
      const phase = async () => {
        const r = await fetch(`${sandbox.url}/v3.0/orders/actions/?account_id=4242&id=${id}`, {
          headers: { Authorization: token },
        });
        const a = ((await r.json()) as Envelope).results[0];
        return [a.queued, a.processed];
      };
      expect(await phase()).toEqual([true, false]);
      clock += 600;
      expect(await phase()).toEqual([false, false]);
      clock += 2000;
      expect(await phase()).toEqual([false, true]);
    } finally {
      await sandbox.close();
    }
  });
});
