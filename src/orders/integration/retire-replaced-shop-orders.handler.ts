import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SHOP, type Shop } from '../../shop/shop.port.js';
import { RetireReplacedShopOrders } from './retire-replaced-shop-orders.js';

@CommandHandler(RetireReplacedShopOrders)
export class RetireReplacedShopOrdersHandler implements ICommandHandler<RetireReplacedShopOrders> {
  constructor(@Inject(SHOP) private readonly shop: Shop) {}

  async execute(command: RetireReplacedShopOrders): Promise<{ readonly changed: readonly string[] }> {
    const changed: string[] = [];
    const reason = `replaced by a re-import (generation ${command.generation} of ${command.stream})`;
    // One by one, each a no-op when already done: a redelivery finishes what a crash interrupted.
    for (const id of command.shopOrderIds) {
      const result = await this.shop.markTechnicalError(id, reason);
      if (result.changed) changed.push(id);
    }
    return { changed };
  }
}
