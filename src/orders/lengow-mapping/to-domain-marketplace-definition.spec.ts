import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseMarketplaces } from '../../lengow/marketplace-definition.js';
import { defaultMarketplaces } from '../../sandbox/marketplaces.js';
import { buildActionArguments } from '../domain/build-action-arguments.js';
import { lengowStatusOf } from '../domain/lengow-status.js';
import { acceptsLine } from '../domain/marketplace-definition.js';
import { toDomainMarketplaceDefinition } from './to-domain-marketplace-definition.js';

const SAMPLES_DIR =
  process.env.LENGOW_SAMPLES_DIR ?? fileURLToPath(new URL('../../../../shared/lengow-samples/', import.meta.url));
const samplesAvailable = existsSync(SAMPLES_DIR);
if (!samplesAvailable)
  console.warn(`SKIPPED marketplace definition sample tests: ${SAMPLES_DIR} is absent (set LENGOW_SAMPLES_DIR)`);
const describeSamples = samplesAvailable ? describe : describe.skip;

function definitionsOf(raw: unknown) {
  const parsed = parseMarketplaces(raw);
  if (!parsed) throw new Error('not a marketplaces object');
  return parsed.definitions;
}

describe('toDomainMarketplaceDefinition', () => {
  it('keeps the status table, so the rules map marketplace statuses exactly as Lengow lists them', () => {
    const laredoute = toDomainMarketplaceDefinition(definitionsOf(defaultMarketplaces()).get('laredoute')!);
    const raw = defaultMarketplaces().laredoute.orders.status;
    for (const [lengowStatus, marketplaceStatuses] of Object.entries(raw)) {
      for (const marketplaceStatus of marketplaceStatuses ?? [])
        expect(lengowStatusOf(laredoute.statusTable, marketplaceStatus)).toBe(lengowStatus);
    }
    // Matching stays exact: a differently cased status is not mapped.
    expect(lengowStatusOf(laredoute.statusTable, 'shipping')).toBeNull();
  });

  it('freezes the status table, so a rule cannot change it for the next order', () => {
    const laredoute = toDomainMarketplaceDefinition(definitionsOf(defaultMarketplaces()).get('laredoute')!);
    expect(Object.isFrozen(laredoute.statusTable)).toBe(true);
    for (const list of Object.values(laredoute.statusTable)) expect(Object.isFrozen(list)).toBe(true);
  });

  it('flattens argument descriptions and turns non-text defaults into the text sent as a form field', () => {
    const [definition] = definitionsOf({
      demo: {
        name: '  Demo Market  ',
        orders: {
          status: { waiting_shipment: ['ToShip'] },
          actions: {
            ship: {
              status: ['waiting_shipment'],
              args: ['carrier'],
              optional_args: ['line', 'shipping_price'],
              args_description: {
                carrier: { type: 'string', valid_values: { DHL: { label: 'DHL Express' }, UPS: 'UPS' } },
                shipping_price: { type: 'price', default_value: 0 },
                line: { type: 'line_number', accept_free_values: true },
              },
            },
            accept: { status: ['waiting_acceptance'], args: [], optional_args: [], args_description: {} },
          },
          carriers: { DHL: { label: 'DHL Express', lengow_code: 'dhl' }, UPS: { label: null, lengow_code: '' } },
          shipping_methods: { Standard: { label: 'Standard', lengow_code: null } },
        },
      },
    }).values();
    const domain = toDomainMarketplaceDefinition(definition);
    expect(domain.code).toBe('demo');
    expect(domain.label).toBe('Demo Market');
    expect(domain.actions.ship).toEqual({
      status: ['waiting_shipment'],
      args: ['carrier'],
      optionalArgs: ['line', 'shipping_price'],
      argsDescription: {
        carrier: {
          type: 'string',
          validValues: { DHL: 'DHL Express', UPS: 'UPS' },
          defaultValue: null,
          // Absent in the definition means free values are accepted (lengow-api.md §4).
          acceptFreeValues: true,
        },
        shipping_price: { type: 'price', validValues: {}, defaultValue: '0', acceptFreeValues: true },
        line: { type: 'line_number', validValues: {}, defaultValue: null, acceptFreeValues: true },
      },
    });
    expect(Object.keys(domain.actions)).toEqual(['ship', 'accept']);
    expect(acceptsLine(domain.actions.ship!)).toBe(true);
    expect(domain.carriers).toEqual({
      DHL: { label: 'DHL Express', lengowCode: 'dhl' },
      UPS: { label: 'UPS', lengowCode: null },
    });
    expect(domain.shippingMethods).toEqual({ Standard: { label: 'Standard', lengowCode: null } });
  });

  it('falls back to the code as label when the definition has no name', () => {
    const [definition] = definitionsOf({ bare_market: { orders: {} } }).values();
    expect(toDomainMarketplaceDefinition(definition)).toEqual({
      code: 'bare_market',
      label: 'bare_market',
      statusTable: {},
      actions: {},
      carriers: {},
      shippingMethods: {},
    });
  });

  it('gives the action rules what they need: ManoMano ships with carrier Other plus the shop carrier name', () => {
    const manomano = toDomainMarketplaceDefinition(definitionsOf(defaultMarketplaces()).get('manomano')!);
    const result = buildActionArguments({
      actionType: 'ship',
      definition: manomano,
      lengowStatus: 'waiting_shipment',
      order: {
        marketplaceCarrier: null,
        shippingMethod: null,
        deliveryCountry: 'FR',
        shippingAmount: 4.9,
        lines: ['L-1'],
        lineQuantities: {},
      },
      shipment: {
        carrier: { id: '7', name: 'Coursier du coin' },
        trackingNumber: 'TRACK-1',
        trackingUrl: null,
        returnCarrier: null,
        returnTrackingNumber: null,
      },
      carrierMapping: {
        carriers: [],
        methods: [],
        defaults: [{ country: 'FR', importCarrier: null, shipCarrier: 'Other' }],
      },
      choices: {},
      now: '2025-03-10T12:00:00.000Z',
    });
    expect(result).toEqual({
      ok: true,
      actions: [
        {
          line: 'L-1',
          arguments: { carrier: 'Other', carrier_name: 'Coursier du coin', line: 'L-1', tracking_number: 'TRACK-1' },
        },
      ],
    });
  });
});

describeSamples('toDomainMarketplaceDefinition on the shared Lengow samples', () => {
  const load = (file: string): unknown => JSON.parse(readFileSync(`${SAMPLES_DIR}/${file}`, 'utf8'));

  it('maps the Amazon FR definition of the PrestaShop unit fixture', () => {
    const amazon = toDomainMarketplaceDefinition(
      definitionsOf(load('lengow-plugin-prestashop-unit-marketplace-amazon-fr.json')).get('amazon_fr')!,
    );
    expect(amazon.code).toBe('amazon_fr');
    expect(Object.keys(amazon.statusTable).length).toBeGreaterThan(0);
    const ship = amazon.actions.ship!;
    expect(ship.args).toEqual(expect.arrayContaining(['carrier']));
    for (const description of Object.values(ship.argsDescription)) {
      expect(typeof description.acceptFreeValues).toBe('boolean');
      expect(description.defaultValue === null || typeof description.defaultValue === 'string').toBe(true);
      for (const label of Object.values(description.validValues)) expect(typeof label).toBe('string');
    }
  });

  it('maps the Zalando definition of the WooCommerce mock, statuses included', () => {
    const zalando = toDomainMarketplaceDefinition(
      definitionsOf(load('lengow-plugin-woocommerce-mock-marketplace-sample.json')).get('zalando')!,
    );
    expect(zalando.label).toBe('Zalando');
    expect(lengowStatusOf(zalando.statusTable, 'exported')).toBe('waiting_shipment');
    expect(lengowStatusOf(zalando.statusTable, 'fulfilled')).toBe('shipped');
    expect(zalando.actions.refund!.argsDescription.refund_reason.validValues['1']).toBe('Dislike');
    expect(zalando.actions.ship!.argsDescription.carrier).toMatchObject({
      validValues: { '4PX': '4PX' },
      acceptFreeValues: true,
    });
  });
});
