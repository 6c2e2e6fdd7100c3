import { resolveImportCarrier } from './resolve-import-carrier.js';
import { carrierMapping, colissimo, definition, homeCarrier, laPoste } from './testing/order-fixtures.js';

const tracking = (carrier: string | null, method: string | null = null) => ({
  carrier,
  method,
  number: null,
  relayId: null,
});

describe('resolveImportCarrier (lengow-api.md §10.1)', () => {
  it('maps the marketplace carrier by its code, case-insensitively', () => {
    expect(
      resolveImportCarrier({
        tracking: tracking('colissimo'),
        country: 'FR',
        definition: definition(),
        mapping: carrierMapping(),
      }),
    ).toEqual({
      ok: true,
      shopCarrier: colissimo,
      resolvedBy: 'carrier_code',
    });
  });

  it('maps the marketplace carrier by its label when the code does not match', () => {
    const mapping = carrierMapping({
      carriers: [{ country: 'FR', marketplaceCarrier: 'DHL', shopCarrier: homeCarrier }],
    });
    const defs = definition({ carriers: { DHL: { label: 'DHL Express', lengowCode: 'dhl' } } });
    expect(
      resolveImportCarrier({ tracking: tracking('DHL Express'), country: 'FR', definition: defs, mapping }),
    ).toMatchObject({
      shopCarrier: homeCarrier,
      resolvedBy: 'carrier_label',
    });
  });

  it('only uses mappings of the delivery country', () => {
    const mapping = carrierMapping({ defaults: [] });
    expect(
      resolveImportCarrier({ tracking: tracking('COLISSIMO'), country: 'BE', definition: definition(), mapping }),
    ).toMatchObject({ ok: false });
  });

  it('falls back to the shipping method, by label then by code', () => {
    const mapping = carrierMapping({
      carriers: [],
      methods: [{ country: 'FR', marketplaceMethod: 'Express', shopCarrier: homeCarrier }],
    });
    expect(
      resolveImportCarrier({
        tracking: tracking('UNKNOWN', 'Express delivery'),
        country: 'FR',
        definition: definition(),
        mapping,
      }),
    ).toMatchObject({
      resolvedBy: 'method_label',
    });
    expect(
      resolveImportCarrier({ tracking: tracking(null, 'express'), country: 'FR', definition: definition(), mapping }),
    ).toMatchObject({
      resolvedBy: 'method_code',
    });
  });

  it('compares the method with mapped carriers (plugin 3.9.0)', () => {
    expect(
      resolveImportCarrier({
        tracking: tracking(null, 'Colissimo'),
        country: 'FR',
        definition: definition(),
        mapping: carrierMapping(),
      }),
    ).toMatchObject({
      shopCarrier: colissimo,
      resolvedBy: 'method_as_carrier',
    });
  });

  it('uses the default carrier of (country, marketplace) when nothing maps', () => {
    expect(
      resolveImportCarrier({
        tracking: tracking('UPS'),
        country: 'fr',
        definition: definition(),
        mapping: carrierMapping(),
      }),
    ).toEqual({
      ok: true,
      shopCarrier: laPoste,
      resolvedBy: 'default',
    });
  });

  it('fails with the plugin message when there is no default carrier', () => {
    expect(
      resolveImportCarrier({
        tracking: null,
        country: 'fr',
        definition: definition(),
        mapping: carrierMapping({ defaults: [] }),
      }),
    ).toEqual({
      ok: false,
      failure: {
        code: 'NO_DEFAULT_CARRIER',
        message: 'You must select a default carrier for the country: FR and the marketplace: Demo Market FR',
      },
    });
  });
});
