import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { SettingsInvalid } from '../commands/settings-invalid.error.js';
import { marketplaceStatuses } from '../domain/settings-snapshot.js';
import { OrderSettingsCache } from '../order-settings-cache.js';
import {
  DEFAULT_HISTORY_LIMIT,
  GetOrderSettings,
  MAX_HISTORY_LIMIT,
  type OrderSettingsView,
} from './get-order-settings.query.js';

@QueryHandler(GetOrderSettings)
export class GetOrderSettingsHandler implements IQueryHandler<GetOrderSettings, OrderSettingsView> {
  constructor(private readonly cache: OrderSettingsCache) {}

  async execute({ options }: GetOrderSettings): Promise<OrderSettingsView> {
    const limit = options?.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_HISTORY_LIMIT) {
      throw new SettingsInvalid([
        { field: 'historyLimit', message: `historyLimit must be a whole number between 0 and ${MAX_HISTORY_LIMIT}` },
      ]);
    }
    // The page must show what is stored now, not what this process last cached.
    const { state, snapshot, history } = await this.cache.load(0);
    // A copy: the parts below are the cache's own objects, which a caller editing its answer must not reach.
    return structuredClone({
      settings: snapshot,
      parameters: state.parameters,
      marketplaces: marketplaceStatuses(state),
      history: history.slice(Math.max(0, history.length - limit)).reverse(),
      historyTotal: history.length,
    });
  }
}
