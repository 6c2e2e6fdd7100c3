import type { OrderCommand } from '../domain/order-commands.js';
import { orderKeyOf, type OrderKey } from '../domain/order-key.js';

/** The stream a command addresses: import commands name it through their Lengow snapshot, the others directly. */
export function commandOrderKey(command: OrderCommand): OrderKey {
  switch (command.type) {
    case 'ImportOrder':
    case 'ReimportOrder':
      return orderKeyOf(command.data.snapshot.marketplace, command.data.snapshot.marketplaceOrderId);
    default:
      return orderKeyOf(command.data.orderKey.marketplace, command.data.orderKey.marketplaceOrderId);
  }
}
