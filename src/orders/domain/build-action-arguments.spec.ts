import { buildActionArguments, type BuildActionArgumentsInput } from './build-action-arguments.js';
import type { ActionDefinition } from './marketplace-definition.js';
import { orderEvent } from './order-events.js';
import { carrierMapping, colissimo, definition, homeCarrier, NOW, snapshot } from './testing/order-fixtures.js';
import {
  historyOf,
  importOrder,
  later,
  requestRefund,
  shopChange,
  shopOrdersCreated,
  spec,
  STREAM,
} from './testing/order-scenario.js';

const order = {
  marketplaceCarrier: null,
  shippingMethod: 'Standard',
  deliveryCountry: 'FR',
  shippingAmount: 4.9,
  lines: ['DM-1', 'DM-2'],
  lineQuantities: {},
};
const shipment = {
  carrier: colissimo,
  trackingNumber: 'TRK1',
  trackingUrl: null,
  returnCarrier: null,
  returnTrackingNumber: null,
};

function build(overrides: Partial<BuildActionArgumentsInput> = {}) {
  return buildActionArguments({
    actionType: 'ship',
    definition: definition(),
    lengowStatus: 'waiting_shipment',
    order,
    shipment,
    carrierMapping: carrierMapping(),
    choices: {},
    now: NOW,
    ...overrides,
  });
}

/** A definition whose `ship` action has the given shape (argument descriptions default to free strings). */
function withShip(ship: Partial<ActionDefinition>) {
  const base = definition();
  return definition({ actions: { ...base.actions, ship: { ...base.actions.ship!, ...ship } } });
}

const failures = (result: ReturnType<typeof build>) =>
  result.ok ? [] : result.failures.map((failure) => `${failure.code}: ${failure.message}`);

describe('buildActionArguments (lengow-api.md §10.2)', () => {
  it('builds one ship action per line when the marketplace accepts `line`', () => {
    const result = build();
    expect(result).toEqual({
      ok: true,
      actions: [
        {
          line: 'DM-1',
          arguments: {
            carrier: 'COLISSIMO',
            tracking_number: 'TRK1',
            tracking_url: 'https://track.example/TRK1',
            shipping_method: 'Standard',
            line: 'DM-1',
          },
        },
        {
          line: 'DM-2',
          arguments: {
            carrier: 'COLISSIMO',
            tracking_number: 'TRK1',
            tracking_url: 'https://track.example/TRK1',
            shipping_method: 'Standard',
            line: 'DM-2',
          },
        },
      ],
    });
  });

  it('builds a single order-level action when the marketplace does not know lines', () => {
    const result = build({ definition: withShip({ optionalArgs: ['tracking_url'] }) });
    expect(result.ok && result.actions.map((action) => action.line)).toEqual([null]);
  });

  it('refuses a missing required argument without calling anyone', () => {
    expect(failures(build({ shipment: { ...shipment, trackingNumber: null } }))).toEqual([
      "ARGUMENT_REQUIRED: can't send action: tracking_number is required",
    ]);
    expect(failures(build({ shipment: { ...shipment, trackingNumber: '  ' } }))).toEqual([
      "ARGUMENT_REQUIRED: can't send action: tracking_number is required",
    ]);
  });

  it('prefers the carrier the marketplace sent with the order', () => {
    const result = build({ order: { ...order, marketplaceCarrier: 'DHL' } });
    expect(result.ok && result.actions[0]?.arguments.carrier).toBe('DHL');
  });

  it('maps a carrier given by label to the code the marketplace expects', () => {
    const result = build({ order: { ...order, marketplaceCarrier: 'colissimo' } });
    expect(result.ok && result.actions[0]?.arguments.carrier).toBe('COLISSIMO');
  });

  it('refuses a carrier outside the valid values when free values are not accepted', () => {
    const result = build({
      shipment: { ...shipment, carrier: homeCarrier },
      carrierMapping: carrierMapping({ defaults: [] }),
    });
    expect(failures(result)).toEqual([
      "INVALID_ARGUMENT_VALUE: can't send action: My own van is not a valid value for carrier",
    ]);
  });

  it('sends the mapped carrier when the one the marketplace sent is not among its valid values', () => {
    const result = build({ order: { ...order, marketplaceCarrier: 'LAPOSTE' } });
    expect(result.ok && result.actions[0]?.arguments.carrier).toBe('COLISSIMO');
    // Without a mapping or default to fall back on, the marketplace's own carrier is refused by name.
    const bare = build({
      order: { ...order, marketplaceCarrier: 'LAPOSTE' },
      shipment: { ...shipment, carrier: homeCarrier },
      carrierMapping: carrierMapping({ defaults: [] }),
    });
    expect(failures(bare)).toEqual([
      "INVALID_ARGUMENT_VALUE: can't send action: LAPOSTE is not a valid value for carrier",
    ]);
  });

  it('needs the delivery country to resolve a required carrier the marketplace did not give', () => {
    expect(failures(build({ order: { ...order, deliveryCountry: null } }))).toEqual([
      "NO_DELIVERY_COUNTRY: can't find the delivery country in the order",
    ]);
  });

  it('sends carrier_name only when the carrier is "other"', () => {
    const named = build();
    expect(named.ok && named.actions[0]?.arguments).not.toHaveProperty('carrier_name');
    const other = build({ order: { ...order, marketplaceCarrier: 'OTHER' } });
    expect(other.ok && other.actions[0]?.arguments).toMatchObject({ carrier: 'Other', carrier_name: 'Colissimo' });
  });

  it('sends an optional shipping method only when the order has one, never the default', () => {
    const none = build({ order: { ...order, shippingMethod: null } });
    expect(none.ok && none.actions[0]?.arguments).not.toHaveProperty('shipping_method');
    const edited = build({ choices: { shipping_method: 'express' } });
    expect(edited.ok && edited.actions[0]?.arguments.shipping_method).toBe('Express');
  });

  it('refuses a required shipping method the order does not have', () => {
    const result = build({
      definition: withShip({ args: ['carrier', 'shipping_method'], optionalArgs: [] }),
      order: { ...order, shippingMethod: '' },
    });
    expect(failures(result)).toEqual(["ARGUMENT_REQUIRED: can't send action: shipping_method is required"]);
  });

  it('sends a tracking url only with a tracking number', () => {
    const withoutNumber = build({
      definition: withShip({ args: ['carrier'] }),
      shipment: { ...shipment, trackingNumber: null },
    });
    expect(withoutNumber.ok && withoutNumber.actions[0]?.arguments).toEqual({
      carrier: 'COLISSIMO',
      shipping_method: 'Standard',
      line: 'DM-1',
    });
    const explicit = build({ shipment: { ...shipment, trackingUrl: 'https://carrier.example/x' } });
    expect(explicit.ok && explicit.actions[0]?.arguments.tracking_url).toBe('https://carrier.example/x');
  });

  it('refuses a refund in a Lengow status the definition does not allow', () => {
    const refund = { actionType: 'refund' as const, choices: { refund_reason: 'RETURN' } };
    expect(failures(build({ ...refund, lengowStatus: 'refused' }))).toEqual([
      'ACTION_NOT_ALLOWED_IN_STATUS: refund action not available for this order_state: refused',
    ]);
    expect(failures(build({ ...refund, lengowStatus: null }))).toEqual([
      'ACTION_NOT_ALLOWED_IN_STATUS: refund action not available for this order_state: unknown',
    ]);
    expect(build({ ...refund, lengowStatus: 'closed' }).ok).toBe(true);
  });

  it('leaves ship and cancel to Lengow whatever the status last polled, as the plugins do (§4)', () => {
    // The definition allows both in waiting_shipment only; Lengow refuses what the marketplace does not take.
    for (const lengowStatus of ['partial_refunded', 'accepted', null]) {
      expect(failures(build({ lengowStatus }))).toEqual([]);
      expect(failures(build({ actionType: 'cancel', lengowStatus }))).toEqual([]);
    }
  });

  it('refuses an action the marketplace does not have', () => {
    expect(failures(build({ definition: definition({ actions: {} }) }))).toEqual([
      'ACTION_NOT_SUPPORTED: marketplace actions ship are not present',
    ]);
  });

  it('refuses a per-line action with required line when there is no line', () => {
    const result = build({
      definition: withShip({ args: ['carrier', 'line'], optionalArgs: [] }),
      order: { ...order, lines: [] },
    });
    expect(failures(result)).toEqual(['ORDER_LINE_REQUIRED: order line is required but cannot be not found in order']);
  });

  it('takes the cancel reason from the merchant choice, else from the default value', () => {
    const byDefault = build({ actionType: 'cancel', definition: definition() });
    expect(byDefault.ok && byDefault.actions[0]?.arguments).toEqual({ reason: 'OUT_OF_STOCK', line: 'DM-1' });
    const chosen = build({ actionType: 'cancel', choices: { reason: 'Customer request' } });
    expect(chosen.ok && chosen.actions[0]?.arguments.reason).toBe('CUSTOMER_REQUEST');
  });

  it('refuses a reason outside the valid values, and a missing one without default', () => {
    expect(failures(build({ actionType: 'cancel', choices: { reason: 'BORED' } }))).toEqual([
      "INVALID_ARGUMENT_VALUE: can't send action: BORED is not a valid value for reason",
    ]);
    expect(failures(build({ actionType: 'refund', lengowStatus: 'shipped' }))).toEqual([
      "ARGUMENT_REQUIRED: can't send action: refund_reason is required",
    ]);
  });

  it('sends one refund per refunded line with its quantity', () => {
    const result = build({
      actionType: 'refund',
      lengowStatus: 'shipped',
      choices: { refund_reason: 'RETURN' },
      order: { ...order, lines: ['DM-2'], lineQuantities: { 'DM-2': 1 } },
    });
    expect(result).toEqual({
      ok: true,
      actions: [{ line: 'DM-2', arguments: { refund_reason: 'RETURN', quantity: '1', line: 'DM-2' } }],
    });
  });

  it('formats prices and dates, and uses the default value of other required arguments', () => {
    const result = build({
      definition: withShip({
        args: ['carrier', 'shipping_price', 'shipping_date', 'invoice_number'],
        optionalArgs: ['comment'],
        argsDescription: {
          invoice_number: { type: 'string', validValues: {}, defaultValue: 'N/A', acceptFreeValues: true },
        },
      }),
    });
    expect(result.ok && result.actions[0]?.arguments).toEqual({
      carrier: 'COLISSIMO',
      shipping_price: '4.90',
      shipping_date: NOW,
      invoice_number: 'N/A',
    });
  });

  it('refuses a required argument with neither rule nor default instead of sending a placeholder', () => {
    const result = build({ definition: withShip({ args: ['carrier', 'invoice_number'], optionalArgs: [] }) });
    expect(failures(result)).toEqual(["ARGUMENT_REQUIRED: can't send action: invoice_number is required"]);
  });

  it('lists every failure once even with several lines', () => {
    const result = build({
      shipment: { ...shipment, trackingNumber: null, carrier: homeCarrier },
      carrierMapping: carrierMapping({ defaults: [] }),
    });
    expect(failures(result)).toEqual([
      "INVALID_ARGUMENT_VALUE: can't send action: My own van is not a valid value for carrier",
      "ARGUMENT_REQUIRED: can't send action: tracking_number is required",
    ]);
  });
});

describe('RequestRefund: whole order or some lines (lengow-api.md §11)', () => {
  /** Demo Market FR as the repro saw it: `refund` takes a reason and nothing that names a line or a quantity. */
  const withoutLine = (() => {
    const base = definition();
    return definition({
      actions: { ...base.actions, refund: { ...base.actions.refund!, args: ['refund_reason'], optionalArgs: [] } },
    });
  })();
  const delivered = (refund: ReturnType<typeof shopChange>) =>
    historyOf(
      importOrder(),
      shopOrdersCreated(),
      importOrder({ snapshot: snapshot({ marketplaceStatus: 'Delivered' }), now: later(5) }),
      refund,
    );
  const tryData = (
    scope: { kind: 'order' } | { kind: 'lines'; lines: { marketplaceLineId: string; quantity: number }[] },
  ) => ({
    actionType: 'refund' as const,
    requestKey: `${STREAM}:action:refund:1`,
    sequence: 1,
    tryKey: `${STREAM}:action:refund:1:try:1`,
    tryNumber: 1,
    shopOrderId: 'SO-1',
    changeId: 'chg-refund',
    scope,
    choices: { refund_reason: 'RETURN' },
  });
  const attempt = (line: string | null) =>
    `${STREAM}:action:refund:1:try:1:${line === null ? 'order' : `line:${line}`}`;

  it('rejects a refund of some lines on a marketplace that refunds whole orders only, posting nothing', () => {
    const lines = [{ marketplaceLineId: 'DM-1', quantity: 1 }];
    spec
      .given(delivered(shopChange('chg-refund', { kind: 'line_refunded', lines })))
      .when(requestRefund('chg-refund', { definition: withoutLine }))
      .then([
        orderEvent('ActionRejected', {
          ...tryData({ kind: 'lines', lines }),
          source: 'engine',
          failures: [
            {
              code: 'WHOLE_ORDER_ONLY',
              message:
                "Demo Market FR refunds whole orders only: a refund of some lines cannot be sent; refund them in the marketplace's back office",
            },
          ],
          at: later(11),
        }),
      ]);
  });

  it('sends one refund per refunded line with its quantity when the marketplace takes `line`', () => {
    const lines = [
      { marketplaceLineId: 'DM-1', quantity: 1 },
      { marketplaceLineId: 'DM-2', quantity: 1 },
    ];
    spec
      .given(delivered(shopChange('chg-refund', { kind: 'line_refunded', lines })))
      .when(requestRefund())
      .then([
        orderEvent('ActionRequested', {
          ...tryData({ kind: 'lines', lines }),
          actions: [
            {
              line: 'DM-1',
              arguments: { refund_reason: 'RETURN', quantity: '1', line: 'DM-1' },
              attemptKey: attempt('DM-1'),
            },
            {
              line: 'DM-2',
              arguments: { refund_reason: 'RETURN', quantity: '1', line: 'DM-2' },
              attemptKey: attempt('DM-2'),
            },
          ],
          at: later(11),
        }),
      ]);
  });

  it('still sends a whole-order refund as one order-level action when the marketplace does not take `line`', () => {
    spec
      .given(delivered(shopChange('chg-refund', { kind: 'refunded' })))
      .when(requestRefund('chg-refund', { definition: withoutLine }))
      .then([
        orderEvent('ActionRequested', {
          ...tryData({ kind: 'order' }),
          actions: [{ line: null, arguments: { refund_reason: 'RETURN' }, attemptKey: attempt(null) }],
          at: later(11),
        }),
      ]);
  });
});
