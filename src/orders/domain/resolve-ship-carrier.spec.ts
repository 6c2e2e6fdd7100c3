import { resolveShipCarrier } from './resolve-ship-carrier.js';
import { carrierMapping, colissimo, homeCarrier } from './testing/order-fixtures.js';

describe('resolveShipCarrier (lengow-api.md §10.2)', () => {
  const base = { marketplaceCarrier: null, deliveryCountry: 'FR', shopCarrier: colissimo, mapping: carrierMapping() };

  it('sends the carrier the marketplace gave with the order first', () => {
    expect(resolveShipCarrier({ ...base, marketplaceCarrier: 'UPS' })).toEqual({
      kind: 'resolved',
      value: 'UPS',
      resolvedBy: 'marketplace',
    });
  });

  it('tries the mapping, then the default, before a marketplace carrier its own ship action does not take', () => {
    const accepts = (value: string) => value !== 'LAPOSTE';
    const given = { ...base, marketplaceCarrier: 'LAPOSTE', accepts };
    expect(resolveShipCarrier(given)).toEqual({ kind: 'resolved', value: 'COLISSIMO', resolvedBy: 'mapping' });
    expect(resolveShipCarrier({ ...given, shopCarrier: homeCarrier })).toEqual({
      kind: 'resolved',
      value: 'DHL',
      resolvedBy: 'default',
    });
    // With neither, the marketplace's carrier is what is sent (and refused by name), not the shop carrier's name.
    const bare = { ...given, shopCarrier: homeCarrier, mapping: carrierMapping({ defaults: [] }) };
    expect(resolveShipCarrier(bare)).toEqual({ kind: 'resolved', value: 'LAPOSTE', resolvedBy: 'marketplace' });
    expect(resolveShipCarrier({ ...bare, deliveryCountry: null })).toMatchObject({ value: 'LAPOSTE' });
  });

  it('then the code mapped for (country, marketplace, shop carrier)', () => {
    expect(resolveShipCarrier(base)).toEqual({ kind: 'resolved', value: 'COLISSIMO', resolvedBy: 'mapping' });
  });

  it('then the default marketplace carrier of the country', () => {
    expect(resolveShipCarrier({ ...base, shopCarrier: homeCarrier })).toEqual({
      kind: 'resolved',
      value: 'DHL',
      resolvedBy: 'default',
    });
  });

  it('then the shop carrier name', () => {
    expect(
      resolveShipCarrier({ ...base, shopCarrier: homeCarrier, mapping: carrierMapping({ defaults: [] }) }),
    ).toEqual({
      kind: 'resolved',
      value: 'My own van',
      resolvedBy: 'shop_carrier',
    });
  });

  it('needs the delivery country once the marketplace gave no carrier', () => {
    expect(resolveShipCarrier({ ...base, deliveryCountry: null })).toEqual({ kind: 'no_country' });
  });

  it('finds nothing without any carrier at all', () => {
    expect(resolveShipCarrier({ ...base, shopCarrier: null, mapping: carrierMapping({ defaults: [] }) })).toEqual({
      kind: 'none',
    });
  });
});
