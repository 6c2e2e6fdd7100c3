import type { CommandMetadata } from '../../orders/commands/command-metadata.js';
import {
  MarkShopOrderCanceled,
  MarkShopOrderRefunded,
  MarkShopOrderShipped,
} from '../../orders/integration/mark-shop-order-commands.js';
import {
  MARK_SHOP_ORDER_CANCELED,
  MARK_SHOP_ORDER_REFUNDED,
  MARK_SHOP_ORDER_SHIPPED,
} from './order-action.catalogue.js';

describe('the shop order commands of the catalogue', () => {
  const metadata: CommandMetadata = {
    commandId: 'c-1',
    correlationId: 'ticket-99',
    causationId: 'cause-1',
    actor: 'operator:ann',
  };

  it('hand the door’s metadata on, so the recorded change names the caller and keeps its correlation', () => {
    const shipped = MARK_SHOP_ORDER_SHIPPED.build({ shopOrderId: '7', trackingNumber: 'T-1' }, metadata);
    const canceled = MARK_SHOP_ORDER_CANCELED.build({ shopOrderId: '7' }, metadata);
    const refunded = MARK_SHOP_ORDER_REFUNDED.build({ shopOrderId: '7' }, metadata);
    expect(shipped).toBeInstanceOf(MarkShopOrderShipped);
    expect(canceled).toBeInstanceOf(MarkShopOrderCanceled);
    expect(refunded).toBeInstanceOf(MarkShopOrderRefunded);
    for (const command of [shipped, canceled, refunded] as MarkShopOrderShipped[]) {
      expect(command.metadata).toEqual(metadata);
      expect(command.idempotencyKey).toBe('c-1');
    }
  });
});
