import type { ShopCarrier } from '../../orders/domain/carrier-mapping.js';
import type { ImportParametersPatch } from './import-parameters.js';
import { toSettingsEvent, type SettingsEvent } from './settings-events.js';

/** One line of the audit trail: who changed what, when. */
export interface SettingsHistoryEntry {
  /** Stream revision of the event. */
  readonly revision: number;
  readonly type: string;
  /** ISO 8601, when the store recorded it. */
  readonly at: string;
  /** `operator:<name>`, `api-key:<id>`, `saga:<name>`, `system`; null on an event written without one. */
  readonly actor: string | null;
  readonly commandId: string | null;
  readonly summary: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** The slice of a recorded event the history needs; keeps this module free of the store port. */
export interface RecordedSettingsEvent {
  readonly revision: number;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly recordedAt: string;
}

const show = (value: unknown): string => (value === null || value === undefined ? 'none' : JSON.stringify(value));
const carrier = (value: ShopCarrier | null): string => (value ? `${value.name} (${value.id})` : 'none');

function describePatch(changes: ImportParametersPatch, previous: ImportParametersPatch): string {
  return Object.keys(changes)
    .map((name) => {
      const key = name as keyof ImportParametersPatch;
      return `${name} ${show(previous[key])} → ${show(changes[key])}`;
    })
    .join('; ');
}

/** A one-line, human description of a change for the audit list. */
export function describeSettingsEvent(event: SettingsEvent): string {
  switch (event.type) {
    case 'ImportSettingsChanged':
      return `import settings: ${describePatch(event.data.changes, event.data.previous)}`;
    case 'CarrierMapped': {
      const { marketplace, country, shopCarrier, marketplaceCarrier, previousMarketplaceCarrier } = event.data;
      const was = previousMarketplaceCarrier === null ? '' : ` (was ${previousMarketplaceCarrier})`;
      return `${marketplace} ${country}: shop carrier ${carrier(shopCarrier)} ships as ${marketplaceCarrier}${was}`;
    }
    case 'CarrierUnmapped': {
      const { marketplace, country, shopCarrierId, marketplaceCarrier } = event.data;
      return `${marketplace} ${country}: shop carrier ${shopCarrierId} no longer ships as ${marketplaceCarrier}`;
    }
    case 'ShippingMethodMapped': {
      const { marketplace, country, marketplaceMethod, shopCarrier, previousShopCarrier } = event.data;
      const was = previousShopCarrier === null ? '' : ` (was ${carrier(previousShopCarrier)})`;
      return `${marketplace} ${country}: method ${marketplaceMethod} imports as ${carrier(shopCarrier)}${was}`;
    }
    case 'ShippingMethodUnmapped': {
      const { marketplace, country, marketplaceMethod } = event.data;
      return `${marketplace} ${country}: method ${marketplaceMethod} unmapped`;
    }
    case 'DefaultCarrierSet': {
      const { marketplace, country, importCarrier, shipCarrier, previous } = event.data;
      return (
        `${marketplace} ${country}: default import carrier ${carrier(previous.importCarrier)} → ${carrier(importCarrier)}, ` +
        `default ship carrier ${previous.shipCarrier ?? 'none'} → ${shipCarrier ?? 'none'}`
      );
    }
    case 'MarketplaceDiscovered': {
      const { marketplace, label, country, source } = event.data;
      const name = label ? ` (${label})` : '';
      return `marketplace ${marketplace}${name} discovered in ${source === 'order' ? 'an order' : "Lengow's list"}${country ? ` for ${country}` : ''}`;
    }
    case 'MarketplaceCountrySeen': {
      const { marketplace, country, source } = event.data;
      return `marketplace ${marketplace} seen for ${country} in ${source === 'order' ? 'an order' : "Lengow's list"}`;
    }
  }
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export function historyEntryOf(recorded: RecordedSettingsEvent): SettingsHistoryEntry {
  const event = toSettingsEvent({
    type: recorded.type,
    data: recorded.data,
    schemaVersion: recorded.metadata.schemaVersion,
  });
  return {
    revision: recorded.revision,
    type: recorded.type,
    at: recorded.recordedAt,
    actor: text(recorded.metadata.actor),
    commandId: text(recorded.metadata.commandId),
    summary: event ? describeSettingsEvent(event) : `${recorded.type} (not understood by this version)`,
    data: recorded.data,
  };
}
