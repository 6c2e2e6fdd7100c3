import type { ShopAddress } from '../shop-order.js';

/** A complete French address as the shop takes it; tests change only the fields they are about. */
export function shopAddress(overrides: Partial<ShopAddress> = {}): ShopAddress {
  return {
    firstName: 'Anne',
    lastName: 'Martin',
    line1: '12 rue des Lilas',
    postcode: '69003',
    city: 'Lyon',
    countryIsoA2: 'FR',
    ...overrides,
  };
}
