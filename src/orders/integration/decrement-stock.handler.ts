import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { OrderSettingsReader } from '../../settings/order-settings.port.js';
import { REACTIONS_SETTINGS } from './reactions-settings.js';
import { SHOP, type Shop } from '../../shop/shop.port.js';
import { ExecuteOrderCommand } from '../commands/execute-order-command.js';
import { OrderStreamReader } from '../commands/order-stream-reader.js';
import { DecrementStock, type DecrementStockOutcome } from './decrement-stock.js';
import { followUpMetadata } from './reaction-metadata.js';
import { ORDERS_REACTIONS_OPTIONS, type OrdersReactionsOptions } from './reactions-options.js';
import { shopProductId } from './to-create-shop-orders-input.js';

/**
 * Stock moves exactly once per order: the shop deduplicates on the plan's key, and the stream records it. With the
 * "force product" setting stock may go below zero (the plugins add out-of-stock products anyway); without it a
 * shortfall is refused by the shop, nothing is taken, and the error is retried, then parked for an operator.
 */
@CommandHandler(DecrementStock)
export class DecrementStockHandler implements ICommandHandler<DecrementStock, DecrementStockOutcome> {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly orders: OrderStreamReader,
    @Inject(SHOP) private readonly shop: Shop,
    @Inject(REACTIONS_SETTINGS) private readonly settings: OrderSettingsReader,
    @Inject(ORDERS_REACTIONS_OPTIONS) private readonly options: OrdersReactionsOptions,
  ) {}

  async execute(command: DecrementStock): Promise<DecrementStockOutcome> {
    const { orderKey, plan } = command;
    const { state } = await this.orders.load(orderKey);
    if (state.stock.status !== 'pending' || state.stock.plan.key !== plan.key) return { kind: 'skipped' };

    const { import: importSettings } = await this.settings.current();
    const movement = await this.shop.decrementStock(
      plan.key,
      plan.lines.map((line) => ({ productId: shopProductId(line.product), quantity: line.quantity })),
      { allowNegative: importSettings.forceProduct },
    );
    await this.commandBus.execute(
      new ExecuteOrderCommand(
        { type: 'RecordStockDecremented', data: { orderKey, key: plan.key, now: this.options.clock().toISOString() } },
        followUpMetadata(command.metadata, 'decremented'),
      ),
    );
    return { kind: 'decremented', applied: movement.applied };
  }
}
