import type { LengowApi, MarketplaceCatalog } from '../../lengow/lengow-api.port.js';
import { LengowUnknownMarketplace } from '../../lengow/lengow-errors.js';
import type { MarketplaceDefinition as LengowMarketplaceDefinition } from '../../lengow/marketplace-definition.js';
import type { MarketplaceDefinition } from '../domain/marketplace-definition.js';
import { toDomainMarketplaceDefinition } from '../lengow-mapping/to-domain-marketplace-definition.js';

export interface KnownMarketplace {
  readonly lengow: LengowMarketplaceDefinition;
  readonly domain: MarketplaceDefinition;
}

/**
 * The marketplace definitions of one run: the catalogue is fetched once, each definition converted once, and a code
 * missing from it costs one forced refresh (`getMarketplace`) per run, not one per order. Orders still carrying a
 * plugin v2 code find their marketplace through its `legacy_code`.
 */
export class MarketplaceDirectory {
  private readonly known = new Map<string, Promise<KnownMarketplace | null>>();
  private readonly byLegacyCode = new Map<string, LengowMarketplaceDefinition>();

  constructor(
    private readonly api: Pick<LengowApi, 'getMarketplace'>,
    private readonly catalog: MarketplaceCatalog,
  ) {
    for (const definition of catalog.definitions.values()) {
      const legacy = definition.legacyCode?.trim().toLowerCase();
      if (legacy && !catalog.definitions.has(legacy) && !this.byLegacyCode.has(legacy))
        this.byLegacyCode.set(legacy, definition);
    }
  }

  static async open(api: Pick<LengowApi, 'getMarketplaces' | 'getMarketplace'>): Promise<MarketplaceDirectory> {
    return new MarketplaceDirectory(api, await api.getMarketplaces());
  }

  /**
   * The marketplace of an order's code, or null when Lengow does not list it even after one refresh (the rules then
   * ignore the order as MARKETPLACE_UNKNOWN). Other errors (Lengow unreachable) propagate: they say nothing about the
   * code, and a later run will ask again.
   */
  find(code: string): Promise<KnownMarketplace | null> {
    const key = code.trim().toLowerCase();
    let found = this.known.get(key);
    if (!found) {
      found = this.lookup(key);
      // A failed refresh is not remembered: the next order of that marketplace asks again.
      found.catch(() => this.known.delete(key));
      this.known.set(key, found);
    }
    return found;
  }

  private async lookup(key: string): Promise<KnownMarketplace | null> {
    let definition = this.catalog.definitions.get(key) ?? this.byLegacyCode.get(key);
    if (!definition) {
      try {
        definition = await this.api.getMarketplace(key);
      } catch (error) {
        if (error instanceof LengowUnknownMarketplace) return null;
        throw error;
      }
    }
    return { lengow: definition, domain: toDomainMarketplaceDefinition(definition) };
  }
}
