import type { ShopOrderState } from './shop-order.js';

/**
 * States the engine may move an order to (it mirrors Lengow's status). Deliberately tolerant (lengow-api.md §13 #6:
 * narrow cancel transitions left orders stuck): a marketplace may cancel or refund after shipping, and a partially
 * refunded order can still ship. Only moves backwards (e.g. shipped → awaiting_shipment) and moves out of a technical
 * error are refused. Setting the state an order already has is a no-op, not an error, so retries are harmless.
 */
const ENGINE_TRANSITIONS: Record<ShopOrderState, readonly ShopOrderState[]> = {
  awaiting_shipment: [
    'shipped',
    'shipped_by_marketplace',
    'canceled',
    'refunded',
    'partially_refunded',
    'technical_error',
  ],
  shipped: ['canceled', 'refunded', 'partially_refunded', 'technical_error'],
  shipped_by_marketplace: ['canceled', 'refunded', 'partially_refunded', 'technical_error'],
  partially_refunded: ['shipped', 'shipped_by_marketplace', 'canceled', 'refunded', 'technical_error'],
  // A paid order that the marketplace canceled is refunded afterwards on some channels.
  canceled: ['refunded', 'technical_error'],
  refunded: ['technical_error'],
  // An order replaced by a re-import stays out of every flow.
  technical_error: [],
};

export function canEngineMove(from: ShopOrderState, to: ShopOrderState): boolean {
  return from === to || ENGINE_TRANSITIONS[from].includes(to);
}

/** States from which the merchant may ship (again, to change the tracking: the plugins re-send `ship` then, §11). */
export const MERCHANT_SHIPPABLE: readonly ShopOrderState[] = ['awaiting_shipment', 'partially_refunded', 'shipped'];

/** Marketplaces accept a cancel only before shipping. */
export const MERCHANT_CANCELABLE: readonly ShopOrderState[] = ['awaiting_shipment', 'partially_refunded'];

export const MERCHANT_REFUNDABLE: readonly ShopOrderState[] = [
  'awaiting_shipment',
  'shipped',
  'shipped_by_marketplace',
  'partially_refunded',
];
