import type { OrderSettingsSnapshot } from '../../settings/order-settings.port.js';
import { DEFAULT_IMPORT_SETTINGS } from '../domain/import-settings.js';
import { configurationRevision } from './configuration-revision.js';

const settings = (overrides: Partial<OrderSettingsSnapshot> = {}): OrderSettingsSnapshot => ({
  import: DEFAULT_IMPORT_SETTINGS,
  importWindowDays: 3,
  importIntervalSeconds: 300,
  carrierMappings: {
    amazon_fr: {
      carriers: [],
      methods: [],
      defaults: [{ country: 'FR', importCarrier: { id: '1', name: 'La Poste' }, shipCarrier: null }],
    },
  },
  unmappedMarketplaces: [],
  revision: '7',
  ...overrides,
});
const shop = (overrides: Partial<Parameters<typeof configurationRevision>[1]> = {}) => ({
  currencies: new Set(['EUR', 'USD']),
  countries: { FR: { name: 'France', active: true }, BE: { name: 'Belgium', active: true } },
  carriers: [{ id: 1, referenceId: 1, name: 'La Poste', trackingUrl: null }],
  ...overrides,
});

describe('configurationRevision', () => {
  const base = configurationRevision(settings(), shop());

  it('ignores what does not change a verdict: sightings, the settings stream revision, window and interval', () => {
    expect(
      configurationRevision(
        settings({
          revision: '8',
          unmappedMarketplaces: ['cdiscount'],
          importWindowDays: 5,
          importIntervalSeconds: 60,
        }),
        shop(),
      ),
    ).toBe(base);
    // Order of keys and of the currency set does not matter.
    expect(
      configurationRevision(
        settings(),
        shop({
          currencies: new Set(['USD', 'EUR']),
          countries: { BE: { name: 'Belgium', active: true }, FR: { active: true, name: 'France' } },
        }),
      ),
    ).toBe(base);
  });

  it('moves with import settings, carrier mappings, currencies, countries and carriers', () => {
    const variants = [
      configurationRevision(settings({ import: { ...DEFAULT_IMPORT_SETTINGS, forceProduct: false } }), shop()),
      configurationRevision(settings({ carrierMappings: {} }), shop()),
      configurationRevision(settings(), shop({ currencies: new Set(['EUR', 'USD', 'XYZ']) })),
      configurationRevision(settings(), shop({ countries: { FR: { name: 'France', active: false } } })),
      configurationRevision(
        settings(),
        shop({ carriers: [{ id: 2, referenceId: 1, name: 'La Poste', trackingUrl: null }] }),
      ),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
  });
});
