import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LOGGER } from '../../app.tokens.js';
import { LENGOW_API, type LengowApi } from '../../lengow/lengow-api.port.js';
import type { Logger } from '../../logging/logger.js';
import { isShopError } from '../../shop/shop-error.js';
import type { ShopOrderState } from '../../shop/shop-order.js';
import { SHOP, type Shop } from '../../shop/shop.port.js';
import type { OrderKey } from '../domain/order-key.js';
import { quoted } from '../domain/import-failure.js';
import { activeShopOrders } from '../domain/order-state.js';
import { ApplyLengowStatusToShop, type AppliedShopState } from './apply-lengow-status-to-shop.js';
import { describeFailure } from './describe-failure.js';
import { OrderStreamReader } from '../commands/order-stream-reader.js';

/** The plugins' only later updates (`LengowOrder::updateState`): accepted → shipped, accepted|shipped → canceled. */
const MOVES: Readonly<Record<string, { readonly from: readonly ShopOrderState[]; readonly to: ShopOrderState }>> = {
  shipped: { from: ['awaiting_shipment'], to: 'shipped' },
  closed: { from: ['awaiting_shipment'], to: 'shipped' },
  canceled: { from: ['awaiting_shipment', 'shipped'], to: 'canceled' },
  refused: { from: ['awaiting_shipment', 'shipped'], to: 'canceled' },
};

/**
 * The shop state change's reason. The marketplace status is the marketplace's own text, quoted as the order's messages
 * quote Lengow's values (control characters escaped, bounded): the shop refuses a reason past its length or with control
 * characters, and a refused state change would be retried for nothing.
 */
export function lengowStatusReason(lengowStatus: string, marketplaceStatus: string): string {
  return `Lengow status ${lengowStatus} (marketplace status ${quoted(marketplaceStatus)})`;
}

/**
 * Moves the order's current shop orders to the state Lengow reports. The shop keeps engine-set states out of its change
 * feed, so this never comes back as a merchant change (no action loop). A ship copies the tracking number Lengow has
 * for the package. Refunds from Lengow are never applied to the shop (as in the plugins).
 */
@CommandHandler(ApplyLengowStatusToShop)
export class ApplyLengowStatusToShopHandler implements ICommandHandler<ApplyLengowStatusToShop> {
  constructor(
    private readonly orders: OrderStreamReader,
    @Inject(SHOP) private readonly shop: Shop,
    @Inject(LENGOW_API) private readonly lengow: LengowApi,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(command: ApplyLengowStatusToShop): Promise<{ readonly applied: readonly AppliedShopState[] }> {
    const { lengowStatus } = command;
    if (lengowStatus === null) return { applied: [] };
    const move = MOVES[lengowStatus];
    if (!move) return { applied: [] };
    const { state } = await this.orders.loadStream(command.stream);
    if (!state.orderKey) return { applied: [] };
    const applied: AppliedShopState[] = [];
    let trackings: Map<number, string> | null = null;
    for (const record of activeShopOrders(state)) {
      const order = await this.shop.getOrder(record.shopOrderId);
      if (!order || !move.from.includes(order.state)) continue;
      const reason = lengowStatusReason(lengowStatus, command.marketplaceStatus);
      let details: Parameters<Shop['setOrderState']>[2] = { reason, lengowStatus };
      if (move.to === 'shipped') {
        trackings ??= await this.lengowTrackings(state.orderKey);
        const number = trackings.get(record.packageIndex) ?? record.tracking?.number ?? null;
        if (number)
          details = { ...details, tracking: { trackingNumber: number, carrierName: record.tracking?.carrier ?? null } };
      }
      try {
        const result = await this.shop.setOrderState(record.shopOrderId, move.to, details);
        if (result.changed) applied.push({ shopOrderId: record.shopOrderId, from: order.state, to: move.to });
      } catch (error) {
        // The merchant moved the order meanwhile (say, refunded it): the shop's state wins, nothing to force.
        if (!isShopError(error, 'INVALID_STATE_TRANSITION')) throw error;
        this.logger.info({ shopOrderId: record.shopOrderId, err: describeFailure(error) }, 'shop state left as is');
      }
    }
    return { applied };
  }

  /**
   * Tracking numbers per package as Lengow has them now (the ship happened on the marketplace side). Best effort: if
   * Lengow cannot be read, the number known at import (if any) is used rather than holding the state back.
   */
  private async lengowTrackings(orderKey: OrderKey): Promise<Map<number, string>> {
    const numbers = new Map<number, string>();
    try {
      for await (const page of this.lengow.listOrders({
        marketplace: orderKey.marketplace,
        marketplaceOrderId: orderKey.marketplaceOrderId,
      })) {
        const found = page.orders.find((parsed) => parsed.ok);
        if (found?.ok) {
          found.order.packages.forEach((pkg, index) => {
            const number = pkg.delivery.trackings[0]?.number;
            if (typeof number === 'string' && number.trim() !== '') numbers.set(index, number.trim());
          });
        }
        break;
      }
    } catch (error) {
      this.logger.warn({ orderKey, err: describeFailure(error) }, 'tracking numbers not read from Lengow');
    }
    return numbers;
  }
}
