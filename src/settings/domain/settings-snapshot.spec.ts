import { DEFAULT_IMPORT_SETTINGS } from '../../orders/domain/import-settings.js';
import { evolveSettings } from './evolve-settings.js';
import { settingsEvent, toSettingsEvent, type SettingsEvent } from './settings-events.js';
import { marketplaceStatuses, toOrderSettingsSnapshot } from './settings-snapshot.js';
import { EMPTY_MARKETPLACE_SETTINGS, initialSettingsState, marketplaceSettings } from './settings-state.js';
import { carrierMapped, chronopost, colissimo, discovered } from './testing/settings-fixtures.js';

const defaults = { importIntervalSeconds: 300 };
const fold = (...events: SettingsEvent[]) => events.reduce(evolveSettings, initialSettingsState());
const snapshot = (...events: SettingsEvent[]) => toOrderSettingsSnapshot(fold(...events), events.length - 1, defaults);

describe('order settings snapshot', () => {
  it('starts from the domain defaults: import settings, a 3-day window, the configured interval', () => {
    expect(snapshot()).toEqual({
      import: DEFAULT_IMPORT_SETTINGS,
      importWindowDays: 3,
      importIntervalSeconds: 300,
      carrierMappings: {},
      unmappedMarketplaces: [],
      revision: '-1',
    });
  });

  it('applies changed import settings; an interval pinned by event wins over the configured one until reset', () => {
    const pinned = settingsEvent('ImportSettingsChanged', {
      changes: { importIntervalSeconds: 60, importWindowDays: 7, forceProduct: false },
      previous: { importIntervalSeconds: null, importWindowDays: 3, forceProduct: true },
    });
    const reset = settingsEvent('ImportSettingsChanged', {
      changes: { importIntervalSeconds: null },
      previous: { importIntervalSeconds: 60 },
    });
    expect(snapshot(pinned)).toMatchObject({
      importIntervalSeconds: 60,
      importWindowDays: 7,
      import: { forceProduct: false, importProcessingFee: true },
      revision: '0',
    });
    expect(snapshot(pinned, reset)).toMatchObject({ importIntervalSeconds: 300, importWindowDays: 7, revision: '1' });
  });

  it('folds carrier, method and default mappings into the view the order domain reads, whatever the order', () => {
    const events: SettingsEvent[] = [
      carrierMapped('FR', 'COLISSIMO'),
      settingsEvent('CarrierMapped', {
        marketplace: 'amazon_fr',
        country: 'BE',
        shopCarrier: chronopost,
        marketplaceCarrier: 'DHL',
        previousMarketplaceCarrier: null,
      }),
      settingsEvent('ShippingMethodMapped', {
        marketplace: 'amazon_fr',
        country: 'FR',
        marketplaceMethod: 'Express',
        shopCarrier: chronopost,
        previousShopCarrier: null,
      }),
      settingsEvent('DefaultCarrierSet', {
        marketplace: 'amazon_fr',
        country: 'FR',
        importCarrier: colissimo,
        shipCarrier: null,
        previous: { importCarrier: null, shipCarrier: null },
      }),
    ];
    const view = snapshot(...events).carrierMappings.amazon_fr;
    expect(view).toEqual({
      carriers: [
        { country: 'BE', shopCarrier: chronopost, marketplaceCarrier: 'DHL' },
        { country: 'FR', shopCarrier: colissimo, marketplaceCarrier: 'COLISSIMO' },
      ],
      methods: [{ country: 'FR', marketplaceMethod: 'Express', shopCarrier: chronopost }],
      defaults: [{ country: 'FR', importCarrier: colissimo, shipCarrier: null }],
    });
    expect(snapshot(...[...events].reverse()).carrierMappings.amazon_fr).toEqual(view);
  });

  it('removes unmapped entries and a default cleared of both halves', () => {
    const state = snapshot(
      carrierMapped(),
      settingsEvent('CarrierUnmapped', {
        marketplace: 'amazon_fr',
        country: 'FR',
        shopCarrierId: colissimo.id,
        marketplaceCarrier: 'COLISSIMO',
      }),
      settingsEvent('DefaultCarrierSet', {
        marketplace: 'amazon_fr',
        country: 'FR',
        importCarrier: null,
        shipCarrier: 'COLISSIMO',
        previous: { importCarrier: null, shipCarrier: null },
      }),
      settingsEvent('DefaultCarrierSet', {
        marketplace: 'amazon_fr',
        country: 'FR',
        importCarrier: null,
        shipCarrier: null,
        previous: { importCarrier: null, shipCarrier: 'COLISSIMO' },
      }),
    );
    expect(state.carrierMappings).toEqual({});
  });

  describe('unmapped marketplaces', () => {
    it('flags a discovered marketplace until a country it was seen in has a carrier mapping', () => {
      expect(snapshot(discovered()).unmappedMarketplaces).toEqual(['amazon_fr']);
      expect(snapshot(discovered(), carrierMapped('DE')).unmappedMarketplaces).toEqual(['amazon_fr']);
      expect(snapshot(discovered(), carrierMapped('FR')).unmappedMarketplaces).toEqual([]);
    });

    it('counts either half of a default carrier, but not a method mapping alone', () => {
      const shipDefault = settingsEvent('DefaultCarrierSet', {
        marketplace: 'amazon_fr',
        country: 'FR',
        importCarrier: null,
        shipCarrier: 'COLISSIMO',
        previous: { importCarrier: null, shipCarrier: null },
      });
      const methodOnly = settingsEvent('ShippingMethodMapped', {
        marketplace: 'amazon_fr',
        country: 'FR',
        marketplaceMethod: 'Express',
        shopCarrier: chronopost,
        previousShopCarrier: null,
      });
      expect(snapshot(discovered(), methodOnly).unmappedMarketplaces).toEqual(['amazon_fr']);
      expect(snapshot(discovered(), shipDefault).unmappedMarketplaces).toEqual([]);
    });

    it('flags the marketplace again when it is seen in a new country, until that one is covered too', () => {
      const inGermany = settingsEvent('MarketplaceCountrySeen', {
        marketplace: 'amazon_fr',
        country: 'DE',
        source: 'order',
      });
      expect(snapshot(discovered(), carrierMapped('FR'), inGermany).unmappedMarketplaces).toEqual(['amazon_fr']);
      expect(snapshot(discovered(), carrierMapped('FR'), inGermany, carrierMapped('DE')).unmappedMarketplaces).toEqual(
        [],
      );
    });

    it('treats a marketplace seen without a country as mapped once it has any mapping', () => {
      expect(snapshot(discovered('cdiscount', null)).unmappedMarketplaces).toEqual(['cdiscount']);
      expect(
        snapshot(discovered('cdiscount', null), carrierMapped('FR', 'COLISSIMO', 'cdiscount')).unmappedMarketplaces,
      ).toEqual([]);
    });

    it('never flags a marketplace that was only configured, never seen', () => {
      expect(snapshot(carrierMapped()).unmappedMarketplaces).toEqual([]);
    });

    it('lists each marketplace with the countries still to cover', () => {
      const inGermany = settingsEvent('MarketplaceCountrySeen', {
        marketplace: 'amazon_fr',
        country: 'DE',
        source: 'order',
      });
      expect(
        marketplaceStatuses(fold(discovered(), inGermany, carrierMapped('FR'), carrierMapped('FR', 'X', 'fnac'))),
      ).toEqual([
        {
          marketplace: 'amazon_fr',
          label: null,
          countriesSeen: ['DE', 'FR'],
          uncoveredCountries: ['DE'],
          mapped: false,
        },
        { marketplace: 'fnac', label: null, countriesSeen: null, uncoveredCountries: [], mapped: true },
      ]);
    });
  });

  it('is frozen, and freezing it leaves the shared defaults editable by their owners', () => {
    const settings = snapshot(carrierMapped());
    expect(Object.isFrozen(settings.carrierMappings.amazon_fr.carriers[0].shopCarrier)).toBe(true);
    expect(Object.isFrozen(settings.import.importableStatuses)).toBe(true);
    expect(Object.isFrozen(DEFAULT_IMPORT_SETTINGS.importableStatuses)).toBe(false);
  });

  it('keeps an odd marketplace code an ordinary key', () => {
    const settings = snapshot(carrierMapped('FR', 'COLISSIMO', 'constructor'));
    expect(Object.keys(settings.carrierMappings)).toEqual(['constructor']);
    expect(marketplaceSettings(initialSettingsState(), 'constructor')).toBe(EMPTY_MARKETPLACE_SETTINGS);
  });
});

describe('evolveSettings / toSettingsEvent', () => {
  it('leaves the state as it is for an event it does not know', () => {
    const state = fold(carrierMapped());
    expect(evolveSettings(state, { type: 'SomethingNew', data: {} } as never)).toBe(state);
  });

  it('reads stored events of known types and versions only', () => {
    expect(toSettingsEvent({ type: 'CarrierMapped', data: carrierMapped().data, schemaVersion: 1 })).toEqual(
      carrierMapped(),
    );
    expect(toSettingsEvent({ type: 'CarrierMapped', data: carrierMapped().data })).toEqual(carrierMapped());
    expect(toSettingsEvent({ type: 'CarrierMapped', data: carrierMapped().data, schemaVersion: 2 })).toBeNull();
    expect(toSettingsEvent({ type: 'CarrierMapped', data: null })).toBeNull();
    expect(toSettingsEvent({ type: 'toString', data: {} })).toBeNull();
  });
});
