import { idempotencyKeys } from './idempotency-keys.js';

const key = { marketplace: 'amazon_fr', marketplaceOrderId: '402-1' };

describe('idempotencyKeys', () => {
  it('derives shop order keys from the package position and the import generation, not from delivery ids', () => {
    expect(idempotencyKeys.shopOrder(key, 0, 1)).toBe('order-amazon_fr-402-1:shop-order:0:1');
    expect(idempotencyKeys.shopOrder(key, 1, 2)).toBe('order-amazon_fr-402-1:shop-order:1:2');
  });

  it('has a single stock decrement key per order whatever the generation', () => {
    expect(idempotencyKeys.stockDecrement(key)).toBe('order-amazon_fr-402-1:stock');
  });

  it('separates the first moi from later re-synchronisations', () => {
    expect(idempotencyKeys.merchantOrderIds(key, 1)).toBe('order-amazon_fr-402-1:moi:1');
    expect(idempotencyKeys.resynchronisation(key, 1, 2)).toBe('order-amazon_fr-402-1:moi:1:resync:2');
  });

  it('gives each try and each line of an action its own attempt key', () => {
    const request = idempotencyKeys.actionRequest(key, 'ship', 1);
    const firstTry = idempotencyKeys.actionTry(request, 1);
    expect(firstTry).toBe('order-amazon_fr-402-1:action:ship:1:try:1');
    expect(idempotencyKeys.actionAttempt(firstTry, null)).toBe('order-amazon_fr-402-1:action:ship:1:try:1:order');
    expect(idempotencyKeys.actionAttempt(firstTry, 'L-2')).toBe('order-amazon_fr-402-1:action:ship:1:try:1:line:L-2');
    expect(idempotencyKeys.actionTry(request, 2)).not.toBe(firstTry);
  });
});
