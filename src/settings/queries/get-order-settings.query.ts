import { Query } from '@nestjs/cqrs';
import type { ImportParameters } from '../domain/import-parameters.js';
import type { SettingsHistoryEntry } from '../domain/settings-history.js';
import type { MarketplaceStatus } from '../domain/settings-snapshot.js';
import type { OrderSettingsSnapshot } from '../order-settings.port.js';

export interface OrderSettingsView {
  /** What the engine reads; `settings.revision` is the If-Match value for the next change. */
  readonly settings: OrderSettingsSnapshot;
  /** As edited: `importIntervalSeconds` is null while it follows the deployment's IMPORT_INTERVAL. */
  readonly parameters: ImportParameters;
  /** Every marketplace seen or configured, with the countries still to map. */
  readonly marketplaces: readonly MarketplaceStatus[];
  /** Who changed what, when: newest first, at most `historyLimit` entries. */
  readonly history: readonly SettingsHistoryEntry[];
  /** Entries in the whole trail (more than `history` when it was cut). */
  readonly historyTotal: number;
}

export const DEFAULT_HISTORY_LIMIT = 100;
export const MAX_HISTORY_LIMIT = 1000;

/** The "Order parameters" page: always the latest settings (reads the stream tail), plus the audit trail. */
export class GetOrderSettings extends Query<OrderSettingsView> {
  constructor(readonly options: { readonly historyLimit?: number } = {}) {
    super();
  }
}
