import { Inject, Injectable, Optional } from '@nestjs/common';
import { LOGGER } from '../../app.tokens.js';
import { LENGOW_API, type LengowApi } from '../../lengow/lengow-api.port.js';
import type { Logger } from '../../logging/logger.js';
import { SHOP, type Shop } from '../../shop/shop.port.js';
import { OrderSettingsCache } from '../order-settings-cache.js';
import { requireKnownMarketplace } from './require-known-marketplace.js';
import { requireShopCarriers, type NamedShopCarrier } from './require-shop-carriers.js';

/**
 * What a mapping command names that only the app's ports can vouch for: the marketplace (Lengow's list) and the shop
 * carriers (the shop). An app without one of those ports (a test app, a settings-only process) skips its check.
 */
@Injectable()
export class SettingsEdgeChecks {
  constructor(
    private readonly cache: OrderSettingsCache,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(LENGOW_API) private readonly lengow?: LengowApi,
    @Optional() @Inject(SHOP) private readonly shop?: Shop,
  ) {}

  /** `marketplace` undefined: the command sets nothing for it (a removal), so there is nothing to vouch for. */
  async require(marketplace: string | undefined, shopCarriers: readonly NamedShopCarrier[]): Promise<void> {
    if (this.lengow && marketplace !== undefined) {
      const { state } = await this.cache.load(0);
      await requireKnownMarketplace({ lengow: this.lengow, state, logger: this.logger }, marketplace);
    }
    if (this.shop) await requireShopCarriers(this.shop, shopCarriers);
  }
}
