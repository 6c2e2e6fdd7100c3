import { Inject, Injectable } from '@nestjs/common';
import { LENGOW_API, type LengowApi } from '../../lengow/lengow-api.port.js';
import type { OrderSettingsReader } from '../../settings/order-settings.port.js';
import { REACTIONS_SETTINGS } from './reactions-settings.js';
import type { CarrierMappingView } from '../domain/carrier-mapping.js';
import type { MarketplaceDefinition } from '../domain/marketplace-definition.js';
import { toDomainMarketplaceDefinition } from '../lengow-mapping/to-domain-marketplace-definition.js';

export interface ActionContext {
  readonly definition: MarketplaceDefinition;
  readonly carrierMapping: CarrierMappingView;
}

/**
 * What an action command needs besides the stream, read fresh for every request: the marketplace definition from
 * Lengow (the connector caches it, and keeps its last list in the database for a restart during an outage) and the
 * merchant's carrier mapping, so a fix made meanwhile applies at once.
 */
@Injectable()
export class ActionContextLoader {
  constructor(
    @Inject(LENGOW_API) private readonly lengow: LengowApi,
    @Inject(REACTIONS_SETTINGS) private readonly settings: OrderSettingsReader,
  ) {}

  async load(marketplace: string): Promise<ActionContext> {
    const [definition, carrierMapping] = await Promise.all([
      this.lengow.getMarketplace(marketplace),
      this.settings.carrierMapping(marketplace),
    ]);
    return { definition: toDomainMarketplaceDefinition(definition), carrierMapping };
  }
}
