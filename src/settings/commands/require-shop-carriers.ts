import type { Shop } from '../../shop/shop.port.js';
import { SettingsDomainError } from '../domain/settings-error.js';

/** A shop carrier a settings command names, with the field that names it. */
export interface NamedShopCarrier {
  readonly field: string;
  readonly id: string;
}

/**
 * Refuses a command naming a shop carrier the shop does not have: mapped or set as a default, it would only surface at
 * the next import, as every matching order failing with "carrier … does not exist in the shop". The shop resolves an
 * id the way order creation will (a carrier replaced since is followed to its current version), so what passes here
 * is what the import can use. The check is at the edge, not in the settings rules: it asks the shop.
 */
export async function requireShopCarriers(shop: Pick<Shop, 'getCarrier'>, named: readonly NamedShopCarrier[]) {
  for (const { field, id } of named) {
    const numeric = /^\d{1,15}$/.test(id.trim()) ? Number(id.trim()) : NaN;
    if ((await shop.getCarrier(numeric)) === null) {
      throw new SettingsDomainError(
        'UNKNOWN_SHOP_CARRIER',
        field,
        `${field} "${id}" is not a carrier of the shop (GET /api/shop/carriers lists them)`,
      );
    }
  }
}
