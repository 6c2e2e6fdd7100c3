import { orderStreamName, type OrderKey } from '../domain/order-key.js';

/**
 * Lengow answered a one-order fetch with a payload that cannot be represented, so there is nothing to re-import
 * from. The operator asks Lengow to fix the order, then tries again.
 */
export class OrderNotFormatted extends Error {
  readonly code = 'ORDER_NOT_FORMATTED';
  readonly transient = false;

  constructor(
    readonly orderKey: OrderKey,
    readonly reason: string,
  ) {
    super(`Lengow sent order ${orderStreamName(orderKey)} in a shape that cannot be read: ${reason}`);
    this.name = 'OrderNotFormatted';
  }
}
