import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseMarketplaces } from '../../lengow/marketplace-definition.js';
import { toDomainMarketplaceDefinition } from '../lengow-mapping/to-domain-marketplace-definition.js';
import { buildActionArguments, type BuildActionArgumentsInput } from './build-action-arguments.js';
import type { ActionDefinition, ArgumentDescription, MarketplaceDefinition } from './marketplace-definition.js';
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

  it('names a dozen valid values at most when refusing one', () => {
    const base = definition();
    const carrier = base.actions.ship!.argsDescription.carrier!;
    const many = Object.fromEntries(
      Array.from({ length: 15 }, (_, index) => [`C${index + 1}`, `Carrier ${index + 1}`]),
    );
    const result = build({
      definition: withShip({
        argsDescription: { ...base.actions.ship!.argsDescription, carrier: { ...carrier, validValues: many } },
      }),
      shipment: { ...shipment, carrier: homeCarrier },
      carrierMapping: carrierMapping({ defaults: [] }),
    });
    expect(failures(result)).toEqual([
      "INVALID_ARGUMENT_VALUE: can't send action: My own van is not a valid value for carrier (valid: C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12 and 3 more)",
    ]);
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
      "INVALID_ARGUMENT_VALUE: can't send action: My own van is not a valid value for carrier (valid: COLISSIMO, DHL, Other)",
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
      "INVALID_ARGUMENT_VALUE: can't send action: LAPOSTE is not a valid value for carrier (valid: COLISSIMO, DHL, Other)",
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
      "INVALID_ARGUMENT_VALUE: can't send action: BORED is not a valid value for reason (valid: OUT_OF_STOCK, CUSTOMER_REQUEST)",
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
      "INVALID_ARGUMENT_VALUE: can't send action: My own van is not a valid value for carrier (valid: COLISSIMO, DHL, Other)",
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

/** A refund of some lines: `lines` maps each line to [refunded units, ordered units] (ordered null: not known). */
function lineRefund(
  definition: MarketplaceDefinition,
  lengowStatus: string,
  lines: Record<string, readonly [number, number | null]>,
  choices: Record<string, string>,
) {
  const entries = Object.entries(lines);
  return build({
    actionType: 'refund',
    definition,
    lengowStatus,
    choices,
    order: {
      ...order,
      lines: entries.map(([line]) => line),
      lineQuantities: Object.fromEntries(entries.map(([line, [refunded]]) => [line, refunded])),
      orderedQuantities: Object.fromEntries(
        entries.flatMap(([line, [, ordered]]) => (ordered === null ? [] : [[line, ordered]])),
      ),
    },
  });
}

const SAMPLES_DIR =
  process.env.LENGOW_SAMPLES_DIR ?? fileURLToPath(new URL('../../../../shared/lengow-samples/', import.meta.url));
const samplesAvailable = existsSync(SAMPLES_DIR);
if (!samplesAvailable)
  console.warn(`SKIPPED line refund sample tests: ${SAMPLES_DIR} is absent (set LENGOW_SAMPLES_DIR)`);
const describeSamples = samplesAvailable ? describe : describe.skip;

function sampleDefinition(file: string, code: string): MarketplaceDefinition {
  const parsed = parseMarketplaces(JSON.parse(readFileSync(`${SAMPLES_DIR}/${file}`, 'utf8')));
  const found = parsed?.definitions.get(code);
  if (!found) throw new Error(`${code} is not in ${file}`);
  return toDomainMarketplaceDefinition(found);
}

describeSamples('Refund of some lines on the real definitions (lengow-samples, lengow-api.md §11)', () => {
  // Cdiscount and Darty (PrestaShop fixtures): refund takes `reason_code` and an optional `line`, no quantity.
  const CONNECTOR = 'lengow-plugin-prestashop-fixture-connector-marketplaces.json';
  const cdiscount = () => sampleDefinition(CONNECTOR, 'cdiscount');
  const darty = () => sampleDefinition(CONNECTOR, 'darty');
  const reasonCode = { reason_code: 'DAMAGED' };

  it('given Cdiscount (line, no quantity), when 1 of the 3 units of a line is refunded, then nothing is sent', () => {
    expect(failures(lineRefund(cdiscount(), 'waiting_refund', { 'CD-1': [1, 3] }, reasonCode))).toEqual([
      "WHOLE_LINE_ONLY: Cdiscount refunds whole lines only: a refund of 1 of the 3 item(s) of line CD-1 cannot be sent; refund them in the marketplace's back office",
    ]);
  });

  it('given Cdiscount, when every unit of the line is refunded, then the line is sent without quantity', () => {
    expect(lineRefund(cdiscount(), 'waiting_refund', { 'CD-1': [3, 3] }, reasonCode)).toEqual({
      ok: true,
      actions: [{ line: 'CD-1', arguments: { reason_code: 'DAMAGED', line: 'CD-1' } }],
    });
  });

  it('given Darty, when one line is refunded whole and another in part, then the part is named, nothing sent', () => {
    expect(failures(lineRefund(darty(), 'waiting_refund', { 'D-1': [2, 2], 'D-2': [1, 2] }, reasonCode))).toEqual([
      "WHOLE_LINE_ONLY: Darty refunds whole lines only: a refund of 1 of the 2 item(s) of line D-2 cannot be sent; refund them in the marketplace's back office",
    ]);
  });

  it("given Cdiscount, when the line's ordered quantity is not known, then the refund is not taken as whole", () => {
    expect(failures(lineRefund(cdiscount(), 'waiting_refund', { 'CD-1': [1, null] }, reasonCode))).toEqual([
      "WHOLE_LINE_ONLY: Cdiscount refunds whole lines only: a refund of 1 item(s) of line CD-1 cannot be sent; refund them in the marketplace's back office",
    ]);
  });

  it('given Amazon FR (line, prices, no quantity), when part of a line is refunded, then nothing is sent', () => {
    const amazon = sampleDefinition('lengow-plugin-prestashop-unit-marketplace-amazon-fr.json', 'amazon_fr');
    expect(failures(lineRefund(amazon, 'shipped', { 'A-1': [1, 2] }, { reason: 'CustomerReturn' }))).toEqual([
      "WHOLE_LINE_ONLY: Amazon FR refunds whole lines only: a refund of 1 of the 2 item(s) of line A-1 cannot be sent; refund them in the marketplace's back office",
    ]);
  });

  describe('given Zalando (WooCommerce mock: optional `line` and `refund_quantity`)', () => {
    const zalando = () => sampleDefinition('lengow-plugin-woocommerce-mock-marketplace-sample.json', 'zalando');

    it('when 1 of 2 units is refunded, then refund_quantity carries it, whatever the merchant chose for it', () => {
      const result = lineRefund(zalando(), 'shipped', { 'Z-1': [1, 2] }, { refund_quantity: '2' });
      expect(result).toEqual({
        ok: true,
        actions: [{ line: 'Z-1', arguments: { refund_reason: '1', refund_quantity: '1', line: 'Z-1' } }],
      });
    });

    it('when the whole order is refunded, then each line goes without refund_quantity', () => {
      const result = build({ actionType: 'refund', definition: zalando(), lengowStatus: 'shipped' });
      expect(result.ok && result.actions.map((action) => action.arguments)).toEqual([
        { refund_reason: '1', line: 'DM-1' },
        { refund_reason: '1', line: 'DM-2' },
      ]);
    });
  });
});

describe('Quantity and refund mode of a refund of some lines', () => {
  const plain = (): ArgumentDescription => ({
    type: 'string',
    validValues: {},
    defaultValue: null,
    acceptFreeValues: true,
  });
  const mode = (validValues: Record<string, string>, defaultValue: string): ArgumentDescription => ({
    type: 'list',
    validValues,
    defaultValue,
    acceptFreeValues: false,
  });
  /** The fixture's refund (`refund_reason`, optional `line`), with other arguments. */
  function withRefund(
    args: readonly string[],
    optionalArgs: readonly string[],
    more: Record<string, ArgumentDescription>,
  ) {
    const base = definition();
    const refund = base.actions.refund!;
    return definition({
      actions: {
        ...base.actions,
        refund: {
          ...refund,
          args: ['refund_reason', ...args],
          optionalArgs: ['line', ...optionalArgs],
          argsDescription: { ...refund.argsDescription, ...more },
        },
      },
    });
  }
  const reason = { refund_reason: 'RETURN' };
  const argumentsOf = (result: ReturnType<typeof build>) =>
    result.ok ? result.actions.map((a) => a.arguments) : failures(result);

  it('given a refund argument of type quantity under another name, when a line is refunded, then it is filled', () => {
    const returned = withRefund([], ['returned_units'], { returned_units: { ...plain(), type: 'quantity' } });
    expect(argumentsOf(lineRefund(returned, 'shipped', { 'DM-1': [1, 2] }, reason))).toEqual([
      { refund_reason: 'RETURN', returned_units: '1', line: 'DM-1' },
    ]);
  });

  it('leaves ship alone: its shipped_quantity is no refunded quantity', () => {
    const base = definition();
    const ship = base.actions.ship!;
    const shipping = definition({
      actions: {
        ...base.actions,
        ship: {
          ...ship,
          optionalArgs: [...ship.optionalArgs, 'shipped_quantity'],
          argsDescription: { ...ship.argsDescription, shipped_quantity: { ...plain(), type: 'quantity' } },
        },
      },
    });
    const result = build({ definition: shipping, choices: { shipped_quantity: '1' } });
    expect(result.ok && result.actions[0]?.arguments.shipped_quantity).toBe('1');
  });

  describe('given refund_mode full (default) / partial, optional', () => {
    const withMode = () =>
      withRefund([], ['quantity', 'refund_mode'], {
        quantity: { ...plain(), type: 'integer' },
        refund_mode: mode({ full: 'Full refund', partial: 'Partial refund' }, 'full'),
      });

    it('when some lines are refunded and the merchant chose nothing, then the mode is partial', () => {
      expect(argumentsOf(lineRefund(withMode(), 'shipped', { 'DM-1': [1, 2], 'DM-2': [1, 1] }, reason))).toEqual([
        { refund_reason: 'RETURN', quantity: '1', refund_mode: 'partial', line: 'DM-1' },
        { refund_reason: 'RETURN', quantity: '1', refund_mode: 'partial', line: 'DM-2' },
      ]);
    });

    it('when the whole order is refunded, then the default mode stays', () => {
      const result = build({ actionType: 'refund', definition: withMode(), lengowStatus: 'shipped', choices: reason });
      expect(result.ok && result.actions.map((action) => action.arguments.refund_mode)).toEqual(['full', 'full']);
    });

    it('when the merchant chose a mode, then the choice wins, given by code or by label', () => {
      for (const refund_mode of ['full', 'Full refund']) {
        const result = lineRefund(withMode(), 'shipped', { 'DM-1': [1, 2] }, { ...reason, refund_mode });
        expect(result.ok && result.actions[0]?.arguments.refund_mode).toBe('full');
      }
    });
  });

  it('given refund_mode with a partial value named by its label only, when lines are refunded, then its code goes', () => {
    const required = withRefund(['refund_mode'], ['quantity'], {
      quantity: { ...plain(), type: 'integer' },
      refund_mode: mode({ T: 'Total', P: 'Partial' }, 'T'),
    });
    const result = lineRefund(required, 'shipped', { 'DM-1': [2, 2] }, reason);
    expect(result.ok && result.actions[0]?.arguments.refund_mode).toBe('P');
  });

  it('given a refund_mode without a partial value, when some lines are refunded, then the default goes', () => {
    const fullOnly = withRefund([], ['quantity', 'refund_mode'], {
      refund_mode: mode({ full: 'Full refund' }, 'full'),
    });
    const result = lineRefund(fullOnly, 'shipped', { 'DM-1': [1, 2] }, reason);
    expect(result.ok && result.actions[0]?.arguments.refund_mode).toBe('full');
  });
});

describe('RequestRefund of part of a line (lengow-api.md §11)', () => {
  /** `refund` takes `line` but no quantity, as Cdiscount and Darty in the samples. */
  const withoutQuantity = (() => {
    const base = definition();
    return definition({
      actions: { ...base.actions, refund: { ...base.actions.refund!, optionalArgs: ['line'] } },
    });
  })();
  const delivered = (refund: ReturnType<typeof shopChange>) =>
    historyOf(
      importOrder(),
      shopOrdersCreated(),
      importOrder({ snapshot: snapshot({ marketplaceStatus: 'Delivered' }), now: later(5) }),
      refund,
    );
  const base = (lines: { marketplaceLineId: string; quantity: number }[]) => ({
    actionType: 'refund' as const,
    requestKey: `${STREAM}:action:refund:1`,
    sequence: 1,
    tryKey: `${STREAM}:action:refund:1:try:1`,
    tryNumber: 1,
    shopOrderId: 'SO-1',
    changeId: 'chg-refund',
    scope: { kind: 'lines' as const, lines },
    choices: { refund_reason: 'RETURN' },
  });

  it('rejects 1 of the 2 units of DM-1 on a marketplace without quantity (ordered quantity from the shop order)', () => {
    const lines = [{ marketplaceLineId: 'DM-1', quantity: 1 }];
    spec
      .given(delivered(shopChange('chg-refund', { kind: 'line_refunded', lines })))
      .when(requestRefund('chg-refund', { definition: withoutQuantity }))
      .then([
        orderEvent('ActionRejected', {
          ...base(lines),
          source: 'engine',
          failures: [
            {
              code: 'WHOLE_LINE_ONLY',
              message:
                "Demo Market FR refunds whole lines only: a refund of 1 of the 2 item(s) of line DM-1 cannot be sent; refund them in the marketplace's back office",
            },
          ],
          at: later(11),
        }),
      ]);
  });

  it('sends the whole of DM-2 (1 of 1) as its line, without quantity', () => {
    const lines = [{ marketplaceLineId: 'DM-2', quantity: 1 }];
    spec
      .given(delivered(shopChange('chg-refund', { kind: 'line_refunded', lines })))
      .when(requestRefund('chg-refund', { definition: withoutQuantity }))
      .then([
        orderEvent('ActionRequested', {
          ...base(lines),
          actions: [
            {
              line: 'DM-2',
              arguments: { refund_reason: 'RETURN', line: 'DM-2' },
              attemptKey: `${STREAM}:action:refund:1:try:1:line:DM-2`,
            },
          ],
          at: later(11),
        }),
      ]);
  });
});
