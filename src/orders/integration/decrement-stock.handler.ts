import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { OrderSettingsReader } from '../../settings/order-settings.port.js';
import { REACTIONS_SETTINGS } from './reactions-settings.js';
import { SHOP, type Shop } from '../../shop/shop.port.js';
import { StockShortfall } from '../../shop/stock-shortfall.js';
import { ExecuteOrderCommand } from '../commands/execute-order-command.js';
import { OrderStreamReader } from '../commands/order-stream-reader.js';
import type { StockShortfallLine } from '../domain/stock-shortfall.js';
import { DecrementStock, type DecrementStockOutcome } from './decrement-stock.js';
import { followUpMetadata } from './reaction-metadata.js';
import { ORDERS_REACTIONS_OPTIONS, type OrdersReactionsOptions } from './reactions-options.js';
import { shopProductId } from './to-create-shop-orders-input.js';

/**
 * Stock moves exactly once per order: the shop deduplicates on the plan's key, and the stream records it. With the
 * "force product" setting stock may go below zero (the plugins add out-of-stock products anyway); without it a
 * shortfall is refused by the shop and nothing is taken. Retrying that would only find the same shelves, so it is
 * recorded on the order (`StockDecrementFailed`) for the operator, who restocks and retries. Anything else the shop
 * throws (unreachable…) is thrown on: the saga's consumer retries it, then parks the event.
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
    const { state } = await this.orders.loadStream(command.stream);
    const { orderKey, stock } = state;
    if (!orderKey || stock.status !== 'pending' || stock.plan.key !== command.key) return { kind: 'skipped' };
    const plan = stock.plan;

    const { import: importSettings } = await this.settings.current();
    let applied: boolean;
    try {
      const movement = await this.shop.decrementStock(
        plan.key,
        plan.lines.map((line) => ({ productId: shopProductId(line.product), quantity: line.quantity })),
        { allowNegative: importSettings.forceProduct },
      );
      applied = movement.applied;
    } catch (error) {
      if (!(error instanceof StockShortfall)) throw error;
      const shortfall: StockShortfallLine[] = error.lines.map((line) => ({
        productId: line.productId,
        ordered: line.requested,
        inStock: Math.max(line.available, 0),
      }));
      await this.commandBus.execute(
        new ExecuteOrderCommand(
          {
            type: 'RecordStockDecrementFailed',
            data: {
              orderKey,
              key: plan.key,
              failure: { code: 'STOCK_SHORTFALL', shortfall },
              now: this.options.clock().toISOString(),
            },
          },
          followUpMetadata(command.metadata, 'short'),
        ),
      );
      return { kind: 'short', shortfall };
    }
    // Outside the try: failing to record is no shortfall (the event is delivered again instead).
    await this.commandBus.execute(
      new ExecuteOrderCommand(
        { type: 'RecordStockDecremented', data: { orderKey, key: plan.key, now: this.options.clock().toISOString() } },
        followUpMetadata(command.metadata, 'decremented'),
      ),
    );
    return { kind: 'decremented', applied };
  }
}
