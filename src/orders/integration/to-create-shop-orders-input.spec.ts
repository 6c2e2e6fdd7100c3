import { decide } from '../domain/decide.js';
import type { ShopOrderPlan } from '../domain/plan-shop-orders.js';
import { initialState } from '../domain/order-state.js';
import { address, line, pkg, snapshot } from '../domain/testing/order-fixtures.js';
import { importOrder, ORDER_KEY, shopOrderKey } from '../domain/testing/order-scenario.js';
import type { MarketplaceOrderSnapshot } from '../domain/marketplace-order-snapshot.js';
import { placeholderEmail, shopOrdersKey, toCreateShopOrdersInput } from './to-create-shop-orders-input.js';

/** The plan the domain makes for a snapshot (the shop-order saga's input). */
function planOf(overrides: Partial<MarketplaceOrderSnapshot> = {}): ShopOrderPlan {
  const [event] = decide(importOrder({ snapshot: snapshot(overrides) }), initialState());
  if (event?.type !== 'OrderImportPlanned') throw new Error(`expected a plan, got ${event?.type}`);
  return event.data.plan;
}

// The domain fixtures name carriers by strings like "carrier-laposte"; the shop's ids are numbers.
const SHOP_IDS: Record<string, number> = { 'carrier-colissimo': 7, 'carrier-laposte': 8 };
const carrierIdOf = (carrier: { id: string }) => SHOP_IDS[carrier.id] ?? null;

describe('toCreateShopOrdersInput', () => {
  it('maps a one-package plan under the plan’s own key, in exact cents', () => {
    const result = toCreateShopOrdersInput(ORDER_KEY, planOf(), carrierIdOf);
    if (!result.ok) throw new Error(result.reasons.join('; '));
    expect(result.key).toBe(shopOrderKey(0, 1));
    expect(result.input).toMatchObject({
      marketplace: 'demo_market_fr',
      marketplaceOrderId: 'DM-2024-000123',
      currency: 'EUR',
      customer: {
        email: 'buyer-778@relay.example',
        firstName: 'Anne',
        lastName: 'Martin',
        phone: '+33600000000',
        marketplaceCustomerId: 'CUST-778',
      },
      billingAddress: { line1: '12 rue des Lilas', postcode: '69003', city: 'Lyon', countryIsoA2: 'FR' },
      shippingCents: 490,
      processingFeeCents: 0,
      isB2B: false,
      initialState: 'awaiting_shipment',
    });
    expect(result.input.packages).toEqual([
      expect.objectContaining({
        packageIndex: 0,
        deliveryId: '9002',
        lines: [
          { productId: '1001_3', quantity: 2, unitPriceCents: 1995, amountCents: 3990, marketplaceLineIds: ['DM-1'] },
          { productId: '2002', quantity: 1, unitPriceCents: 2000, amountCents: 2000, marketplaceLineIds: ['DM-2'] },
        ],
      }),
    ]);
  });

  it('puts every package in one call (all or nothing), shipping and fee charged on the first', () => {
    const plan = planOf({
      amounts: { total: 66.3, tax: 0, shipping: 4.9, processingFee: 1.5 },
      packages: [
        pkg({ lines: [line()] }),
        pkg({
          deliveryId: '9003',
          lines: [line({ lineId: 'DM-2', merchantProductId: { id: '2002', field: 'id' }, quantity: 1, amount: 20 })],
        }),
      ],
    });
    const result = toCreateShopOrdersInput(ORDER_KEY, plan, carrierIdOf);
    if (!result.ok) throw new Error(result.reasons.join('; '));
    expect(result.key).toBe('order-demo_market_fr-DM-2024-000123:shop-order:0,1:1');
    expect(result.input.packages.map((entry) => [entry.packageIndex, entry.deliveryId])).toEqual([
      [0, '9002'],
      [1, '9003'],
    ]);
    expect([result.input.shippingCents, result.input.processingFeeCents]).toEqual([490, 150]);
  });

  it('fills what the shop cannot do without, deterministically: e-mail, last name', () => {
    const plan = planOf({
      billingAddress: address({ email: null, lastName: null, firstName: null, fullName: 'Anne Martin' }),
      packages: [pkg({ deliveryAddress: address({ email: null }) })],
    });
    const result = toCreateShopOrdersInput(ORDER_KEY, plan, carrierIdOf);
    if (!result.ok) throw new Error(result.reasons.join('; '));
    expect(result.input.customer).toMatchObject({
      email: 'cust-778@demo-market-fr.no-email.invalid',
      lastName: 'Anne Martin',
      firstName: '',
    });
    expect(placeholderEmail(ORDER_KEY, null)).toBe('dm-2024-000123@demo-market-fr.no-email.invalid');
  });

  it('refuses a plan whose carrier the shop does not have, naming it', () => {
    const result = toCreateShopOrdersInput(ORDER_KEY, planOf(), () => null);
    expect(result).toEqual({ ok: false, reasons: [expect.stringContaining('is not a carrier of the shop')] });
  });

  it('keeps keys within the shop’s 200 characters', () => {
    const key = { marketplace: 'demo_market_fr', marketplaceOrderId: 'X'.repeat(250) };
    const plan = planOf();
    expect(shopOrdersKey(key, { ...plan, shopOrders: [{ ...plan.shopOrders[0], key: 'k'.repeat(260) }] })).toMatch(
      /^shop-orders:[0-9a-f]{64}$/,
    );
  });
});
