import { parseMarketplaceDefinition, parseMarketplaces } from './marketplace-definition.js';

/** The illustrative definition of lengow-api.md §4, trimmed to what these tests read. */
const demo = {
  package: 'mp_demo_market',
  name: 'Demo Market FR',
  legacy_code: 'demomarket',
  country_iso_a2: 'FR',
  country: 'FRA',
  orders: {
    status: { waiting_shipment: ['ToShip'], shipped: ['Sent'], canceled: ['Cancelled'] },
    actions: {
      ship: {
        status: ['waiting_shipment'],
        args: ['carrier', 'tracking_number'],
        optional_args: ['line', 'tracking_url', 'shipping_method'],
        args_description: {
          carrier: {
            type: 'string',
            valid_values: { COLISSIMO: { label: 'Colissimo' }, DHL: { label: 'DHL' } },
            default_value: '',
            accept_free_values: false,
          },
          shipping_method: {
            type: 'string',
            valid_values: { Standard: 'Standard' },
            default_value: 'Standard',
            accept_free_values: false,
          },
        },
      },
      cancel: { status: ['waiting_shipment'], args: ['reason'], optional_args: [], args_description: {} },
    },
    carriers: { COLISSIMO: { label: 'Colissimo', lengow_code: 'colissimo' } },
    shipping_methods: { Standard: { label: 'Standard', lengow_code: null } },
  },
};

describe('MarketplaceDefinition', () => {
  const definition = parseMarketplaceDefinition('Demo_Market_FR', demo)!;

  it('is keyed by the lower-cased code and keeps the descriptive fields', () => {
    expect([
      definition.code,
      definition.name,
      definition.packageName,
      definition.legacyCode,
      definition.countryIsoA2,
      definition.country,
    ]).toEqual(['demo_market_fr', 'Demo Market FR', 'mp_demo_market', 'demomarket', 'FR', 'FRA']);
  });

  it('maps marketplace statuses exactly', () => {
    expect(definition.lengowStatusOf('ToShip')).toBe('waiting_shipment');
    expect(definition.lengowStatusOf('toship')).toBeNull();
    expect(definition.lengowStatusOf(null)).toBeNull();
  });

  it('reads valid values in both shapes', () => {
    expect(definition.argument('ship', 'carrier').validValues).toEqual({ COLISSIMO: 'Colissimo', DHL: 'DHL' });
    expect(definition.argument('ship', 'shipping_method')).toMatchObject({
      validValues: { Standard: 'Standard' },
      defaultValue: 'Standard',
    });
  });

  it('requires a carrier when the carrier accepts no free value and no carrier_name escape exists', () => {
    expect(definition.carrierRequired).toBe(true);
    const withEscape = structuredClone(demo);
    withEscape.orders.actions.ship.optional_args.push('carrier_name');
    expect(parseMarketplaceDefinition('demo', withEscape)!.carrierRequired).toBe(false);
    const free = structuredClone(demo);
    free.orders.actions.ship.args_description.carrier.accept_free_values = true;
    expect(parseMarketplaceDefinition('demo', free)!.carrierRequired).toBe(false);
  });

  it('answers the action questions', () => {
    expect(definition.acceptsLine('ship')).toBe(true);
    expect(definition.acceptsLine('cancel')).toBe(false);
    expect(definition.allowsAction('ship', 'waiting_shipment')).toBe(true);
    expect(definition.allowsAction('ship', 'shipped')).toBe(false);
    expect(definition.actionDefinition('refund')).toBeUndefined();
    expect(definition.argument('refund', 'anything')).toMatchObject({ acceptFreeValues: true, validValues: {} });
  });

  it('keeps the first mapping of a status listed twice', () => {
    const twice = parseMarketplaceDefinition('x', { orders: { status: { accepted: ['A'], shipped: ['A'] } } })!;
    expect(twice.lengowStatusOf('A')).toBe('accepted');
  });
});

describe('parseMarketplaces', () => {
  it('returns null for a body that is not an object keyed by code', () => {
    expect(parseMarketplaces([])).toBeNull();
    expect(parseMarketplaces('x')).toBeNull();
    expect(parseMarketplaces(null)).toBeNull();
  });

  it('skips unreadable entries and parts, and says what it skipped', () => {
    const parsed = parseMarketplaces({
      good: demo,
      broken: 'nope',
      partial: {
        orders: { status: { shipped: 'Sent' }, actions: { ship: 5, cancel: { args: 'reason' } }, carriers: [] },
      },
    })!;
    expect([...parsed.definitions.keys()]).toEqual(['good', 'partial']);
    expect(parsed.problems).toEqual([
      'broken is not an object',
      'partial.orders.status.shipped is not a list',
      'partial.orders.actions.ship is not an object',
      'partial.orders.actions.cancel.args is not a list',
      'partial.orders.carriers is not an object',
    ]);
    const partial = parsed.definitions.get('partial')!;
    expect(partial.actionDefinition('cancel')).toEqual({
      type: 'cancel',
      status: [],
      args: [],
      optionalArgs: [],
      argsDescription: {},
    });
  });
});
