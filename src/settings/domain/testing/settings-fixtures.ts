import { deciderSpecification } from '../../../orders/domain/testing/decider-specification.js';
import type { StoredShopCarrier } from '../settings-events.js';
import { settingsDecider } from '../settings-decider.js';
import { settingsEvent } from '../settings-events.js';

/** Given/when/then over the settings decider (test support only). */
export const spec = deciderSpecification(settingsDecider);

export const colissimo: StoredShopCarrier = {
  id: 'carrier-12',
  name: 'Colissimo',
  trackingUrlTemplate: 'https://track.example/@',
};
export const chronopost: StoredShopCarrier = { id: 'carrier-7', name: 'Chronopost', trackingUrlTemplate: null };

export const discovered = (marketplace = 'amazon_fr', country: string | null = 'FR') =>
  settingsEvent('MarketplaceDiscovered', { marketplace, label: null, country, source: 'order' });

export const carrierMapped = (country = 'FR', marketplaceCarrier = 'COLISSIMO', marketplace = 'amazon_fr') =>
  settingsEvent('CarrierMapped', {
    marketplace,
    country,
    shopCarrier: colissimo,
    marketplaceCarrier,
    previousMarketplaceCarrier: null,
  });
