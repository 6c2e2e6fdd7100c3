import { ShopError } from './shop-error.js';
import { SHOP_LIMITS } from './shop-limits.js';
import type { CreateShopOrdersInput, ShopOrderLineInput } from './shop-order.js';
import { shopAddress } from './testing/shop-address.js';
import { validateCreateOrders, validateShipInput, validateStockLines } from './validate-shop-input.js';

const shipment = (shippedAt: string) => ({ trackingNumber: 'TRK-1', shippedAt });

describe('validateShipInput', () => {
  it('keeps the shipping instant, read to UTC', () => {
    expect(validateShipInput(shipment('2025-03-10T10:00:00+01:00')).shippedAt).toBe('2025-03-10T09:00:00.000Z');
    expect(validateShipInput(shipment('2025-03-10')).shippedAt).toBe('2025-03-10T00:00:00.000Z');
  });

  it('refuses a day the calendar lacks rather than shipping on another day, and a time whose zone is unknown', () => {
    for (const shippedAt of ['2025-02-30T10:00:00Z', '2025-02-29', '2025-03-10T10:00:00']) {
      expect(() => validateShipInput(shipment(shippedAt))).toThrow(
        /shippedAt: must be an ISO 8601 date, or a timestamp with an offset/,
      );
    }
  });
});

describe("the shop's own limits (SHOP_LIMITS), kept after the import checks the same figures", () => {
  const address = shopAddress;
  const order = (line: Partial<ShopOrderLineInput>, overrides: Partial<CreateShopOrdersInput> = {}) => ({
    marketplace: 'cdiscount',
    marketplaceOrderId: 'CD-1',
    currency: 'EUR',
    customer: { email: 'buyer@example.com', firstName: 'Anne', lastName: 'Martin' },
    billingAddress: address(),
    packages: [
      {
        deliveryAddress: address(),
        lines: [{ productId: '101', quantity: 1, unitPriceCents: 100, marketplaceLineIds: ['CD-1-1'], ...line }],
      },
    ],
    ...overrides,
  });
  const refusal = (run: () => unknown): string[] => {
    try {
      run();
      return [];
    } catch (error) {
      if (!(error instanceof ShopError)) throw error;
      return error.problems.map((problem) => problem.message);
    }
  };

  it('given figures at the limits, when an order is created, then they are taken', () => {
    const atLimits = order(
      { quantity: SHOP_LIMITS.maxQuantity, unitPriceCents: 1, amountCents: SHOP_LIMITS.maxCents },
      {
        shippingCents: SHOP_LIMITS.maxCents,
        billingAddress: address({
          postcode: '1'.repeat(SHOP_LIMITS.maxPostcode),
          city: 'C'.repeat(SHOP_LIMITS.maxText),
        }),
      },
    );
    expect(refusal(() => validateCreateOrders('key-1', atLimits))).toEqual([]);
  });

  it('given figures one past the limits, when an order is created or stock is taken, then each is refused by path', () => {
    const past = order(
      { quantity: SHOP_LIMITS.maxQuantity + 1, unitPriceCents: SHOP_LIMITS.maxCents + 1 },
      { billingAddress: address({ postcode: '1'.repeat(SHOP_LIMITS.maxPostcode + 1) }) },
    );
    expect(refusal(() => validateCreateOrders('key-1', past))).toEqual([
      `billingAddress.postcode: must be at most ${SHOP_LIMITS.maxPostcode} characters`,
      `packages[0].lines[0].quantity: must be at most ${SHOP_LIMITS.maxQuantity}`,
      `packages[0].lines[0].unitPriceCents: must be at most ${SHOP_LIMITS.maxCents}`,
    ]);
    expect(
      refusal(() => validateStockLines('key-1', [{ productId: '101', quantity: SHOP_LIMITS.maxQuantity + 1 }])),
    ).toEqual([`lines[0].quantity: must be at most ${SHOP_LIMITS.maxQuantity}`]);
  });

  it('given lines of one product adding up to exactly the limit, when stock is taken, then they are merged into one movement', () => {
    const half = SHOP_LIMITS.maxQuantity / 2;
    expect(
      validateStockLines('key-1', [
        { productId: '101', quantity: half },
        { productId: '202', quantity: SHOP_LIMITS.maxQuantity },
        { productId: '101', quantity: half },
      ]).lines,
    ).toEqual([
      { productId: '101', quantity: SHOP_LIMITS.maxQuantity },
      { productId: '202', quantity: SHOP_LIMITS.maxQuantity },
    ]);
  });

  it('given lines of one product each within the limit but adding up past it, when stock is taken, then the sum is refused', () => {
    const lines = [
      { productId: '101_3', quantity: SHOP_LIMITS.maxQuantity },
      { productId: '202', quantity: 1 },
      { productId: '101_3', quantity: 1 },
    ];
    expect(refusal(() => validateStockLines('key-1', lines))).toEqual([
      `lines: lines[0], lines[2] of product 101_3 add up to ${SHOP_LIMITS.maxQuantity + 1}: must be at most ${SHOP_LIMITS.maxQuantity}`,
    ]);
  });

  it('given a line past the limit among lines of its product, when stock is taken, then only that line is refused', () => {
    const lines = [
      { productId: '101', quantity: SHOP_LIMITS.maxQuantity + 1 },
      { productId: '101', quantity: 1 },
    ];
    expect(refusal(() => validateStockLines('key-1', lines))).toEqual([
      `lines[0].quantity: must be at most ${SHOP_LIMITS.maxQuantity}`,
    ]);
  });

  it('given a relay id of the column length, or one with a control character, when an order is created, then the first is taken', () => {
    const withRelay = (relayId: string) => {
      const input = order({});
      return { ...input, packages: [{ ...input.packages[0], relayId }] };
    };
    expect(refusal(() => validateCreateOrders('key-1', withRelay(` ${'R'.repeat(SHOP_LIMITS.maxText)}\n`)))).toEqual(
      [],
    );
    expect(refusal(() => validateCreateOrders('key-1', withRelay('RL\u00001')))).toEqual([
      'packages[0].relayId: must not contain control characters',
    ]);
    expect(refusal(() => validateCreateOrders('key-1', withRelay('R'.repeat(SHOP_LIMITS.maxText + 1))))).toEqual([
      `packages[0].relayId: must be at most ${SHOP_LIMITS.maxText} characters`,
    ]);
  });
});
