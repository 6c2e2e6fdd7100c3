import { settingsEvent } from './settings-events.js';
import { historyEntryOf } from './settings-history.js';
import { carrierMapped, colissimo, discovered } from './testing/settings-fixtures.js';

const recorded = (event: { type: string; data: object }, metadata: Record<string, unknown> = {}) => ({
  revision: 4,
  type: event.type,
  data: event.data as Record<string, unknown>,
  metadata: { actor: 'operator:ann', commandId: 'cmd-1', schemaVersion: 1, ...metadata },
  recordedAt: '2025-03-01T10:00:00.000Z',
});

describe('settings history', () => {
  it('says who changed what, when', () => {
    const entry = historyEntryOf(
      recorded(
        settingsEvent('ImportSettingsChanged', {
          changes: { importWindowDays: 5, importableStatuses: ['shipped'] },
          previous: { importWindowDays: 3, importableStatuses: ['waiting_shipment', 'shipped'] },
        }),
      ),
    );
    expect(entry).toMatchObject({
      revision: 4,
      type: 'ImportSettingsChanged',
      at: '2025-03-01T10:00:00.000Z',
      actor: 'operator:ann',
      commandId: 'cmd-1',
      summary:
        'import settings: importWindowDays 3 → 5; importableStatuses ["waiting_shipment","shipped"] → ["shipped"]',
    });
  });

  it.each([
    [carrierMapped(), 'amazon_fr FR: shop carrier Colissimo (carrier-12) ships as COLISSIMO'],
    [
      settingsEvent('CarrierMapped', {
        ...carrierMapped().data,
        marketplaceCarrier: 'DHL',
        previousMarketplaceCarrier: 'COLISSIMO',
      }),
      'amazon_fr FR: shop carrier Colissimo (carrier-12) ships as DHL (was COLISSIMO)',
    ],
    [
      settingsEvent('CarrierUnmapped', {
        marketplace: 'amazon_fr',
        country: 'FR',
        shopCarrierId: 'carrier-12',
        marketplaceCarrier: 'COLISSIMO',
      }),
      'amazon_fr FR: shop carrier carrier-12 no longer ships as COLISSIMO',
    ],
    [
      settingsEvent('ShippingMethodMapped', {
        marketplace: 'amazon_fr',
        country: 'FR',
        marketplaceMethod: 'Express',
        shopCarrier: colissimo,
        previousShopCarrier: null,
      }),
      'amazon_fr FR: method Express imports as Colissimo (carrier-12)',
    ],
    [
      settingsEvent('ShippingMethodUnmapped', {
        marketplace: 'amazon_fr',
        country: 'FR',
        marketplaceMethod: 'Express',
        shopCarrier: colissimo,
      }),
      'amazon_fr FR: method Express unmapped',
    ],
    [
      settingsEvent('DefaultCarrierSet', {
        marketplace: 'amazon_fr',
        country: 'FR',
        importCarrier: colissimo,
        shipCarrier: 'COLISSIMO',
        previous: { importCarrier: null, shipCarrier: null },
      }),
      'amazon_fr FR: default import carrier none → Colissimo (carrier-12), default ship carrier none → COLISSIMO',
    ],
    [discovered(), 'marketplace amazon_fr discovered in an order for FR'],
    [
      settingsEvent('MarketplaceDiscovered', {
        marketplace: 'fnac',
        label: 'Fnac',
        country: null,
        source: 'lengow_list',
      }),
      "marketplace fnac (Fnac) discovered in Lengow's list",
    ],
    [
      settingsEvent('MarketplaceCountrySeen', { marketplace: 'amazon_fr', country: 'DE', source: 'order' }),
      'marketplace amazon_fr seen for DE in an order',
    ],
  ])('describes %j', (event, summary) => {
    expect(historyEntryOf(recorded(event)).summary).toBe(summary);
  });

  it('keeps events it cannot read, and events without an actor', () => {
    const entry = historyEntryOf({
      ...recorded(carrierMapped(), { schemaVersion: 9 }),
      metadata: { schemaVersion: 9 },
    });
    expect(entry).toMatchObject({
      actor: null,
      commandId: null,
      summary: 'CarrierMapped (not understood by this version)',
    });
  });
});
