import { ShopError } from '../../shop/shop-error.js';
import { StockShortfall } from '../../shop/stock-shortfall.js';
import { stockDecrementFailureOf } from './stock-decrement-failure-of.js';

const unknown = (productId?: string) => ({
  code: 'UNKNOWN_PRODUCT' as const,
  message: `product ${productId} could not be found`,
  ...(productId === undefined ? {} : { productId }),
});
const parent = (productId: string) => ({
  code: 'PRODUCT_VARIATION_NEEDED' as const,
  message: `product ${productId} is a parent ID. Product variation is needed`,
  productId,
});

describe('stockDecrementFailureOf', () => {
  it('records a shortfall with the figures the operator restocks by (never a negative stock)', () => {
    const error = new StockShortfall([{ productId: '12_3', requested: 2, available: -1 }]);
    expect(stockDecrementFailureOf(error)).toEqual({
      code: 'STOCK_SHORTFALL',
      shortfall: [{ productId: '12_3', ordered: 2, inStock: 0 }],
    });
  });

  it('records products the catalogue no longer has as ordered, each once, in the order the shop named them', () => {
    const error = new ShopError([unknown('12_3'), parent('40'), unknown('12_3')]);
    expect(stockDecrementFailureOf(error)).toEqual({
      code: 'PRODUCT_NOT_IN_SHOP',
      products: [
        { productId: '12_3', reason: 'missing' },
        { productId: '40', reason: 'has_variants' },
      ],
    });
  });

  it.each([
    ['the shop unreachable', new Error('connect ECONNREFUSED 127.0.0.1:5432')],
    ['input the engine should never send', ShopError.of('INVALID_SHOP_INPUT', 'lines[0].quantity must be positive')],
    [
      'a key reused for other lines',
      ShopError.of('IDEMPOTENCY_KEY_REUSED', 'stock decrement key "k" was already used'),
    ],
    ['a refusal no step in the shop fixes', ShopError.of('UNKNOWN_ORDER', 'order 7 could not be found')],
    [
      'a product refusal mixed with a bug',
      new ShopError([unknown('12_3'), { code: 'INVALID_SHOP_INPUT', message: 'x' }]),
    ],
    ['a product refusal that names no product', new ShopError([unknown()])],
  ])('throws on %s: retried, then parked', (_name, error) => {
    expect(stockDecrementFailureOf(error)).toBeNull();
  });
});
