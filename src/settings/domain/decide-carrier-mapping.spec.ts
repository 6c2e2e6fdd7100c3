import type { SettingsCommand } from './settings-commands.js';
import { settingsEvent } from './settings-events.js';
import { carrierMapped, chronopost, colissimo, spec } from './testing/settings-fixtures.js';

const command = (type: SettingsCommand['type'], data: Record<string, unknown>) => ({ type, data }) as SettingsCommand;
const mapCarrier = (data: Record<string, unknown> = {}) =>
  command('MapCarrier', {
    marketplace: 'amazon_fr',
    country: 'FR',
    shopCarrier: colissimo,
    marketplaceCarrier: 'COLISSIMO',
    ...data,
  });
const strictCarriers = { codes: ['COLISSIMO', 'DHL', 'Other'], acceptFreeValues: false };

describe('MapCarrier / UnmapCarrier', () => {
  it('maps (marketplace, country, shop carrier) to a marketplace carrier code, normalising the keys (CarrierMapped)', () => {
    spec
      .given([])
      .when(
        mapCarrier({
          marketplace: ' Amazon_FR ',
          country: 'fr',
          shopCarrier: { id: ' carrier-12 ', name: 'Colissimo', trackingUrlTemplate: 'https://track.example/@' },
        }),
      )
      .then([carrierMapped('FR', 'COLISSIMO')]);
  });

  it('appends nothing when the same mapping is made again', () => {
    spec.given([carrierMapped()]).when(mapCarrier()).thenNothingHappened();
  });

  it('re-maps to another code and records the one it replaces', () => {
    spec
      .given([carrierMapped()])
      .when(mapCarrier({ marketplaceCarrier: 'DHL' }))
      .then([
        settingsEvent('CarrierMapped', {
          marketplace: 'amazon_fr',
          country: 'FR',
          shopCarrier: colissimo,
          marketplaceCarrier: 'DHL',
          previousMarketplaceCarrier: 'COLISSIMO',
        }),
      ]);
  });

  it('takes a code of the definition in any case and stores it as the definition spells it', () => {
    const [event] = spec
      .given([])
      .when(mapCarrier({ marketplaceCarrier: 'dhl', allowedCarriers: strictCarriers }))
      .events();
    expect(event).toMatchObject({ type: 'CarrierMapped', data: { marketplaceCarrier: 'DHL' } });
  });

  it('refuses a code the definition does not list when it accepts no free values', () => {
    const error = spec
      .given([])
      .when(mapCarrier({ marketplaceCarrier: 'UPS', allowedCarriers: strictCarriers }))
      .thenThrows('UNKNOWN_MARKETPLACE_CARRIER');
    expect(error.message).toBe(
      'marketplaceCarrier "UPS" is not a carrier of marketplace amazon_fr (known: COLISSIMO, DHL, Other)',
    );
    expect(error).toMatchObject({ field: 'marketplaceCarrier' });
  });

  it('takes any code when the definition accepts free values or lists none', () => {
    for (const allowedCarriers of [
      { codes: ['COLISSIMO'], acceptFreeValues: true },
      { codes: [], acceptFreeValues: false },
      null,
    ]) {
      const [event] = spec
        .given([])
        .when(mapCarrier({ marketplaceCarrier: 'UPS', allowedCarriers }))
        .events();
      expect(event.data).toMatchObject({ marketplaceCarrier: 'UPS' });
    }
  });

  it.each([
    [
      { marketplace: 'Amazon FR' },
      'marketplace must be a Lengow marketplace code such as amazon_fr (letters, digits, _ . -)',
    ],
    [
      { marketplace: '__proto__' },
      'marketplace must be a Lengow marketplace code such as amazon_fr (letters, digits, _ . -)',
    ],
    [{ country: 'FRA' }, 'country must be an ISO 3166 alpha-2 code such as FR'],
    [{ country: null }, 'country must be an ISO 3166 alpha-2 code such as FR'],
    [{ shopCarrier: 'Colissimo' }, 'shopCarrier must be an object with an id and a name'],
    [{ shopCarrier: { id: '', name: 'Colissimo' } }, 'shopCarrier.id must not be empty'],
    [{ shopCarrier: { id: 'c1', name: '  ' } }, 'shopCarrier.name must not be empty'],
    [{ shopCarrier: { id: 'c1', name: 'x'.repeat(201) } }, 'shopCarrier.name must be at most 200 characters'],
    [
      { shopCarrier: { id: 'c1', name: 'Colissimo', trackingUrlTemplate: 'https://track.example/' } },
      'shopCarrier.trackingUrlTemplate must be an http(s) URL with @ where the tracking number goes',
    ],
    [{ marketplaceCarrier: '' }, 'marketplaceCarrier must not be empty'],
    [
      { allowedCarriers: { codes: 'COLISSIMO', acceptFreeValues: false } },
      'allowedCarriers must have a list of codes and acceptFreeValues true or false',
    ],
  ])('refuses %j: "%s"', (data, message) => {
    const error = spec.given([]).when(mapCarrier(data)).thenThrows('INVALID_SETTING');
    expect(error.message).toBe(message);
  });

  it('unmaps an existing mapping and records the code it had (CarrierUnmapped)', () => {
    spec
      .given([carrierMapped()])
      .when(command('UnmapCarrier', { marketplace: 'amazon_fr', country: 'fr', shopCarrierId: 'carrier-12' }))
      .then([
        settingsEvent('CarrierUnmapped', {
          marketplace: 'amazon_fr',
          country: 'FR',
          shopCarrierId: 'carrier-12',
          marketplaceCarrier: 'COLISSIMO',
        }),
      ]);
  });

  it('appends nothing when unmapping what is not mapped', () => {
    spec
      .given([carrierMapped('DE')])
      .when(command('UnmapCarrier', { marketplace: 'amazon_fr', country: 'FR', shopCarrierId: 'carrier-12' }))
      .thenNothingHappened();
  });

  it('refuses an unmap without a shop carrier id', () => {
    const error = spec
      .given([])
      .when(command('UnmapCarrier', { marketplace: 'amazon_fr', country: 'FR' }))
      .thenThrows('INVALID_SETTING');
    expect(error.message).toBe('shopCarrierId must not be empty');
  });
});

describe('MapShippingMethod / UnmapShippingMethod', () => {
  const mapMethod = (data: Record<string, unknown> = {}) =>
    command('MapShippingMethod', {
      marketplace: 'amazon_fr',
      country: 'FR',
      marketplaceMethod: 'Express',
      shopCarrier: chronopost,
      ...data,
    });
  const methodMapped = settingsEvent('ShippingMethodMapped', {
    marketplace: 'amazon_fr',
    country: 'FR',
    marketplaceMethod: 'Express',
    shopCarrier: chronopost,
    previousShopCarrier: null,
  });

  it('maps a marketplace method to a shop carrier (ShippingMethodMapped), once', () => {
    spec.given([]).when(mapMethod()).then([methodMapped]);
    spec.given([methodMapped]).when(mapMethod()).thenNothingHappened();
  });

  it('re-maps the method (matched case-insensitively) and records the carrier it replaces', () => {
    const [event] = spec
      .given([methodMapped])
      .when(mapMethod({ marketplaceMethod: 'express', shopCarrier: colissimo }))
      .events();
    expect(event.data).toMatchObject({ marketplaceMethod: 'express', previousShopCarrier: chronopost });
  });

  it('refuses a method the definition does not list when it accepts no free values', () => {
    const error = spec
      .given([])
      .when(
        mapMethod({
          marketplaceMethod: 'Drone',
          allowedMethods: { codes: ['Standard', 'Express'], acceptFreeValues: false },
        }),
      )
      .thenThrows('UNKNOWN_SHIPPING_METHOD');
    expect(error.message).toBe(
      'marketplaceMethod "Drone" is not a shipping method of marketplace amazon_fr (known: Standard, Express)',
    );
  });

  it('unmaps (ShippingMethodUnmapped), and unmapping again changes nothing', () => {
    const unmap = command('UnmapShippingMethod', {
      marketplace: 'amazon_fr',
      country: 'FR',
      marketplaceMethod: 'EXPRESS',
    });
    const unmapped = settingsEvent('ShippingMethodUnmapped', {
      marketplace: 'amazon_fr',
      country: 'FR',
      marketplaceMethod: 'Express',
      shopCarrier: chronopost,
    });
    spec.given([methodMapped]).when(unmap).then([unmapped]);
    spec.given([methodMapped, unmapped]).when(unmap).thenNothingHappened();
  });
});

describe('SetDefaultCarrier', () => {
  const setDefault = (data: Record<string, unknown>) =>
    command('SetDefaultCarrier', { marketplace: 'amazon_fr', country: 'FR', ...data });
  const none = { importCarrier: null, shipCarrier: null };
  const bothSet = settingsEvent('DefaultCarrierSet', {
    marketplace: 'amazon_fr',
    country: 'FR',
    importCarrier: colissimo,
    shipCarrier: 'COLISSIMO',
    previous: none,
  });

  it('sets the import and ship defaults for (marketplace, country) (DefaultCarrierSet)', () => {
    spec
      .given([])
      .when(setDefault({ importCarrier: colissimo, shipCarrier: 'COLISSIMO' }))
      .then([bothSet]);
  });

  it('changes one half and keeps the other', () => {
    spec
      .given([bothSet])
      .when(setDefault({ shipCarrier: 'DHL' }))
      .then([
        settingsEvent('DefaultCarrierSet', {
          marketplace: 'amazon_fr',
          country: 'FR',
          importCarrier: colissimo,
          shipCarrier: 'DHL',
          previous: { importCarrier: colissimo, shipCarrier: 'COLISSIMO' },
        }),
      ]);
  });

  it('appends nothing when the default is already so, and clears with nulls', () => {
    spec
      .given([bothSet])
      .when(setDefault({ importCarrier: colissimo }))
      .thenNothingHappened();
    spec
      .given([bothSet])
      .when(setDefault({ importCarrier: null, shipCarrier: null }))
      .then([
        settingsEvent('DefaultCarrierSet', {
          marketplace: 'amazon_fr',
          country: 'FR',
          ...none,
          previous: { importCarrier: colissimo, shipCarrier: 'COLISSIMO' },
        }),
      ]);
    spec.given([]).when(setDefault(none)).thenNothingHappened();
  });

  it('refuses a command that sets neither half', () => {
    const error = spec.given([]).when(setDefault({})).thenThrows('INVALID_COMMAND');
    expect(error.message).toBe('SetDefaultCarrier needs importCarrier, shipCarrier or both (null clears one)');
  });

  it('checks the ship carrier against the definition and the import carrier as a shop carrier', () => {
    const unknown = spec
      .given([])
      .when(setDefault({ shipCarrier: 'UPS', allowedCarriers: strictCarriers }))
      .thenThrows('UNKNOWN_MARKETPLACE_CARRIER');
    expect(unknown.message).toBe(
      'shipCarrier "UPS" is not a carrier of marketplace amazon_fr (known: COLISSIMO, DHL, Other)',
    );
    const invalid = spec
      .given([])
      .when(setDefault({ importCarrier: { id: 'c1' } }))
      .thenThrows('INVALID_SETTING');
    expect(invalid.message).toBe('importCarrier.name must not be empty');
  });
});

describe('RecordMarketplaceSeen', () => {
  const seen = (data: Record<string, unknown> = {}) =>
    command('RecordMarketplaceSeen', { marketplace: 'amazon_fr', country: 'fr', source: 'order', ...data });
  const discovered = settingsEvent('MarketplaceDiscovered', {
    marketplace: 'amazon_fr',
    label: 'Amazon FR',
    country: 'FR',
    source: 'order',
  });

  it('records the first sighting of a marketplace (MarketplaceDiscovered), and nothing for the next ones', () => {
    spec
      .given([])
      .when(seen({ label: ' Amazon FR ' }))
      .then([discovered]);
    spec.given([discovered]).when(seen()).thenNothingHappened();
    spec
      .given([discovered])
      .when(seen({ country: null }))
      .thenNothingHappened();
  });

  it('records a country the marketplace was not seen in yet (MarketplaceCountrySeen)', () => {
    spec
      .given([discovered])
      .when(seen({ country: 'de', source: 'lengow_list' }))
      .then([
        settingsEvent('MarketplaceCountrySeen', { marketplace: 'amazon_fr', country: 'DE', source: 'lengow_list' }),
      ]);
  });

  it('records a marketplace seen without a country', () => {
    spec
      .given([])
      .when(seen({ country: null, source: 'lengow_list' }))
      .then([
        settingsEvent('MarketplaceDiscovered', {
          marketplace: 'amazon_fr',
          label: null,
          country: null,
          source: 'lengow_list',
        }),
      ]);
  });

  it.each([
    [{ source: 'api' }, 'source must be one of order, lengow_list'],
    [{ country: 'France' }, 'country must be an ISO 3166 alpha-2 code such as FR'],
    [{ marketplace: '' }, 'marketplace must be a Lengow marketplace code such as amazon_fr (letters, digits, _ . -)'],
  ])('refuses %j: "%s"', (data, message) => {
    const error = spec.given([]).when(seen(data)).thenThrows('INVALID_SETTING');
    expect(error.message).toBe(message);
  });
});

describe('decideSettings', () => {
  it('refuses an unknown command and command data that is not an object', () => {
    const unknown = spec
      .given([])
      .when({ type: 'DeleteEverything', data: {} } as never)
      .thenThrows('INVALID_COMMAND');
    expect(unknown.message).toBe('unknown settings command "DeleteEverything"');
    const notObject = spec
      .given([])
      .when(command('MapCarrier', 'amazon' as never))
      .thenThrows('INVALID_COMMAND');
    expect(notObject.message).toBe('MapCarrier needs an object of data');
    spec
      .given([])
      .when(null as never)
      .thenThrows('INVALID_COMMAND');
  });
});
