import {
  canEngineMove,
  MERCHANT_CANCELABLE,
  MERCHANT_REFUNDABLE,
  MERCHANT_SHIPPABLE,
} from './shop-order-transitions.js';
import { SHOP_ORDER_STATES } from './shop-order.js';

describe('shop order transitions', () => {
  it('lets the engine repeat the current state (a retried command) from every state', () => {
    for (const state of SHOP_ORDER_STATES) expect(canEngineMove(state, state)).toBe(true);
  });

  it('lets every state but technical error be parked in technical error, and nothing leave it', () => {
    for (const state of SHOP_ORDER_STATES.filter((s) => s !== 'technical_error')) {
      expect(canEngineMove(state, 'technical_error')).toBe(true);
      expect(canEngineMove('technical_error', state)).toBe(false);
    }
  });

  it('is tolerant of late marketplace moves but never moves an order backwards', () => {
    expect(canEngineMove('shipped', 'canceled')).toBe(true);
    expect(canEngineMove('canceled', 'refunded')).toBe(true);
    expect(canEngineMove('partially_refunded', 'shipped')).toBe(true);
    expect(canEngineMove('shipped', 'awaiting_shipment')).toBe(false);
    expect(canEngineMove('refunded', 'partially_refunded')).toBe(false);
    expect(canEngineMove('canceled', 'shipped')).toBe(false);
    expect(canEngineMove('shipped_by_marketplace', 'shipped')).toBe(false);
  });

  it('lets the merchant cancel only before shipping, and never act on final or parked orders', () => {
    expect(MERCHANT_CANCELABLE).not.toContain('shipped');
    for (const final of ['canceled', 'refunded', 'technical_error'] as const) {
      expect(MERCHANT_SHIPPABLE).not.toContain(final);
      expect(MERCHANT_CANCELABLE).not.toContain(final);
      expect(MERCHANT_REFUNDABLE).not.toContain(final);
    }
  });
});
