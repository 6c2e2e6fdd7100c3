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
import { takeOrderStock } from './take-order-stock.js';

/**
 * Stock moves exactly once per order: the shop deduplicates on the plan's key, and the stream records it. With the
 * "force product" setting stock may go below zero (the plugins add out-of-stock products anyway); without it a
 * shortfall is refused by the shop and nothing is taken. A product deleted from the catalogue (or split into
 * variants) since the import is refused whatever the setting. Retrying either would only find the same shelves and
 * catalogue, so it is recorded on the order (`StockDecrementFailed`) for the operator, who fixes the shop and retries.
 * Anything else the shop throws (unreachable, or a refusal that points at a bug: `stockDecrementFailureOf`) is thrown
 * on: the saga's consumer retries it, then parks the event.
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

    const taken = await takeOrderStock(this.shop, this.settings, plan);
    if (taken.kind === 'refused') {
      const { failure } = taken;
      const short = failure.code === 'STOCK_SHORTFALL';
      await this.commandBus.execute(
        new ExecuteOrderCommand(
          {
            type: 'RecordStockDecrementFailed',
            data: { orderKey, key: plan.key, failure, now: this.options.clock().toISOString() },
          },
          followUpMetadata(command.metadata, short ? 'short' : 'not-in-shop'),
        ),
      );
      return short
        ? { kind: 'short', shortfall: failure.shortfall }
        : { kind: 'not_in_shop', products: failure.products };
    }
    await this.commandBus.execute(
      new ExecuteOrderCommand(
        { type: 'RecordStockDecremented', data: { orderKey, key: plan.key, now: this.options.clock().toISOString() } },
        followUpMetadata(command.metadata, 'decremented'),
      ),
    );
    return { kind: 'decremented', applied: taken.applied };
  }
}
