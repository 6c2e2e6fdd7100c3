import { DEFAULT_IMPORT_SETTINGS } from './import-settings.js';
import type { MarketplaceOrderSnapshot } from './marketplace-order-snapshot.js';
import { planShopOrders, type PlanShopOrdersInput } from './plan-shop-orders.js';
import { validateOrder } from './validate-order.js';
import { address, colissimo, definition, line, lookups, pkg, snapshot } from './testing/order-fixtures.js';

const orderKey = { marketplace: 'demo_market_fr', marketplaceOrderId: 'DM-2024-000123' };

function plan(
  order: MarketplaceOrderSnapshot,
  overrides: Partial<PlanShopOrdersInput> = {},
  productLookups = lookups(),
) {
  const validated = validateOrder({
    snapshot: order,
    definition: definition(),
    lookups: productLookups,
    settings: DEFAULT_IMPORT_SETTINGS,
    shippedByMarketplace: false,
  });
  if (!validated.ok) throw new Error(`fixture does not validate: ${JSON.stringify(validated.failures)}`);
  return planShopOrders({
    orderKey,
    generation: 1,
    snapshot: order,
    billing: validated.billing,
    packages: validated.packages,
    filledIn: validated.filledIn,
    settings: DEFAULT_IMPORT_SETTINGS,
    lengowStatus: 'waiting_shipment',
    shippedByMarketplace: false,
    decrementStock: true,
    ...overrides,
  });
}

const twoPackages = () =>
  snapshot({
    amounts: { total: 70, tax: 0, shipping: 4.9, processingFee: 1.1 },
    packages: [pkg(), pkg({ deliveryId: '9005', lines: [line({ lineId: 'DM-3', quantity: 1, amount: 5.2 })] })],
  });

const lookupsWithThirdLine = () =>
  lookups({
    products: {
      ...lookups().products,
      'DM-3': {
        kind: 'found',
        product: { productId: '3003', variantId: null },
        matchedBy: 'merchant_id',
        available: true,
      },
    },
  });

describe('planShopOrders', () => {
  it('plans one shop order per package with deterministic keys', () => {
    const result = plan(twoPackages(), {}, lookupsWithThirdLine());
    expect(result.shopOrders.map((order) => [order.key, order.deliveryId])).toEqual([
      ['order-demo_market_fr-DM-2024-000123:shop-order:0:1', '9002'],
      ['order-demo_market_fr-DM-2024-000123:shop-order:1:1', '9005'],
    ]);
    expect(result.merchantOrderIdsKey).toBe('order-demo_market_fr-DM-2024-000123:moi:1');
  });

  it('puts shipping and processing fee on the first shop order only', () => {
    const [first, second] = plan(twoPackages(), {}, lookupsWithThirdLine()).shopOrders;
    expect(first?.amounts).toEqual({ products: 59.9, shipping: 4.9, processingFee: 1.1, total: 65.9 });
    expect(second?.amounts).toEqual({ products: 5.2, shipping: 0, processingFee: 0, total: 5.2 });
  });

  it('leaves the processing fee out when the setting says so', () => {
    const [first] = plan(
      twoPackages(),
      { settings: { importProcessingFee: false } },
      lookupsWithThirdLine(),
    ).shopOrders;
    expect(first?.amounts).toEqual({ products: 59.9, shipping: 4.9, processingFee: 0, total: 64.8 });
  });

  it('drops canceled lines from the cart and from the totals', () => {
    const order = snapshot({
      packages: [pkg({ lines: [line(), line({ lineId: 'DM-2', marketplaceStatus: 'Cancelled', amount: 20 })] })],
    });
    const [only] = plan(order).shopOrders;
    expect(only?.lines.map((planned) => planned.sourceLines.map((source) => source.marketplaceLineId))).toEqual([
      ['DM-1'],
    ]);
    expect(only?.amounts.products).toBe(39.9);
  });

  it('merges lines resolving to the same product and keeps every line id', () => {
    const order = snapshot({
      packages: [
        pkg({ lines: [line({ amount: 0.1, quantity: 1 }), line({ lineId: 'DM-9', amount: 0.2, quantity: 2 })] }),
      ],
    });
    const sameProduct = lookups({
      products: { 'DM-1': lookups().products['DM-1']!, 'DM-9': lookups().products['DM-1']! },
    });
    const [only] = plan(order, {}, sameProduct).shopOrders;
    expect(only?.lines).toEqual([
      {
        product: { productId: '1001', variantId: '3' },
        title: 'Mug, blue',
        quantity: 3,
        amount: 0.3,
        unitPrice: 0.1,
        sourceLines: [
          { marketplaceLineId: 'DM-1', quantity: 1, amount: 0.1 },
          { marketplaceLineId: 'DM-9', quantity: 2, amount: 0.2 },
        ],
      },
    ]);
  });

  it('skips a package whose lines were all canceled, and gives shipping to the next one', () => {
    const order = snapshot({
      packages: [
        pkg({ lines: [line({ marketplaceStatus: 'Cancelled' })] }),
        pkg({ deliveryId: '9005', lines: [line({ lineId: 'DM-3', amount: 5 })] }),
      ],
    });
    const result = plan(order, {}, lookupsWithThirdLine());
    expect(result.shopOrders.map((order) => [order.packageIndex, order.amounts.shipping])).toEqual([[1, 4.9]]);
  });

  it('plans a line listed in two packages once, in the first, and notes the dropped copy', () => {
    // Given the same marketplace line in both packages, as Lengow sent for order 1300435653832-A
    const order = snapshot({
      amounts: { total: 44.8, tax: 0, shipping: 4.9, processingFee: 0 },
      packages: [pkg({ lines: [line()] }), pkg({ deliveryId: '9005', lines: [line()] })],
    });
    // When the shop orders are planned
    const result = plan(order);
    // Then one shop order bills the line once, and stock is taken once
    expect(result.shopOrders.map((planned) => [planned.packageIndex, planned.deliveryId])).toEqual([[0, '9002']]);
    expect(result.shopOrders[0]?.lines.flatMap((planned) => planned.sourceLines)).toEqual([
      { marketplaceLineId: 'DM-1', quantity: 2, amount: 39.9 },
    ]);
    expect(result.shopOrders[0]?.amounts).toEqual({ products: 39.9, shipping: 4.9, processingFee: 0, total: 44.8 });
    expect(result.stockDecrement?.lines).toEqual([{ product: { productId: '1001', variantId: '3' }, quantity: 2 }]);
    expect(result.filledIn).toContainEqual({
      address: 'delivery:1',
      field: 'line',
      value: 'line DM-1 dropped: already planned in package 0 (delivery 9002)',
    });
  });

  it('given a repeated line whose id has a control character, when planned, then the note quotes the id escaped', () => {
    const lineId = 'DM-1\u001b';
    const order = snapshot({
      amounts: { total: 44.8, tax: 0, shipping: 4.9, processingFee: 0 },
      packages: [pkg({ lines: [line({ lineId })] }), pkg({ deliveryId: '9005', lines: [line({ lineId })] })],
    });
    const result = plan(order, {}, lookups({ products: { [lineId]: lookups().products['DM-1']! } }));
    expect(result.filledIn).toContainEqual({
      address: 'delivery:1',
      field: 'line',
      value: 'line DM-1\\u001b dropped: already planned in package 0 (delivery 9002)',
    });
  });

  it('plans one stock decrement per order, summed per product', () => {
    const result = plan(twoPackages(), {}, lookupsWithThirdLine());
    expect(result.stockDecrement).toEqual({
      key: 'order-demo_market_fr-DM-2024-000123:stock',
      lines: [
        { product: { productId: '1001', variantId: '3' }, quantity: 2 },
        { product: { productId: '2002', variantId: null }, quantity: 1 },
        { product: { productId: '3003', variantId: null }, quantity: 1 },
      ],
    });
    expect(plan(twoPackages(), { decrementStock: false }, lookupsWithThirdLine()).stockDecrement).toBeNull();
  });

  it('takes the customer e-mail from the billing address, else from the delivery address', () => {
    expect(plan(snapshot()).customer.email).toBe('buyer-778@relay.example');
    const noBillingEmail = snapshot({
      billingAddress: address({ email: null }),
      packages: [pkg({ deliveryAddress: address({ email: 'ship@example.test' }) })],
    });
    expect(plan(noBillingEmail).customer).toMatchObject({
      email: 'ship@example.test',
      marketplaceCustomerId: 'CUST-778',
    });
  });

  it.each([[''], ['  ']])('reads a billing e-mail of %j as absent and takes the delivery e-mail', (blank) => {
    const blankBillingEmail = snapshot({
      billingAddress: address({ email: blank }),
      packages: [pkg({ deliveryAddress: address({ email: 'ship@example.test' }) })],
    });
    expect(plan(blankBillingEmail).customer.email).toBe('ship@example.test');
    const noEmailAtAll = snapshot({
      billingAddress: address({ email: blank }),
      packages: [pkg({ deliveryAddress: address({ email: ' ' }) })],
    });
    expect(plan(noEmailAtAll).customer.email).toBeNull();
  });

  it('flags B2B orders and sets the initial shop state from the Lengow status', () => {
    const business = snapshot({ orderTypes: [{ type: 'is_business', label: 'Business' }] });
    expect(plan(business).business).toBe(true);
    expect(plan(snapshot()).shopOrders[0]?.initialState).toBe('accepted');
    expect(plan(snapshot(), { lengowStatus: 'closed' }).shopOrders[0]?.initialState).toBe('shipped');
    expect(plan(snapshot(), { shippedByMarketplace: true }).shopOrders[0]?.initialState).toBe('shipped_by_marketplace');
  });

  it('keeps the carrier and the marketplace tracking data for later actions', () => {
    const [only] = plan(snapshot()).shopOrders;
    expect(only).toMatchObject({ carrier: colissimo, tracking: { carrier: 'COLISSIMO', method: 'Standard' } });
  });
});
