import { ExecuteOrderCommand } from '../../commands/execute-order-command.js';
import { DEFAULT_RETRY_POLICY } from '../../domain/import-settings.js';
import { orderStreamName, type OrderKey } from '../../domain/order-key.js';

/**
 * What the import retry sweeper or a poll may record on an order while another command is under way: the shop was
 * unreachable (a transient import failure). Test support for races on an order's revision.
 */
export function shopUnavailableFailure(orderKey: OrderKey): ExecuteOrderCommand {
  return new ExecuteOrderCommand(
    {
      type: 'RecordImportFailure',
      data: {
        orderKey,
        generation: null,
        kind: 'transient',
        failures: [{ code: 'SHOP_UNAVAILABLE', message: 'the shop did not answer' }],
        retryPolicy: DEFAULT_RETRY_POLICY,
        configurationRevision: null,
        now: new Date().toISOString(),
      },
    },
    { commandId: `shop-down:${orderStreamName(orderKey)}`, actor: 'system' },
  );
}
